/** The 4 KiB every small-file case of the `async-file` group writes, and the error of a write that fell short of it. */
import type { AsyncFileHandle } from 'async-op-file';
import { type RunLatch } from '../random-reads.js';
import { BLOCK } from '../workload.js';
import { ignore } from './ignore.js';

export const PAYLOAD = Buffer.alloc(BLOCK, 0x61);

export function shortWrite(written: number): Error {
  return new Error(`short write: ${written} of ${BLOCK} bytes`);
}

/**
 * Writes PAYLOAD to the handle's open file, chained, then its close: counts the file done (then calls `then`, if
 * given and more files are to be done), or fails the run.
 */
export function writePayloadThenClose(handle: AsyncFileHandle, latch: RunLatch, then?: () => void): void {
  handle
    .write(PAYLOAD, 0, (writeError, written) => {
      const error = writeError ?? (written === BLOCK ? null : shortWrite(written));
      if (error !== null) {
        latch.fail(error);
        handle.close(ignore).release();
        return;
      }
      handle
        .close((closeError) => {
          if (closeError !== null) latch.fail(closeError);
          else if (latch.complete()) then?.();
        })
        .release();
    })
    .release();
}

/** The 4 KiB every small-file case of the `async-file` group writes, and the error of a write that fell short of it. */
import { BLOCK } from '../random-reads.js';

export const PAYLOAD = Buffer.alloc(BLOCK, 0x61);

export function shortWrite(written: number): Error {
  return new Error(`short write: ${written} of ${BLOCK} bytes`);
}

/**
 * The io_uring engine called directly for the `io-uring` group: 4 KiB reads, LANES in flight, each checked, without
 * the manager (what the manager's own work per read is measured against).
 */
import type { FileEngine } from 'async-op-file';
import { wrongBlock } from '../random-reads.js';
import { BLOCK, LANES } from '../workload.js';

/** Resolves `count` after `count` operations, each checked; `run` starts the lanes with `next` and `done`. */
export function lanes(
  count: number,
  run: (next: () => number, done: (error: Error | null) => boolean) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let issued = 0;
    let completed = 0;
    let failed = false;
    const next = (): number => (issued < count ? issued++ : -1);
    const done = (error: Error | null): boolean => {
      if (failed) return false;
      if (error !== null) {
        failed = true;
        reject(error);
        return false;
      }
      if (++completed === count) resolve(count);
      return true;
    };
    run(next, done);
  });
}

export function engineReads(engine: FileEngine, fd: number, offsets: Int32Array, count: number): Promise<number> {
  return lanes(count, (next, done) => {
    const lane = (buffer: Buffer): void => {
      const index = next();
      if (index < 0) return;
      const offset = offsets[index] ?? 0;
      engine.read(fd, buffer, 0, BLOCK, offset, (error, bytesRead) => {
        if (error !== null) return void done(error);
        if (bytesRead !== BLOCK || buffer.readUInt32LE(0) !== offset / BLOCK) {
          return void done(wrongBlock(offset, bytesRead, buffer.readUInt32LE(0)));
        }
        if (done(null)) lane(buffer);
      });
    };
    for (let i = 0; i < LANES; i++) lane(Buffer.allocUnsafe(BLOCK));
  });
}

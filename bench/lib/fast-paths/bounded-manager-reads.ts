import type { AsyncFileHandle } from 'async-op-file';
import { wrongBlock } from '../random-reads.js';
import { BLOCK } from '../workload.js';

/**
 * Reads at `offsets` in order through one lane per handle until `maxCount` reads were issued or `timeLimitMs` passed;
 * resolves with the reads completed once every lane has stopped.
 */
export function boundedManagerReads(
  handles: readonly AsyncFileHandle[],
  offsets: Int32Array,
  maxCount: number,
  timeLimitMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const stopAt = performance.now() + timeLimitMs;
    let issued = 0;
    let completed = 0;
    let activeLanes = handles.length;
    let failed = false;
    const stopLane = (): void => {
      if (--activeLanes === 0 && !failed) resolve(completed);
    };
    const lane = (handle: AsyncFileHandle): void => {
      if (failed) return;
      if (issued >= maxCount || performance.now() > stopAt) return stopLane();
      const offset = offsets[issued++] ?? 0;
      handle
        .read(offset, BLOCK, (error, bytes) => {
          if (failed) return;
          if (error === null && (bytes.length !== BLOCK || bytes.readUInt32LE(0) !== offset / BLOCK)) {
            error = wrongBlock(offset, bytes.length, bytes.length >= 4 ? bytes.readUInt32LE(0) : -1);
          }
          if (error !== null) {
            failed = true;
            return reject(error);
          }
          completed++;
          lane(handle);
        })
        .release();
    };
    for (const handle of handles) lane(handle);
  });
}

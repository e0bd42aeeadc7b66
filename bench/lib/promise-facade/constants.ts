/**
 * The settings of the `promise-facade` group and the names of its cases (the keys of its JSON report: they never
 * change spelling).
 */
import { quickOr } from '../quick-mode.js';
import {} from '../workload.js';

export const READS_PER_RUN = 50_000;
export const READS_PER_WARMUP_RUN = 10_000;
export const FILES_PER_RUN = quickOr(5_000, 1_000);
export const FILES_PER_WARMUP_RUN = quickOr(1_000, 250);
export const ROUNDS = { min: 5, max: 10 };

export const NAMES = {
  readsFacade: 'reads: PromiseFileHandle read(offset, 4 KiB, { signal }) (default engine), 64 handles',
  readsFacadeInto: 'reads: PromiseFileHandle readInto(buffer, offset, { signal }) (default engine), 64 handles',
  readsFacadeAuto: "reads: PromiseFileHandle read(offset, 4 KiB, { signal }) (engine 'auto'), 64 handles",
  readsFacadeAutoInto: "reads: PromiseFileHandle readInto(buffer, offset, { signal }) (engine 'auto'), 64 handles",
  readsFsp: 'reads: fs.promises FileHandle.read into a new 4 KiB Buffer, signal checked before each, 64 in flight',
  readsFspInto: 'reads: fs.promises FileHandle.read into one buffer per lane, signal checked before each, 64 in flight',
  readsFloor:
    'reads: floor: callback fs.read into one buffer per lane, one Promise per read, signal checked before each, 64 in flight',
  filesFacade: 'files: PromiseFileHandle open+write 4 KiB+close with { signal } (default engine), 64 in flight',
  filesFacadeAuto: "files: PromiseFileHandle open+write 4 KiB+close with { signal } (engine 'auto'), 64 in flight",
  filesFsp: 'files: fs.promises open+FileHandle.write 4 KiB+close, signal checked before each, 64 in flight',
  filesFloor:
    'files: floor: callback fs.open+fs.write 4 KiB+fs.close, one Promise per call, signal checked before each, 64 in flight',
  createsFacade: 'new files: PromiseFileManager.writeNewFile(path, 4 KiB, { signal }) (default engine), 64 in flight',
  createsFacadeAuto:
    "new files: PromiseFileManager.writeNewFile(path, 4 KiB, { signal }) (engine 'auto'), 64 in flight",
  createsFsp: "new files: fs.promises.writeFile(path, 4 KiB, { signal, flag: 'wx' }), 64 in flight",
} as const;

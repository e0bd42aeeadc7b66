/**
 * The settings of the `abort` group and the names of its cases (the keys of its JSON report: they never change
 * spelling).
 */
import { quickOr } from '../quick-mode.js';

/** The file every case reads: large enough that 10% of it is tens of chunks (the issue of a whole-file read). */
export const FILE_BYTES = 384 * 1024 * 1024;
/** The chunk every case reads at a time: fs.promises.readFile's own (512 KiB), and the stream's highWaterMark. */
export const CHUNK = 512 * 1024;
/** The cancel comes once this share of the file has been read. */
export const CANCEL_AT = 0.1;
/** Handles reading ahead in the manager cases (one action each), through a manager with concurrency 1. */
export const LANES = 4;
/** Runs of every case (interleaved: each round runs every case once). */
export const RUNS = quickOr(32, 2);
/** The interval at which the cancel checks the progress, ms. */
export const POLL_MS = 1;
/** Blocks of the second half of the file (never read by a run) probed for residency at the start of each run. */
export const RESIDENCY_SAMPLE = 64;

export const NAMES = {
  managerNodeFs: 'manager (node-fs), callback read() of 512 KiB chunks, 4 handles ahead, concurrency 1',
  managerUring: 'manager (io_uring), callback read() of 512 KiB chunks, 4 handles ahead, concurrency 1',
  managerAuto: "manager (engine 'auto'), callback read() of 512 KiB chunks, 4 handles ahead, concurrency 1",
  facadeNodeFs: 'PromiseFileHandle (default engine: node-fs), read(..., { signal }) of 512 KiB chunks, 4 handles ahead',
  facadeAuto: "PromiseFileHandle (engine 'auto'), read(..., { signal }) of 512 KiB chunks, 4 handles ahead",
  readFile: 'fs.promises.readFile(path, { signal }) (512 KiB chunks)',
  stream: 'fs.createReadStream(path, { signal, highWaterMark: 512 KiB })',
} as const;

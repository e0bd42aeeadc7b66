/**
 * The settings of the `io-uring` group and the names of its cases (they are the keys of the group's JSON report and of
 * its ratios, so they never change spelling).
 */
import type { RunPhase } from '../time-async-runs.js';

export const READS_PER_RUN = 100_000;
export const READS_PER_WARMUP_RUN = 20_000;
export const ROUNDS = { min: 5, max: 15 };
export const CREATE_ROUNDS = { min: 5, max: 6 };
/** Subdirectories of the spread create cases: file i goes into subdirectory i % SPREAD_DIRS. */
export const SPREAD_DIRS = 64;
/** Share of the budget by which the reads' and the creates' timed rounds must have ended (the rest: cleanup). */
export const READS_DEADLINE = 0.2;
export const CREATES_DEADLINE = 0.55;

export const NAMES = {
  uringManager: 'reads: manager (io_uring) read 4 KiB, 64 handles chaining',
  uringManagerInto: 'reads: manager (io_uring) readInto one 4 KiB buffer per handle, 64 handles chaining',
  autoManager: "reads: manager (engine 'auto') read 4 KiB, 64 handles chaining",
  autoManagerInto: "reads: manager (engine 'auto') readInto one 4 KiB buffer per handle, 64 handles chaining",
  uringEngine: 'reads: io_uring engine read() direct, 64 in flight, batched submit',
  uringImmediate: 'reads: io_uring engine read() direct, 64 in flight, immediate submit',
  nodeFsManager: 'reads: manager (node-fs) read 4 KiB, 64 handles chaining',
  callback: 'reads: callback fs.read, 64 in flight, one buffer per lane',
  sync: 'reads: readSync loop',
  syncAlloc: 'reads: readSync loop, new 4 KiB Buffer per read (as the manager hands out)',
  createChain: 'creates: io_uring engine writeNewFile (linked chain, direct fd), 64 in flight',
  createSeparate: 'creates: io_uring engine writeNewFile as 3 separate requests (no direct fds), 64 in flight',
  createSync: 'creates: sync loop openSync(wx)/writeSync/closeSync',
  createCallback: 'creates: callback fs open(wx)/write/close, 64 in flight',
  createManager: 'creates: manager writeNewFile (io_uring), concurrency 64',
  createAuto: "creates: manager writeNewFile (engine 'auto'), concurrency 64",
  spreadChain: `creates spread over ${SPREAD_DIRS} directories: io_uring engine writeNewFile (linked chain), 64 in flight`,
  spreadSync: `creates spread over ${SPREAD_DIRS} directories: sync loop openSync(wx)/writeSync/closeSync`,
  spreadManager: `creates spread over ${SPREAD_DIRS} directories: manager writeNewFile (io_uring), concurrency 64`,
  spreadAuto: `creates spread over ${SPREAD_DIRS} directories: manager writeNewFile (engine 'auto'), concurrency 64`,
} as const;

/** Reads of one run of a read case. */
export function readsPerRun(phase: RunPhase): number {
  return phase === 'timed' ? READS_PER_RUN : READS_PER_WARMUP_RUN;
}

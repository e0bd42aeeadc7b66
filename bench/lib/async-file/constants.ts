/**
 * The settings shared by the sections of the `async-file` group, and the names of its cases (they are the keys of the
 * group's JSON report and of its ratios, so they never change spelling).
 */

import { quickOr } from '../quick-mode.js';

/** Small files: each one opened (existing, empty, write-only), written 4 KiB at 0, closed. */
export const FILES_PER_RUN = quickOr(10_000, 2_000);
export const FILES_PER_WARMUP_RUN = quickOr(2_000, 500);
export const FILES_PER_ALLOCATION_RUN = 2_000;
export const FILE_ROUNDS = { min: 5, max: 10 };
/** Allocation runs per small-file case, and fresh sets prepared for them (a run during a GC is discarded). */
export const FILE_ALLOCATION_REPETITIONS = 3;
export const FILE_ALLOCATION_SETS = 4;

export const NAMES = {
  filesManager: 'files: manager (node-fs) open+write 4 KiB+close, concurrency 64',
  filesManagerLanes:
    'files: manager (node-fs) open+write 4 KiB+close, 64 handles each taking its next file from its close callback',
  filesAuto: "files: manager (engine 'auto') open+write 4 KiB+close, concurrency 64",
  filesCallback: 'files: callback fs open/write/close, 64 in flight',
  filesCallbackControl: 'files: callback fs open/write/close, 64 in flight (control: the same case again)',
  filesPromises: 'files: fs.promises FileHandle open/write/close, 64 in flight',
  filesSync: 'files: sync loop openSync/writeSync/closeSync',
  tmpManager: 'unnamed files: manager createAnonymousFile+write+close, concurrency 64',
  tmpAuto: "unnamed files: manager (engine 'auto') createAnonymousFile+write+close, concurrency 64",
  tmpCallback: 'unnamed files: callback fs open(O_TMPFILE)/write/close, 64 in flight',
  readsManager: 'reads: manager (node-fs) read 4 KiB, 64 handles chaining',
  readsManagerInto: 'reads: manager (node-fs) readInto one 4 KiB buffer per handle, 64 handles chaining',
  readsAuto: "reads: manager (engine 'auto') read 4 KiB, 64 handles chaining",
  readsAutoInto: "reads: manager (engine 'auto') readInto one 4 KiB buffer per handle, 64 handles chaining",
  readsCallback: 'reads: callback fs.read, 64 in flight, one buffer per lane',
  readsCallbackControl: 'reads: callback fs.read, 64 in flight, one buffer per lane (control: the same case again)',
  readsCallbackAlloc: 'reads: callback fs.read, 64 in flight, new 4 KiB Buffer per read',
  readsCallbackSlab:
    "reads: callback fs.read, 64 in flight, into fresh 256 KiB-slab memory per read (the manager's default)",
  readsCallbackOp: "reads: the contract's floor: callback fs.read + an AsyncOp per read, 64 in flight",
  readsStubManager:
    'reads: manager + BufferPool on a stub engine (read() does no I/O, one batch per turn), 64 handles chaining',
  readsStubManagerInto:
    'reads: manager readInto one buffer per handle on a stub engine (read() does no I/O, one batch per turn), 64 handles chaining',
  readsStubEngine: 'reads: the stub engine alone (read() does no I/O, one batch per turn), 64 in flight',
  readsPromises: 'reads: fs.promises FileHandle.read, 64 in flight',
  readsSync: 'reads: readSync loop',
  channelsAsBuilt:
    'channels: manager readInto on a stub engine, 64 handles chaining, channel points as built, nobody subscribed (fresh copy)',
  channelsStripped:
    'channels: manager readInto on a stub engine, 64 handles chaining, channel points stripped (fresh copy)',
  channelsStrippedControl:
    'channels: manager readInto on a stub engine, 64 handles chaining, channel points stripped (a second fresh copy; control: the same case again)',
  cancel: 'cancel: manager cancel() of a queued read (concurrency 1)',
  cancelEnqueue: 'cancel: manager enqueue of a read queued behind a busy slot',
} as const;

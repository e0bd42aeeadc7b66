/**
 * Section 1 of the `fast-paths` group: 4 KiB cached random reads of one 256 MiB file (the shared workload of
 * lib/random-reads.ts) with the threshold, the threshold + the cache probe, and either with a BufferPool released in
 * the callback, against the manager without the fast path, callback fs.read and the readSync loop (the single-thread
 * limit), interleaved; and the contract's floor: readSync with each completion delivered on a later turn (with and
 * without an AsyncOp per read), the least any implementation of the fast path's contract does per read.
 */
import { asyncCaseReport } from '../async-case-report.js';
import fs from 'node:fs';
import path from 'node:path';
import {
  AsyncFileManager,
  BufferPool,
  NodeFsEngine,
  type AsyncFileHandle,
  type AsyncFileManagerOptions,
} from 'async-op-file';
import {
  blockOffsets,
  callbackReads,
  closeHandles,
  createCachedReadFile,
  managerReads,
  managerReadsInto,
  managerReadsReleasing,
  openReadHandles,
  syncReads,
  syncReadsDeliveredLater,
  syncReadsNewBuffer,
} from '../random-reads.js';
import { BLOCK, LANES, READ_FILE_BYTES, SEED } from '../workload.js';
import { newAutoManager } from '../auto-manager.js';
import { round } from '../stats.js';
import { timeAsyncRuns, type AsyncRunCase, type RunPhase } from '../time-async-runs.js';
import { NAMES, THRESHOLD } from './constants.js';
import type { SectionContext, SectionReport } from '../section-context.js';

export const READS_PER_RUN = 100_000;
export const READS_PER_WARMUP_RUN = 20_000;
const ROUNDS = { min: 5, max: 12 };

/** The cached file, its offsets and the managers reading it; section 3 reads through the same ones. */
export interface CachedReads {
  /** READS_PER_RUN 4 KiB-aligned offsets, the same for every case and run. */
  readonly offsets: Int32Array;
  /** A descriptor of the file for the fs baselines. */
  readonly fd: number;
  /** The pool of the threshold + probe + pool manager. */
  readonly probePool: BufferPool;
  readonly managers: Readonly<Record<ManagerConfig, AsyncFileManager>>;
  readonly handles: Readonly<Record<ManagerConfig, AsyncFileHandle[]>>;
}

type ManagerConfig = 'threshold' | 'probe' | 'pool' | 'probePool' | 'plain' | 'autoProbe';

function newManager(options: AsyncFileManagerOptions): AsyncFileManager {
  return new AsyncFileManager({ concurrency: LANES, engine: new NodeFsEngine(), ...options });
}

function readsPerRun(phase: RunPhase): number {
  return phase === 'timed' ? READS_PER_RUN : READS_PER_WARMUP_RUN;
}

/**
 * Writes the cached file and opens a descriptor and LANES handles of every manager configuration on it.
 *
 * @remarks Each descriptor and handle list is registered in `context.cleanups` as soon as it is open.
 */
export async function openCachedReads(context: SectionContext): Promise<CachedReads> {
  const { cleanups, log, started } = context;
  const file = path.join(context.dir, 'reads.bin');
  createCachedReadFile(file, READ_FILE_BYTES);
  const offsets = blockOffsets(READS_PER_RUN, READ_FILE_BYTES, SEED);
  log(`file ready after ${Math.round(performance.now() - started)} ms`);
  const fd = fs.openSync(file, 'r');
  cleanups.push(() => fs.closeSync(fd));

  const pool = new BufferPool({ bufferSize: BLOCK });
  const probePool = new BufferPool({ bufferSize: BLOCK });
  const managers = {
    threshold: newManager({ syncThresholdBytes: THRESHOLD, cacheProbe: false }),
    probe: newManager({ syncThresholdBytes: THRESHOLD, cacheProbe: true }),
    pool: newManager({ syncThresholdBytes: THRESHOLD, cacheProbe: false, readBuffers: pool }),
    probePool: newManager({ syncThresholdBytes: THRESHOLD, cacheProbe: true, readBuffers: probePool }),
    plain: newManager({ syncThresholdBytes: 0, cacheProbe: false }),
    autoProbe: newAutoManager({ concurrency: LANES, syncThresholdBytes: THRESHOLD, cacheProbe: true }),
  };
  cleanups.push(() => managers.autoProbe.close()); // its io_uring ring, once its handles are closed
  const handles: Record<ManagerConfig, AsyncFileHandle[]> = {
    threshold: await openReadHandles(managers.threshold, file, LANES),
    probe: await openReadHandles(managers.probe, file, LANES),
    pool: await openReadHandles(managers.pool, file, LANES),
    probePool: await openReadHandles(managers.probePool, file, LANES),
    plain: await openReadHandles(managers.plain, file, LANES),
    autoProbe: await openReadHandles(managers.autoProbe, file, LANES),
  };
  for (const list of Object.values(handles)) cleanups.push(() => closeHandles(list));
  return { offsets, fd, probePool, managers, handles };
}

/**
 * Times every case of section 1 in interleaved rounds (a shuffled order per round, a full GC before every run).
 *
 * @param deadline - a `performance.now()` time by which the timed rounds must have ended (once the minimum is done)
 * @returns a case report (B/op not measured: 0) and a note of reads/s, CPU and context switches per case
 */
export async function timeCachedReads(
  reads: CachedReads,
  context: SectionContext,
  deadline: number,
): Promise<SectionReport> {
  const { offsets, fd, managers, handles } = reads;
  const { log, started } = context;
  const cases: AsyncRunCase[] = [
    { name: NAMES.threshold, role: 'subject', run: (p) => managerReads(handles.threshold, offsets, readsPerRun(p)) },
    { name: NAMES.probe, role: 'subject', run: (p) => managerReads(handles.probe, offsets, readsPerRun(p)) },
    {
      name: NAMES.pool,
      role: 'subject',
      run: (p) => managerReadsReleasing(managers.pool, handles.pool, offsets, readsPerRun(p)),
    },
    {
      name: NAMES.probePool,
      role: 'subject',
      run: (p) => managerReadsReleasing(managers.probePool, handles.probePool, offsets, readsPerRun(p)),
    },
    { name: NAMES.probeInto, role: 'subject', run: (p) => managerReadsInto(handles.probe, offsets, readsPerRun(p)) },
    { name: NAMES.autoProbe, role: 'subject', run: (p) => managerReads(handles.autoProbe, offsets, readsPerRun(p)) },
    {
      name: NAMES.autoProbeInto,
      role: 'subject',
      run: (p) => managerReadsInto(handles.autoProbe, offsets, readsPerRun(p)),
    },
    { name: NAMES.plain, role: 'baseline', run: (p) => managerReads(handles.plain, offsets, readsPerRun(p)) },
    { name: NAMES.callback, role: 'baseline', run: (p) => callbackReads(fd, offsets, readsPerRun(p)) },
    { name: NAMES.sync, role: 'baseline', run: (p) => Promise.resolve(syncReads(fd, offsets, readsPerRun(p))) },
    {
      name: NAMES.syncAlloc,
      role: 'baseline',
      run: (p) => Promise.resolve(syncReadsNewBuffer(fd, offsets, readsPerRun(p))),
    },
    {
      name: NAMES.floorLater,
      role: 'baseline',
      run: (p) => syncReadsDeliveredLater(fd, offsets, readsPerRun(p), false),
    },
    {
      name: NAMES.floorLaterOp,
      role: 'baseline',
      run: (p) => syncReadsDeliveredLater(fd, offsets, readsPerRun(p), true),
    },
    {
      // the same code as the case above: how far apart two identical cases land is this run's resolution
      name: NAMES.floorLaterOpControl,
      role: 'baseline',
      run: (p) => syncReadsDeliveredLater(fd, offsets, readsPerRun(p), true),
    },
    {
      name: NAMES.floorMicrotaskOp,
      role: 'baseline',
      run: (p) => syncReadsDeliveredLater(fd, offsets, readsPerRun(p), true, queueMicrotask),
    },
  ];
  const timings = await timeAsyncRuns(cases, {
    warmupRuns: 1,
    minRounds: ROUNDS.min,
    maxRounds: ROUNDS.max,
    deadline,
    log,
    label: 'cached reads',
  });
  log(`cached reads done after ${Math.round(performance.now() - started)} ms`);
  const output: SectionReport = { reports: [], notes: [] };
  for (const [index, timing] of timings.entries()) {
    output.reports.push(asyncCaseReport(timing, cases[index]?.role ?? 'subject', undefined));
    const perSecond = (ns: number): string => Math.round(1e9 / ns).toLocaleString('en-US');
    output.notes.push(
      `${timing.name}: ${perSecond(timing.nsPerOp.median)} reads/s median ` +
        `(${perSecond(timing.nsPerOp.max)}-${perSecond(timing.nsPerOp.min)}), ` +
        `CPU ${round(timing.cpuNsPerOp.median / 1000, 2)} us/read (system ${round(timing.systemNsPerOp.median / 1000, 2)}), ` +
        `${round(timing.contextSwitchesPerOp.median, 3)} voluntary context switches/read`,
    );
  }
  return output;
}

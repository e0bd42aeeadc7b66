/**
 * Group `fast-paths`: the manager's fast path (`syncThresholdBytes`, `cacheProbe`, `readBuffers`) on the node-fs
 * engine, in three sections measured in one process:
 * 1. 4 KiB cached random reads of one 256 MiB file (the shared workload of lib/random-reads.ts) with the threshold,
 *    the threshold + the cache probe, and either with a BufferPool released in the callback, against the manager
 *    without the fast path, callback fs.read and the readSync loop (the single-thread limit), interleaved.
 * 2. Event-loop delay while reading an UNCACHED file (written, fsynced, evicted with POSIX_FADV_DONTNEED before every
 *    run, read at distinct random blocks with readahead off): threshold + probe, threshold alone (synchronous reads
 *    that wait for the disk), and the manager without the fast path.
 * 3. New Buffer memory per read with a BufferPool (released in the callback) against the default slab buffers.
 * Run through `npm run bench -- fast-paths` (a fresh process).
 */
import fs from 'node:fs';
import { PerformanceObserver, constants, monitorEventLoopDelay, type PerformanceEntry } from 'node:perf_hooks';
import path from 'node:path';
import {
  AsyncFileManager,
  BufferPool,
  NodeFsEngine,
  WOULD_BLOCK,
  type AsyncFileHandle,
  type AsyncFileManagerOptions,
  type EngineCallback,
  type OpenMode,
} from 'async-file';
import { forceGc, nextTurn } from '../lib/force-gc.js';
import { goalAtLeast, goalAtMost } from '../lib/goals.js';
import { emitReport, groupBudgetMs, logProgress } from '../lib/group-output.js';
import { GROUP_NODE_FLAGS, findGroup } from '../lib/group-registry.js';
import { computeRatios, type Comparison } from '../lib/ratios.js';
import type { CaseReport, GoalReport } from '../lib/report.js';
import { seededUint32 } from '../lib/seeded-random.js';
import { round, roundSummary, summarize } from '../lib/stats.js';
import { createTempRoot } from '../lib/temp-root.js';
import { timeAsyncRuns, type AsyncRunCase, type RunPhase } from '../lib/time-async-runs.js';
import {
  BLOCK,
  LANES,
  callbackReads,
  closeHandles,
  createCachedReadFile,
  managerReads,
  managerReadsReleasing,
  openReadHandles,
  syncReads,
  wrongBlock,
} from '../lib/random-reads.js';
// internal to async-file (not in its exports map): the built file, by path; only its types are imported statically
import type * as NativeIoModule from '../../packages/async-file/dist/src/internal/native-io.js';

type NativeIo = NonNullable<ReturnType<typeof NativeIoModule.loadNativeIo>['io']>;

const { FADVISE, loadNativeIo } = (await import(
  new URL('../../../packages/async-file/dist/src/internal/native-io.js', import.meta.url).href // from bench/dist/groups
)) as typeof NativeIoModule;

const GROUP = 'fast-paths';
const THRESHOLD = 4096;
const SEED = 0x5eed_f11e;

/** Section 1: cached random reads. */
const FILE_BYTES = 256 * 1024 * 1024;
const READS_PER_RUN = 100_000;
const READS_PER_WARMUP_RUN = 20_000;
const ROUNDS = { min: 5, max: 12 };
/** Share of the budget by which the timed rounds of section 1 must have ended. */
const READS_DEADLINE = 0.4;

/** Section 2: uncached reads under an event-loop delay histogram. */
const UNCACHED_FILE_BYTES = 256 * 1024 * 1024;
const UNCACHED_LANES = 32;
/** At most this many reads per run (distinct blocks: the file has 65,536), and none issued past UNCACHED_RUN_MS. */
const UNCACHED_READS = 40_000;
const UNCACHED_RUN_MS = 1_500;
const UNCACHED_REPETITIONS = 3;
/**
 * The histogram's timer interval: it records the whole time between two timer callbacks, so an idle loop reads about
 * 1 ms; the loop delay is what it records beyond the interval.
 */
const LOOP_DELAY_RESOLUTION_MS = 1;
/** Blocks probed (never read by any run) to check that a run starts uncached. */
const RESIDENCY_SAMPLE = 256;

/** Section 3: new Buffer memory per read. */
const ALLOCATION_READS_PER_BATCH = 5_000;
const ALLOCATION_BATCHES = 10;

const NAMES = {
  threshold: 'reads: manager syncThresholdBytes 4096, 64 handles chaining',
  probe: 'reads: manager syncThresholdBytes 4096 + cacheProbe, 64 handles chaining',
  pool: 'reads: manager syncThresholdBytes 4096 + BufferPool (releaseBuffer), 64 handles chaining',
  probePool: 'reads: manager syncThresholdBytes 4096 + cacheProbe + BufferPool (releaseBuffer), 64 handles chaining',
  plain: 'reads: manager without the fast path, 64 handles chaining',
  callback: 'reads: callback fs.read, 64 in flight, one buffer per lane',
  sync: 'reads: readSync loop',
  syncAlloc: 'reads: readSync loop, new 4 KiB Buffer per read (as the default slab buffers hand out)',
  uncachedProbe: 'uncached: manager syncThresholdBytes 4096 + cacheProbe, 32 handles',
  uncachedThreshold: 'uncached: manager syncThresholdBytes 4096 (no probe), 32 handles',
  uncachedPlain: 'uncached: manager without the fast path, 32 handles',
  uncachedIdle: 'uncached: idle loop, no reads (the delay floor of this machine)',
  allocPool: 'alloc: manager threshold + probe + BufferPool (releaseBuffer); B/op = new ArrayBuffer memory',
  allocSlab: 'alloc: manager threshold + probe, default slab buffers; B/op = new ArrayBuffer memory',
} as const;

/** The fast-path configurations of section 1, best first when the goal names the best one. */
const FAST_CONFIGS = [NAMES.threshold, NAMES.probe, NAMES.pool, NAMES.probePool] as const;

function readsPerRun(phase: RunPhase): number {
  return phase === 'timed' ? READS_PER_RUN : READS_PER_WARMUP_RUN;
}

function syncReadsNewBuffer(fd: number, offsets: Int32Array, count: number): number {
  for (let i = 0; i < count; i++) {
    const offset = offsets[i] ?? 0;
    const buffer = Buffer.allocUnsafe(BLOCK);
    const bytesRead = fs.readSync(fd, buffer, 0, BLOCK, offset);
    if (bytesRead !== BLOCK || buffer.readUInt32LE(0) !== offset / BLOCK) {
      throw wrongBlock(offset, bytesRead, buffer.readUInt32LE(0));
    }
  }
  return count;
}

/** A full collection, repeated with loop turns between until arrayBuffers stops shrinking (freed memory is swept late). */
async function settledArrayBuffers(): Promise<number> {
  let previous = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 8; attempt++) {
    forceGc();
    await nextTurn();
    const current = process.memoryUsage().arrayBuffers;
    if (current >= previous) return current;
    previous = current;
  }
  return previous;
}

/** The node-fs engine, counting fast-path attempts and declines, with readahead off on every descriptor it opens. */
class CountingEngine extends NodeFsEngine {
  attempts = 0;
  declined = 0;

  constructor(private readonly io: NativeIo) {
    super();
  }

  override openExisting(filePath: string, mode: OpenMode, callback: EngineCallback<number>): undefined {
    return super.openExisting(filePath, mode, (error, fd) => {
      if (error === null) adviseRandom(this.io, fd);
      callback(error, fd);
    });
  }

  override readNow(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
    noWait: boolean,
  ): number {
    this.attempts++;
    const result = super.readNow(fd, buffer, offset, length, position, noWait);
    if (result === WOULD_BLOCK) this.declined++;
    return result;
  }
}

function fadviseOrThrow(io: NativeIo, fd: number, advice: number, what: string): void {
  const result = io.fadvise(fd, 0, 0, advice);
  if (result !== 0) throw new Error(`posix_fadvise(${what}) failed: ${result}`);
}

/** Readahead off: a miss reads the one block asked for, so no run warms the cache for the blocks after it. */
function adviseRandom(io: NativeIo, fd: number): void {
  fadviseOrThrow(io, fd, FADVISE.RANDOM, 'RANDOM');
}

/** A random permutation of the file's blocks, as byte offsets: no block is read twice within a run. */
function blockPermutation(blocks: number, seed: number): Int32Array {
  const next = seededUint32(seed);
  const order = Int32Array.from({ length: blocks }, (_, i) => i);
  for (let i = blocks - 1; i > 0; i--) {
    const j = next() % (i + 1);
    const swap = order[i] ?? 0;
    order[i] = order[j] ?? 0;
    order[j] = swap;
  }
  return order.map((block) => block * BLOCK);
}

/**
 * Reads at `offsets` in order through one lane per handle until `maxCount` reads were issued or `timeLimitMs` passed;
 * resolves with the reads completed once every lane has stopped.
 */
function boundedManagerReads(
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

/** Blocks of `sample` found in the page cache (a read with RWF_NOWAIT succeeds), through `fd`. */
function countCached(io: NativeIo, fd: number, sample: Int32Array): number {
  const buffer = Buffer.allocUnsafe(BLOCK);
  let cached = 0;
  for (const offset of sample) if (io.preadNoWait(fd, buffer, 0, BLOCK, offset) >= 0) cached++;
  return cached;
}

interface UncachedRun {
  readonly reads: number;
  readonly ms: number;
  /** Loop delay beyond the histogram's interval, ms. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly cachedAtStart: number;
  readonly attempts: number;
  readonly declined: number;
}

interface UncachedCase {
  readonly name: string;
  readonly role: 'subject' | 'baseline';
  /** undefined for the idle case. */
  readonly engine: CountingEngine | undefined;
  /** Resolves with the reads done (the idle case: 0 after UNCACHED_RUN_MS). */
  readonly run: () => Promise<number>;
  readonly runs: UncachedRun[];
}

/** Section 3: one batch's new ArrayBuffer memory (no collection between the readings) and JS heap growth. */
interface AllocationBatch {
  readonly arrayBuffers: number;
  readonly heapUsed: number;
  readonly ms: number;
}

function newManager(options: AsyncFileManagerOptions): AsyncFileManager {
  return new AsyncFileManager({ concurrency: LANES, engine: new NodeFsEngine(), ...options });
}

/** A histogram figure (ns) as loop delay beyond the timer interval, in ms. */
function delayMs(ns: number): number {
  return round(ns / 1e6 - LOOP_DELAY_RESOLUTION_MS, 3);
}

async function main(): Promise<void> {
  const started = performance.now();
  const budgetMs = groupBudgetMs(GROUP);
  const log = (line: string): void => logProgress(GROUP, line);
  const description = findGroup(GROUP)?.description ?? GROUP;
  const loaded = loadNativeIo();
  if (loaded.io === undefined) {
    log(`skipped: ${loaded.reason}`);
    emitReport({
      group: GROUP,
      description,
      method: {},
      cases: [],
      ratios: computeRatios([], []),
      goals: [],
      notes: [`skipped: the native addon is unavailable (${loaded.reason})`],
      durationMs: Math.round(performance.now() - started),
    });
    return;
  }
  const io = loaded.io;
  const notes: string[] = [];
  const reports: CaseReport[] = [];
  const temp = createTempRoot('bench-fast-paths-');
  const cleanups: (() => Promise<unknown> | void)[] = [];
  const uncachedCases: UncachedCase[] = [];
  const allocation = new Map<string, AllocationBatch[]>();
  let poolCreated = { before: 0, after: 0, warmupEnd: 0 };
  let allocationCollections = 0;
  let retainedArrayBuffers = 0;
  try {
    // 1. cached random reads
    const file = path.join(temp.path, 'reads.bin');
    createCachedReadFile(file, FILE_BYTES);
    const next = seededUint32(SEED);
    const blocks = FILE_BYTES / BLOCK;
    const offsets = Int32Array.from({ length: READS_PER_RUN }, () => (next() % blocks) * BLOCK);
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
    };
    const handles: Record<keyof typeof managers, AsyncFileHandle[]> = {
      threshold: await openReadHandles(managers.threshold, file, LANES),
      probe: await openReadHandles(managers.probe, file, LANES),
      pool: await openReadHandles(managers.pool, file, LANES),
      probePool: await openReadHandles(managers.probePool, file, LANES),
      plain: await openReadHandles(managers.plain, file, LANES),
    };
    for (const list of Object.values(handles)) cleanups.push(() => closeHandles(list));

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
      { name: NAMES.plain, role: 'baseline', run: (p) => managerReads(handles.plain, offsets, readsPerRun(p)) },
      { name: NAMES.callback, role: 'baseline', run: (p) => callbackReads(fd, offsets, readsPerRun(p)) },
      { name: NAMES.sync, role: 'baseline', run: (p) => Promise.resolve(syncReads(fd, offsets, readsPerRun(p))) },
      {
        name: NAMES.syncAlloc,
        role: 'baseline',
        run: (p) => Promise.resolve(syncReadsNewBuffer(fd, offsets, readsPerRun(p))),
      },
    ];
    const timings = await timeAsyncRuns(cases, {
      warmupRuns: 1,
      minRounds: ROUNDS.min,
      maxRounds: ROUNDS.max,
      deadline: started + budgetMs * READS_DEADLINE,
      log,
    });
    log(`cached reads done after ${Math.round(performance.now() - started)} ms`);
    for (const [index, timing] of timings.entries()) {
      reports.push({
        name: timing.name,
        role: cases[index]?.role ?? 'subject',
        nsPerOp: roundSummary(timing.nsPerOp),
        samples: timing.samples.length,
        nsPerOpSamples: timing.samples.map((value) => round(value)),
        iterationsPerBatch: timing.opsPerRun,
        bytesPerOp: 0,
        bytesPerOpRange: { min: 0, max: 0 },
        allocationIterations: 0,
      });
      const perSecond = (ns: number): string => Math.round(1e9 / ns).toLocaleString('en-US');
      notes.push(
        `${timing.name}: ${perSecond(timing.nsPerOp.median)} reads/s median ` +
          `(${perSecond(timing.nsPerOp.max)}-${perSecond(timing.nsPerOp.min)}), ` +
          `CPU ${round(timing.cpuNsPerOp.median / 1000, 2)} us/read (system ${round(timing.systemNsPerOp.median / 1000, 2)}), ` +
          `${round(timing.contextSwitchesPerOp.median, 3)} voluntary context switches/read`,
      );
    }

    // 3. new Buffer memory per read: batches interleaved (pool, slab, slab, pool, ...), each started after a full GC
    // and read without one, so that what the batch allocated is still counted
    const isForced = (entry: PerformanceEntry): boolean => {
      const flags = (entry as PerformanceEntry & { readonly detail?: { flags?: unknown } }).detail?.flags;
      return typeof flags === 'number' && (flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0;
    };
    const observer = new PerformanceObserver((list) => {
      allocationCollections += list.getEntries().filter((entry) => !isForced(entry)).length;
    });
    const allocationCases = [
      {
        name: NAMES.allocPool,
        run: () => managerReadsReleasing(managers.probePool, handles.probePool, offsets, ALLOCATION_READS_PER_BATCH),
      },
      { name: NAMES.allocSlab, run: () => managerReads(handles.probe, offsets, ALLOCATION_READS_PER_BATCH) },
    ];
    for (const benchCase of allocationCases) {
      await benchCase.run(); // warm-up
      allocation.set(benchCase.name, []);
    }
    poolCreated.warmupEnd = probePool.created;
    const arrayBuffersAtStart = await settledArrayBuffers();
    poolCreated = { ...poolCreated, before: probePool.created };
    observer.observe({ entryTypes: ['gc'] });
    for (let batch = 0; batch < ALLOCATION_BATCHES; batch++) {
      for (let step = 0; step < allocationCases.length; step++) {
        const benchCase = allocationCases[(batch + step) % allocationCases.length];
        if (benchCase === undefined) continue;
        await settledArrayBuffers();
        const before = process.memoryUsage();
        const start = performance.now();
        await benchCase.run();
        const elapsed = performance.now() - start;
        const after = process.memoryUsage();
        allocation.get(benchCase.name)?.push({
          arrayBuffers: after.arrayBuffers - before.arrayBuffers,
          heapUsed: after.heapUsed - before.heapUsed,
          ms: elapsed,
        });
      }
    }
    await nextTurn(); // gc entries are delivered asynchronously
    observer.disconnect();
    poolCreated = { ...poolCreated, after: probePool.created };
    retainedArrayBuffers = (await settledArrayBuffers()) - arrayBuffersAtStart;
    log(`allocation done after ${Math.round(performance.now() - started)} ms`);

    // 2. uncached reads: a fresh directory, the file made durable and evicted before every run
    const uncachedDir = path.join(temp.path, 'uncached');
    fs.mkdirSync(uncachedDir);
    const uncachedFile = path.join(uncachedDir, 'uncached.bin');
    createCachedReadFile(uncachedFile, UNCACHED_FILE_BYTES);
    const uncachedFd = fs.openSync(uncachedFile, 'r');
    cleanups.push(() => fs.closeSync(uncachedFd));
    fs.fsyncSync(uncachedFd);
    adviseRandom(io, uncachedFd);
    const evict = (): void => fadviseOrThrow(io, uncachedFd, FADVISE.DONTNEED, 'DONTNEED');
    evict();
    const uncachedBlocks = UNCACHED_FILE_BYTES / BLOCK;
    const permutation = blockPermutation(uncachedBlocks, SEED ^ 0x0bad_cafe);
    log(`uncached file ready after ${Math.round(performance.now() - started)} ms`);

    const uncachedConfigs = [
      { name: NAMES.uncachedProbe, role: 'subject', threshold: THRESHOLD, probe: true },
      { name: NAMES.uncachedThreshold, role: 'subject', threshold: THRESHOLD, probe: false },
      { name: NAMES.uncachedPlain, role: 'baseline', threshold: 0, probe: false },
    ] as const;
    for (const config of uncachedConfigs) {
      const engine = new CountingEngine(io);
      const manager = new AsyncFileManager({
        concurrency: UNCACHED_LANES,
        engine,
        syncThresholdBytes: config.threshold,
        cacheProbe: config.probe,
      });
      const caseHandles = await openReadHandles(manager, uncachedFile, UNCACHED_LANES);
      cleanups.push(() => closeHandles(caseHandles));
      uncachedCases.push({
        name: config.name,
        role: config.role,
        engine,
        run: () => boundedManagerReads(caseHandles, permutation, UNCACHED_READS, UNCACHED_RUN_MS),
        runs: [],
      });
    }
    uncachedCases.push({
      name: NAMES.uncachedIdle,
      role: 'baseline',
      engine: undefined,
      run: () => new Promise((resolve) => setTimeout(() => resolve(0), UNCACHED_RUN_MS)),
      runs: [],
    });
    let sampleIndex = uncachedBlocks;
    for (let repetition = 0; repetition < UNCACHED_REPETITIONS; repetition++) {
      for (let step = 0; step < uncachedCases.length; step++) {
        const benchCase = uncachedCases[(repetition + step) % uncachedCases.length];
        if (benchCase === undefined) continue;
        evict();
        // probe blocks no run reads (the probe itself may start reading them in), a fresh sample every run
        sampleIndex -= RESIDENCY_SAMPLE;
        const cachedAtStart = countCached(
          io,
          uncachedFd,
          permutation.subarray(sampleIndex, sampleIndex + RESIDENCY_SAMPLE),
        );
        const { attempts = 0, declined = 0 } = benchCase.engine ?? {};
        forceGc();
        const histogram = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
        histogram.enable();
        const start = performance.now();
        const reads = await benchCase.run();
        const elapsed = performance.now() - start;
        histogram.disable();
        const run: UncachedRun = {
          reads,
          ms: round(elapsed, 1),
          p50Ms: delayMs(histogram.percentile(50)),
          p99Ms: delayMs(histogram.percentile(99)),
          maxMs: delayMs(histogram.max),
          cachedAtStart,
          attempts: (benchCase.engine?.attempts ?? 0) - attempts,
          declined: (benchCase.engine?.declined ?? 0) - declined,
        };
        benchCase.runs.push(run);
        log(`${benchCase.name}: ${JSON.stringify(run)}`);
      }
    }
    if (sampleIndex < Math.min(UNCACHED_READS, uncachedBlocks))
      throw new Error('internal: residency samples overlap the blocks read');
    log(`uncached reads done after ${Math.round(performance.now() - started)} ms`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
    const removalMs = temp.remove();
    log(`removed the temporary files in ${Math.round(removalMs)} ms`);
  }

  // section 3 reports: B/op is new ArrayBuffer memory per read (the growth of process.memoryUsage().arrayBuffers)
  for (const [name, batches] of allocation) {
    const perRead = batches.map((batch) => batch.arrayBuffers / ALLOCATION_READS_PER_BATCH);
    const nsPerRead = batches.map((batch) => (batch.ms * 1e6) / ALLOCATION_READS_PER_BATCH);
    const bytes = summarize(perRead);
    reports.push({
      name,
      role: name === NAMES.allocPool ? 'subject' : 'baseline',
      nsPerOp: roundSummary(summarize(nsPerRead)),
      samples: batches.length,
      nsPerOpSamples: nsPerRead.map((value) => round(value)),
      iterationsPerBatch: ALLOCATION_READS_PER_BATCH,
      bytesPerOp: round(bytes.median),
      bytesPerOpRange: { min: round(bytes.min), max: round(bytes.max) },
      allocationIterations: ALLOCATION_READS_PER_BATCH,
    });
    const total = batches.reduce((sum, batch) => sum + batch.arrayBuffers, 0);
    const heap = summarize(batches.map((batch) => batch.heapUsed / ALLOCATION_READS_PER_BATCH));
    notes.push(
      `${name}: new ArrayBuffer memory ${total.toLocaleString('en-US')} B over ` +
        `${(batches.length * ALLOCATION_READS_PER_BATCH).toLocaleString('en-US')} reads ` +
        `(${round(bytes.median, 2)} B/read median, ${round(bytes.min, 2)}-${round(bytes.max, 2)}); ` +
        `JS heap ${round(heap.median)} B/read median`,
    );
  }
  const poolAllocation = allocation.get(NAMES.allocPool) ?? [];
  // growth only: a batch in which memory was freed must not hide one that allocated
  const poolNewBytes = poolAllocation.reduce((sum, batch) => sum + Math.max(0, batch.arrayBuffers), 0);
  notes.push(
    `BufferPool created: ${poolCreated.warmupEnd} after the warm-ups, ${poolCreated.before} before and ` +
      `${poolCreated.after} after the measured batches; arrayBuffers after gc() at the end minus at the start: ` +
      `${retainedArrayBuffers.toLocaleString('en-US')} B; collections not forced by the benchmark during the measured ` +
      `phase: ${allocationCollections} (V8 collects when slab buffers add external memory; such a collection can only ` +
      `lower a delta)`,
  );

  // section 2 reports: nsPerOp = wall-clock ns per read of each run; the loop delay goes to the notes and goals
  for (const benchCase of uncachedCases) {
    const delays = benchCase.runs.map((run) => `p50 ${run.p50Ms} / p99 ${run.p99Ms} / max ${run.maxMs} ms`);
    if (benchCase.engine === undefined) {
      notes.push(`${benchCase.name}: loop delay beyond the 1 ms interval, per run: ${delays.join('; ')}`);
      continue;
    }
    const nsPerRead = benchCase.runs.map((run) => (run.ms * 1e6) / run.reads);
    reports.push({
      name: benchCase.name,
      role: benchCase.role,
      nsPerOp: roundSummary(summarize(nsPerRead)),
      samples: benchCase.runs.length,
      nsPerOpSamples: nsPerRead.map((value) => round(value)),
      iterationsPerBatch: UNCACHED_READS,
      bytesPerOp: 0,
      bytesPerOpRange: { min: 0, max: 0 },
      allocationIterations: 0,
    });
    const runs = benchCase.runs.map(
      (run) =>
        `${run.reads} reads in ${run.ms} ms (${Math.round((run.reads * 1000) / run.ms).toLocaleString('en-US')}/s), ` +
        `loop delay beyond the 1 ms interval p50 ${run.p50Ms} / p99 ${run.p99Ms} / max ${run.maxMs} ms, ` +
        `${run.cachedAtStart}/${RESIDENCY_SAMPLE} sampled blocks cached at start, ` +
        `fast path: ${run.attempts} attempts, ${run.declined} declined`,
    );
    notes.push(`${benchCase.name}: ${runs.join('; ')}`);
  }

  const pairs = (subjects: readonly string[], baselines: readonly string[]): Comparison[] =>
    subjects.flatMap((subject) => baselines.map((baseline) => ({ subject, baseline, metrics: ['time'] as const })));
  const comparisons = [
    ...pairs(FAST_CONFIGS, [NAMES.sync, NAMES.syncAlloc, NAMES.callback, NAMES.plain]),
    ...pairs([NAMES.allocPool], [NAMES.allocSlab]),
    ...pairs([NAMES.uncachedProbe, NAMES.uncachedThreshold], [NAMES.uncachedPlain]),
  ];
  const ratios = computeRatios(reports, comparisons);
  const speedup = (subject: string, baseline: string): number => ratios.speedupVs[subject]?.[baseline] ?? 0;
  const best = [...FAST_CONFIGS].sort((a, b) => speedup(b, NAMES.sync) - speedup(a, NAMES.sync))[0] ?? NAMES.probe;
  const runsOf = (name: string): readonly UncachedRun[] => uncachedCases.find((c) => c.name === name)?.runs ?? [];
  const medianOf = (runs: readonly UncachedRun[], pick: (run: UncachedRun) => number): number =>
    runs.length === 0 ? Number.POSITIVE_INFINITY : summarize(runs.map(pick)).median;
  const p99 = (name: string): number => medianOf(runsOf(name), (run) => run.p99Ms);
  const describeConfig = (name: string): string => name.replace(/^reads: /, '').replace(/, 64 handles chaining$/, '');
  const goals: GoalReport[] = [
    goalAtLeast(
      `cached 4 KiB random reads, best fast-path configuration (${describeConfig(best)}) reads/s / readSync loop reads/s`,
      speedup(best, NAMES.sync),
      0.9,
      'x',
    ),
    goalAtLeast(
      'cached 4 KiB random reads, manager syncThresholdBytes 4096 alone reads/s / readSync loop reads/s',
      speedup(NAMES.threshold, NAMES.sync),
      0.9,
      'x',
    ),
    goalAtMost(
      'uncached 4 KiB random reads, manager syncThresholdBytes 4096 + cacheProbe: event-loop delay p99 beyond the 1 ms ' +
        'histogram interval (median of the runs)',
      p99(NAMES.uncachedProbe),
      1,
      'ms',
    ),
    goalAtMost(
      `BufferPool reads (threshold + probe, releaseBuffer): new ArrayBuffer memory over ${(ALLOCATION_BATCHES * ALLOCATION_READS_PER_BATCH).toLocaleString('en-US')} reads after warm-up`,
      poolNewBytes,
      0,
      'B',
      BLOCK - 1,
    ),
    goalAtMost(
      'BufferPool reads: pool.created growth over the measured reads',
      poolCreated.after - poolCreated.before,
      0,
      'buffers',
    ),
  ];
  const thresholdRuns = runsOf(NAMES.uncachedThreshold);
  notes.push(
    `uncached, loop delay beyond the interval, medians of the runs: p99 ${p99(NAMES.uncachedProbe)} ms with the probe, ` +
      `${p99(NAMES.uncachedThreshold)} ms without it (synchronous reads that wait for the disk; max ` +
      `${Math.max(...thresholdRuns.map((run) => run.maxMs))} ms), ${p99(NAMES.uncachedPlain)} ms without the fast ` +
      `path, ${p99(NAMES.uncachedIdle)} ms idle`,
    'Section 1 B/op are not measured (0). Ratios come from medians of interleaved runs in one process. With the fast ' +
      'path, the completions of the 64 chaining handles are delivered in batches (up to 64 per setImmediate turn).',
  );
  emitReport({
    group: GROUP,
    description,
    method: {
      nodeFlags: process.execArgv.length > 0 ? process.execArgv : GROUP_NODE_FLAGS,
      engine: 'node-fs (UV_THREADPOOL_SIZE left at 4)',
      syncThresholdBytes: THRESHOLD,
      cachedReads: {
        fileBytes: FILE_BYTES,
        readBytes: BLOCK,
        readsPerRun: READS_PER_RUN,
        readsPerWarmupRun: READS_PER_WARMUP_RUN,
        inFlight: LANES,
        offsets: `4 KiB-aligned, mulberry32 seed 0x${SEED.toString(16)}, the same for every case and run`,
        timing: 'lib/time-async-runs.ts: rounds interleave the cases (rotating start), a full GC before every run',
      },
      uncachedReads: {
        fileBytes: UNCACHED_FILE_BYTES,
        lanes: UNCACHED_LANES,
        maxReadsPerRun: UNCACHED_READS,
        runTimeLimitMs: UNCACHED_RUN_MS,
        repetitions: UNCACHED_REPETITIONS,
        setup:
          'a fresh directory; the file written, read once, fsynced; POSIX_FADV_RANDOM on every descriptor; ' +
          'POSIX_FADV_DONTNEED over the whole file before every run; runs interleaved (rotating start)',
        offsets: 'a seeded random permutation of the blocks: no block is read twice in a run',
        residencyCheck: `${RESIDENCY_SAMPLE} blocks that no run reads, probed with preadv2(RWF_NOWAIT) after the eviction`,
        loopDelay:
          'perf_hooks.monitorEventLoopDelay({ resolution: 1 }), enabled for the run only; it records whole timer ' +
          'intervals, so the figures reported are minus the 1 ms interval (an idle run is the floor); p50/p99/max in ms',
      },
      allocation: {
        readsPerBatch: ALLOCATION_READS_PER_BATCH,
        batchesPerCase: ALLOCATION_BATCHES,
        measure:
          'process.memoryUsage().arrayBuffers after the batch minus before it, gc() before each batch and none ' +
          'inside it (what the batch allocated is still counted); batches interleaved; one warm-up batch per case',
      },
    },
    cases: reports,
    ratios,
    goals,
    notes,
    durationMs: Math.round(performance.now() - started),
  });
}

await main();

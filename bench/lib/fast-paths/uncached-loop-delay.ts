/**
 * Section 2 of the `fast-paths` group: event-loop delay while reading an UNCACHED file (written, fsynced, evicted with
 * POSIX_FADV_DONTNEED before every run, read at distinct random blocks with readahead off): threshold + probe,
 * threshold alone (synchronous reads that wait for the disk), and the manager without the fast path (plain
 * asynchronous reads), on node-fs; and threshold + probe on the engine 'auto' picks.
 */
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { AsyncFileManager, NodeFsEngine } from 'async-op-file';
import { autoEngineClass, newAutoManager } from '../auto-manager.js';
import { forceGc } from '../force-gc.js';
import { closeHandles, createCachedReadFile, openReadHandles } from '../random-reads.js';
import { BLOCK, SEED } from '../workload.js';
import { seededUint32 } from '../seeded-random.js';
import { round, roundSummary, summarize } from '../stats.js';
import { NAMES, THRESHOLD } from './constants.js';
import { countingEngine, type FastPathCounters } from './counting-engine.js';
import { FADVISE, adviseRandom, countCachedBlocks, fadviseOrThrow, type NativeIo } from '../native-io.js';
import type { SectionContext, SectionReport } from '../section-context.js';
import { boundedManagerReads } from './bounded-manager-reads.js';
import { roundOrders } from '../time-async-runs.js';

export const UNCACHED_FILE_BYTES = 256 * 1024 * 1024;
export const UNCACHED_LANES = 32;
/** At most this many reads per run (distinct blocks: the file has 65,536), and none issued past UNCACHED_RUN_MS. */
export const UNCACHED_READS = 40_000;
export const UNCACHED_RUN_MS = 1_500;
/** Runs per case: the goal compares the probe's p99 with plain reads' run by run (the median of the differences). */
export const UNCACHED_REPETITIONS = 5;
/**
 * The histogram's timer interval: it records the whole time between two timer callbacks, so an idle loop reads about
 * 1 ms; the loop delay is what it records beyond the interval.
 */
const LOOP_DELAY_RESOLUTION_MS = 1;
/** Blocks checked (never read by any run) to show that a run starts uncached. */
export const RESIDENCY_SAMPLE = 256;

/** One run of one case of section 2. */
export interface UncachedRun {
  readonly reads: number;
  readonly ms: number;
  /** Loop delay beyond the histogram's interval, ms. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly cachedAtStart: number;
  /** Of the blocks checked, those probed with an RWF_NOWAIT read because cachestat could not tell (0 where it can). */
  readonly residencyProbedByRead: number;
  readonly attempts: number;
  readonly declined: number;
  readonly questions: number;
  readonly cachedAnswers: number;
}

/** One case of section 2 and its runs. */
export interface UncachedCase {
  readonly name: string;
  readonly role: 'subject' | 'baseline';
  /** undefined for the idle case. */
  readonly engine: FastPathCounters | undefined;
  /** Resolves with the reads done (the idle case: 0 after UNCACHED_RUN_MS). */
  readonly run: () => Promise<number>;
  readonly runs: UncachedRun[];
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

/** A histogram figure (ns) as loop delay beyond the timer interval, in ms. */
function delayMs(ns: number): number {
  return round(ns / 1e6 - LOOP_DELAY_RESOLUTION_MS, 3);
}

/**
 * Runs the cases of section 2 in a fresh directory, the file made durable and evicted before every run; the runs are
 * interleaved (a seeded shuffled order per repetition).
 *
 * @remarks Each descriptor and handle list is registered in `context.cleanups` as soon as it is open.
 */
export async function measureUncachedLoopDelay(io: NativeIo, context: SectionContext): Promise<UncachedCase[]> {
  const { cleanups, log, started } = context;
  const uncachedCases: UncachedCase[] = [];
  const uncachedDir = path.join(context.dir, 'uncached');
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

  const NodeFs = countingEngine(NodeFsEngine, io);
  const probeAuto = newAutoManager();
  const autoEngine = probeAuto.engineName;
  await probeAuto.close();
  const Auto = countingEngine(autoEngineClass(), io);
  const uncachedConfigs = [
    { name: NAMES.uncachedProbe, role: 'subject', threshold: THRESHOLD, probe: true, Engine: NodeFs },
    { name: NAMES.uncachedThreshold, role: 'subject', threshold: THRESHOLD, probe: false, Engine: NodeFs },
    { name: NAMES.uncachedPlain, role: 'baseline', threshold: 0, probe: false, Engine: NodeFs },
    // the same as the case above: how far apart two identical cases' p99 land is the section's resolution
    { name: NAMES.uncachedPlainControl, role: 'baseline', threshold: 0, probe: false, Engine: NodeFs },
    { name: NAMES.uncachedAutoProbe, role: 'subject', threshold: THRESHOLD, probe: true, Engine: Auto },
  ] as const;
  log(`uncached: engine 'auto' picks ${autoEngine} here`);
  for (const config of uncachedConfigs) {
    const engine = new config.Engine();
    const manager = new AsyncFileManager({
      concurrency: UNCACHED_LANES,
      engine,
      syncThresholdBytes: config.threshold,
      cacheProbe: config.probe,
    });
    cleanups.push(() => manager.close()); // an io_uring engine's ring, once the handles below are closed
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
  // a seeded shuffle per repetition: with a fixed rotation each case always followed the same one (the probe the
  // idle loop, plain reads the synchronous ones), and what a run leaves behind (the disk's queue, the cache) moved
  // the next run's p99
  const nextOrder = roundOrders(uncachedCases.length);
  for (let repetition = 0; repetition < UNCACHED_REPETITIONS; repetition++) {
    for (const index of nextOrder()) {
      const benchCase = uncachedCases[index];
      if (benchCase === undefined) continue;
      evict();
      // cachestat, which only looks: a refused RWF_NOWAIT read starts reading its block in, so probing by read (the
      // fallback where cachestat cannot tell) would warm the very cache this checks is cold. Blocks no run reads, a
      // fresh sample every run, for that fallback's sake.
      sampleIndex -= RESIDENCY_SAMPLE;
      const sample = permutation.subarray(sampleIndex, sampleIndex + RESIDENCY_SAMPLE);
      const residency = countCachedBlocks(io, uncachedFd, sample, BLOCK);
      const { attempts = 0, declined = 0, questions = 0, cachedAnswers = 0 } = benchCase.engine ?? {};
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
        cachedAtStart: residency.cached,
        residencyProbedByRead: residency.probedByRead,
        attempts: (benchCase.engine?.attempts ?? 0) - attempts,
        declined: (benchCase.engine?.declined ?? 0) - declined,
        questions: (benchCase.engine?.questions ?? 0) - questions,
        cachedAnswers: (benchCase.engine?.cachedAnswers ?? 0) - cachedAnswers,
      };
      benchCase.runs.push(run);
      log(`${benchCase.name}: ${JSON.stringify(run)}`);
    }
  }
  if (sampleIndex < Math.min(UNCACHED_READS, uncachedBlocks))
    throw new Error('internal: residency samples overlap the blocks read');
  log(`uncached reads done after ${Math.round(performance.now() - started)} ms`);
  return uncachedCases;
}

/**
 * The case reports of section 2 (nsPerOp = wall-clock ns per read of each run) and a note per case; the loop delay
 * goes to the notes (and, through main(), to the goals).
 */
export function reportUncachedLoopDelay(uncachedCases: readonly UncachedCase[]): SectionReport {
  const output: SectionReport = { reports: [], notes: [] };
  for (const benchCase of uncachedCases) {
    const delays = benchCase.runs.map((run) => `p50 ${run.p50Ms} / p99 ${run.p99Ms} / max ${run.maxMs} ms`);
    if (benchCase.engine === undefined) {
      output.notes.push(`${benchCase.name}: loop delay beyond the 1 ms interval, per run: ${delays.join('; ')}`);
      continue;
    }
    const nsPerRead = benchCase.runs.map((run) => (run.ms * 1e6) / run.reads);
    output.reports.push({
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
        `${run.cachedAtStart}/${RESIDENCY_SAMPLE} sampled blocks cached at start` +
        (run.residencyProbedByRead > 0 ? ` (${run.residencyProbedByRead} probed by RWF_NOWAIT read), ` : ', ') +
        `fast path: ${run.attempts} attempts, ${run.declined} declined, ${run.questions} isCached questions ` +
        `(${run.cachedAnswers} cached)`,
    );
    output.notes.push(`${benchCase.name}: ${runs.join('; ')}`);
  }
  return output;
}

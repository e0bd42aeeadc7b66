import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import type { BenchCase } from './bench-case.js';
import { forceGc, nextTurn } from './force-gc.js';
import { sink } from './sink.js';
import { summarize, type Summary } from './stats.js';

/** How measureAllocation() sizes its batches. */
export interface AllocationOptions {
  /**
   * The most a batch may allocate: it must fit in the young generation (run with `--min-semi-space-size=64
   * --max-semi-space-size=64`) so that no scavenge frees part of it before the second heapUsed reading.
   */
  readonly maxBatchBytes: number;
  readonly minIterations: number;
  readonly maxIterations: number;
  /** Batches measured; the result is their median. */
  readonly repetitions: number;
}

/** Bytes allocated per operation. */
export interface Allocation {
  /** Median, min and max over the repetitions. */
  readonly bytesPerOp: Summary;
  /** Operations per measured batch. */
  readonly iterations: number;
  /** Batches during which a garbage collection ran anyway (their readings are discarded). */
  readonly collectedBatches: number;
}

function isGcEntryInside(entry: PerformanceEntry, start: number, end: number): boolean {
  return entry.startTime + entry.duration >= start && entry.startTime <= end;
}

/** Returns the heapUsed delta of one batch, and when it started and ended (performance.now()). */
function allocationOfBatch(benchCase: BenchCase, iterations: number): { bytes: number; start: number; end: number } {
  forceGc();
  const start = performance.now();
  const before = process.memoryUsage().heapUsed;
  sink.value = benchCase.run(iterations);
  const after = process.memoryUsage().heapUsed;
  const end = performance.now();
  sink.value = undefined;
  return { bytes: after - before, start, end };
}

/**
 * Measures bytes allocated per operation as the `process.memoryUsage().heapUsed` delta over a batch that starts right
 * after a full collection and is small enough not to trigger a scavenge. A PerformanceObserver watches for
 * collections: a batch during which one ran is discarded and measured again (at most twice as many batches as asked).
 *
 * @remarks Call it on warm code (after timing): a cold batch would also count compiled code and type feedback.
 */
export async function measureAllocation(benchCase: BenchCase, options: AllocationOptions): Promise<Allocation> {
  const collections: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) collections.push(entry);
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    // Probe with a small batch to size the real ones.
    const probeIterations = 1000;
    const probe = allocationOfBatch(benchCase, probeIterations);
    const estimate = Math.max(1, probe.bytes / probeIterations);
    const iterations = Math.min(
      options.maxIterations,
      Math.max(options.minIterations, Math.floor(options.maxBatchBytes / estimate)),
    );
    const samples: number[] = [];
    let collectedBatches = 0;
    for (let attempt = 0; samples.length < options.repetitions && attempt < options.repetitions * 2; attempt++) {
      const batch = allocationOfBatch(benchCase, iterations);
      await nextTurn(); // gc entries are delivered asynchronously
      await nextTurn();
      const collected = collections.some(
        (entry) => entry.entryType === 'gc' && isGcEntryInside(entry, batch.start, batch.end) && !isForced(entry),
      );
      if (collected) collectedBatches++;
      else samples.push(batch.bytes / iterations);
    }
    if (samples.length === 0) throw new Error(`${benchCase.name}: a collection ran during every allocation batch`);
    return { bytesPerOp: summarize(samples), iterations, collectedBatches };
  } finally {
    observer.disconnect();
  }
}

/** The full collection forceGc() runs right before each batch may overlap the batch start by a few microseconds. */
function isForced(entry: PerformanceEntry): boolean {
  // gc entries carry { kind, flags } in `detail` (not in the PerformanceEntry typings).
  const detail = (entry as PerformanceEntry & { readonly detail?: { flags?: unknown; kind?: unknown } }).detail;
  return (
    typeof detail?.flags === 'number' &&
    (detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0 &&
    detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR
  );
}

import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { forceGc, nextTurn } from './force-gc.js';
import { summarize } from './stats.js';
import type { Allocation } from './measure-allocation.js';
import type { AsyncRunCase } from './time-async-runs.js';

/** A full collection asked for by forceGc() (it may overlap the start of a run by a few microseconds). */
function isForcedFullCollection(entry: PerformanceEntry): boolean {
  const detail = (entry as PerformanceEntry & { readonly detail?: { flags?: unknown; kind?: unknown } }).detail;
  return (
    typeof detail?.flags === 'number' &&
    (detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0 &&
    detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR
  );
}

/**
 * Bytes of JS heap allocated per operation by an asynchronous case: the `process.memoryUsage().heapUsed` delta over
 * one `allocation` run started right after a full collection, divided by the operations it did. The run must be small
 * enough to fit in the young generation (run node with `--min-semi-space-size=64 --max-semi-space-size=64`); a run
 * during which a collection ran anyway is discarded and counted in `collectedBatches` (at most `maxRuns` runs, default 2 x `repetitions`).
 *
 * @remarks Off-heap memory (ArrayBuffer backing stores, libuv requests) is not counted. Call it on warm code.
 */
export async function measureAsyncAllocation(
  benchCase: AsyncRunCase,
  repetitions: number,
  maxRuns = repetitions * 2,
): Promise<Allocation> {
  const collections: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) collections.push(entry);
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    const samples: number[] = [];
    let collectedBatches = 0;
    let iterations = 0;
    for (let attempt = 0; samples.length < repetitions && attempt < maxRuns; attempt++) {
      benchCase.prepare?.('allocation');
      forceGc();
      const start = performance.now();
      const before = process.memoryUsage().heapUsed;
      const ops = await benchCase.run('allocation');
      const after = process.memoryUsage().heapUsed;
      const end = performance.now();
      await nextTurn(); // gc entries are delivered asynchronously
      await nextTurn();
      iterations = ops;
      const collected = collections.some(
        (entry) =>
          entry.startTime + entry.duration >= start && entry.startTime <= end && !isForcedFullCollection(entry),
      );
      if (collected) collectedBatches++;
      else samples.push((after - before) / ops);
    }
    if (samples.length === 0) throw new Error(`${benchCase.name}: a collection ran during every allocation run`);
    return { bytesPerOp: summarize(samples), iterations, collectedBatches };
  } finally {
    observer.disconnect();
  }
}

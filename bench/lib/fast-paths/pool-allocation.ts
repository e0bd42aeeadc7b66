/**
 * Section 3 of the `fast-paths` group: new Buffer memory per read with a BufferPool (released in the callback) against
 * the default slab buffers, through the managers and handles of section 1.
 */
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { forceGc, nextTurn } from '../force-gc.js';
import { managerReads, managerReadsReleasing } from '../random-reads.js';
import { round, roundSummary, summarize } from '../stats.js';
import type { CachedReads } from './cached-reads.js';
import { NAMES } from './constants.js';
import type { SectionContext, SectionReport } from '../section-context.js';

export const ALLOCATION_READS_PER_BATCH = 5_000;
export const ALLOCATION_BATCHES = 10;

/** One batch's new ArrayBuffer memory (no collection between the readings) and JS heap growth. */
interface AllocationBatch {
  readonly arrayBuffers: number;
  readonly heapUsed: number;
  readonly ms: number;
}

/** What section 3 measured. */
export interface PoolAllocation {
  /** The batches of each case, by case name, in the order the cases were first run. */
  readonly batches: ReadonlyMap<string, readonly AllocationBatch[]>;
  /** `pool.created` of the pooled manager at the end of the warm-ups, before and after the measured batches. */
  readonly poolCreated: { readonly warmupEnd: number; readonly before: number; readonly after: number };
  /** Collections that the benchmark did not force, during the measured batches. */
  readonly collections: number;
  /** arrayBuffers after gc() at the end minus at the start of the measured phase. */
  readonly retainedArrayBuffers: number;
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

function isForced(entry: PerformanceEntry): boolean {
  const flags = (entry as PerformanceEntry & { readonly detail?: { flags?: unknown } }).detail?.flags;
  return typeof flags === 'number' && (flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0;
}

/**
 * Measures new Buffer memory per read: batches interleaved (pool, slab, slab, pool, ...), each started after a full
 * GC and read without one, so that what the batch allocated is still counted.
 */
export async function measurePoolAllocation(reads: CachedReads, context: SectionContext): Promise<PoolAllocation> {
  const { offsets, probePool, managers, handles } = reads;
  const { log, started } = context;
  const batches = new Map<string, AllocationBatch[]>();
  let collections = 0;
  const observer = new PerformanceObserver((list) => {
    collections += list.getEntries().filter((entry) => !isForced(entry)).length;
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
    batches.set(benchCase.name, []);
  }
  const warmupEnd = probePool.created;
  const arrayBuffersAtStart = await settledArrayBuffers();
  const before = probePool.created;
  observer.observe({ entryTypes: ['gc'] });
  for (let batch = 0; batch < ALLOCATION_BATCHES; batch++) {
    for (let step = 0; step < allocationCases.length; step++) {
      const benchCase = allocationCases[(batch + step) % allocationCases.length];
      if (benchCase === undefined) continue;
      await settledArrayBuffers();
      const memoryBefore = process.memoryUsage();
      const start = performance.now();
      await benchCase.run();
      const elapsed = performance.now() - start;
      const memoryAfter = process.memoryUsage();
      batches.get(benchCase.name)?.push({
        arrayBuffers: memoryAfter.arrayBuffers - memoryBefore.arrayBuffers,
        heapUsed: memoryAfter.heapUsed - memoryBefore.heapUsed,
        ms: elapsed,
      });
    }
  }
  await nextTurn(); // gc entries are delivered asynchronously
  observer.disconnect();
  const after = probePool.created;
  const retainedArrayBuffers = (await settledArrayBuffers()) - arrayBuffersAtStart;
  log(`allocation done after ${Math.round(performance.now() - started)} ms`);
  return { batches, poolCreated: { warmupEnd, before, after }, collections, retainedArrayBuffers };
}

/** New ArrayBuffer memory over the measured batches of the pooled case, B. */
export function poolNewBytes(allocation: PoolAllocation): number {
  const poolBatches = allocation.batches.get(NAMES.allocPool) ?? [];
  // growth only: a batch in which memory was freed must not hide one that allocated
  return poolBatches.reduce((sum, batch) => sum + Math.max(0, batch.arrayBuffers), 0);
}

/**
 * The case reports of section 3 (B/op is new ArrayBuffer memory per read: the growth of
 * process.memoryUsage().arrayBuffers), a note per case and a note on the pool and the collections.
 */
export function reportPoolAllocation(allocation: PoolAllocation): SectionReport {
  const output: SectionReport = { reports: [], notes: [] };
  for (const [name, batches] of allocation.batches) {
    const perRead = batches.map((batch) => batch.arrayBuffers / ALLOCATION_READS_PER_BATCH);
    const nsPerRead = batches.map((batch) => (batch.ms * 1e6) / ALLOCATION_READS_PER_BATCH);
    const bytes = summarize(perRead);
    output.reports.push({
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
    output.notes.push(
      `${name}: new ArrayBuffer memory ${total.toLocaleString('en-US')} B over ` +
        `${(batches.length * ALLOCATION_READS_PER_BATCH).toLocaleString('en-US')} reads ` +
        `(${round(bytes.median, 2)} B/read median, ${round(bytes.min, 2)}-${round(bytes.max, 2)}); ` +
        `JS heap ${round(heap.median)} B/read median`,
    );
  }
  const { poolCreated } = allocation;
  output.notes.push(
    `BufferPool created: ${poolCreated.warmupEnd} after the warm-ups, ${poolCreated.before} before and ` +
      `${poolCreated.after} after the measured batches; arrayBuffers after gc() at the end minus at the start: ` +
      `${allocation.retainedArrayBuffers.toLocaleString('en-US')} B; collections not forced by the benchmark during the ` +
      `measured phase: ${allocation.collections} (V8 collects when slab buffers add external memory; such a collection ` +
      `can only lower a delta)`,
  );
  return output;
}

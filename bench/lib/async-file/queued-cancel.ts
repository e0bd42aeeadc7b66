/**
 * Section `cancel` of the `async-file` group: the cost and the synchrony of canceling a queued action: reads queued
 * behind one executing read (manager concurrency 1), then canceled, in verified and timed passes.
 */
import type { AsyncOp } from 'async-op';
import { AsyncFileManager, type AsyncFileHandle } from 'async-op-file';
import { forceGc, nextTurn } from '../force-gc.js';
import { closeHandles, openReadHandles } from '../random-reads.js';
import { BLOCK } from '../workload.js';
import type { CaseReport } from '../report.js';
import { round, roundSummary, summarize, type Summary } from '../stats.js';
import { NAMES } from './constants.js';
import { ignore } from './ignore.js';
import type { SectionContext } from '../section-context.js';

/** Cancel: queued reads behind one executing read, manager concurrency 1. */
const CANCEL_QUEUED = 4096;
const CANCEL_WARMUP_PASSES = 4;
const CANCEL_ROUNDS = 40;

/** Counts callbacks of canceled actions that ran anyway (must stay 0). */
let canceledCallbacksRun = 0;
function canceledCallback(): void {
  canceledCallbacksRun++;
}

interface CancelPass {
  readonly enqueueNs: number;
  readonly cancelNs: number;
  /** Cancels after which queuedCount had dropped by one and the handle had no pending action, before the next one. */
  readonly synchronousCancels: number;
  /** Whether, right after the loop, no queued action was left and only the executing one was pending. */
  readonly queueEmptyAfterLoop: boolean;
  readonly cancelHeapBytes: number;
  readonly enqueueHeapBytes: number;
}

/**
 * One pass: a read executing in the only slot (its callback can only run on a later turn of the event loop, so it
 * holds the slot for the whole synchronous pass), `CANCEL_QUEUED` reads enqueued behind it, then all canceled.
 * `verify`: checks the queue after each cancel (not timed); else times the cancel loop alone.
 */
async function cancelPass(
  manager: AsyncFileManager,
  handles: readonly AsyncFileHandle[],
  offsets: Int32Array,
  verify: boolean,
): Promise<CancelPass> {
  const [holderHandle, ...queuedHandles] = handles;
  if (holderHandle === undefined) throw new Error('no handles');
  let holderDone: (error: Error | null) => void = ignore;
  const holder = new Promise<Error | null>((resolve) => (holderDone = resolve));
  holderHandle.read(0, BLOCK, (error) => holderDone(error)).release();
  if (manager.activeCount !== 1 || manager.queuedCount !== 0) throw new Error('the holder read is not executing');

  const ops: AsyncOp<unknown>[] = new Array<AsyncOp<unknown>>(queuedHandles.length);
  const enqueueHeapBefore = process.memoryUsage().heapUsed;
  const enqueueStart = process.hrtime.bigint();
  for (let i = 0; i < queuedHandles.length; i++) {
    ops[i] = (queuedHandles[i] as AsyncFileHandle).read(offsets[i] ?? 0, BLOCK, canceledCallback);
  }
  const enqueueNs = Number(process.hrtime.bigint() - enqueueStart);
  const enqueueHeapBytes = process.memoryUsage().heapUsed - enqueueHeapBefore;
  if (manager.queuedCount !== queuedHandles.length) {
    throw new Error(`expected ${queuedHandles.length} queued reads, found ${manager.queuedCount}`);
  }

  let synchronousCancels = 0;
  let cancelNs = 0;
  let cancelHeapBytes = 0;
  if (verify) {
    for (let i = 0; i < ops.length; i++) {
      const before: number = manager.queuedCount;
      (ops[i] as AsyncOp<unknown>).cancel();
      if (manager.queuedCount === before - 1 && !(queuedHandles[i] as AsyncFileHandle).hasPendingAction) {
        synchronousCancels++;
      }
    }
  } else {
    const heapBefore = process.memoryUsage().heapUsed;
    const cancelStart = process.hrtime.bigint();
    for (const op of ops) op.cancel();
    cancelNs = Number(process.hrtime.bigint() - cancelStart);
    cancelHeapBytes = process.memoryUsage().heapUsed - heapBefore;
  }
  const queueEmptyAfterLoop = manager.queuedCount === 0 && manager.pendingCount === 1;
  for (const op of ops) op.release();

  const holderError = await holder;
  if (holderError !== null) throw holderError;
  await manager.whenIdle();
  await nextTurn();
  return { enqueueNs, cancelNs, synchronousCancels, queueEmptyAfterLoop, cancelHeapBytes, enqueueHeapBytes };
}

/** Returns the goal value: 1 if every cancel of a queued read removed it synchronously, else 0. */
export async function runCancelSection(
  context: SectionContext,
  file: string,
  offsets: Int32Array,
  deadline: number,
): Promise<number> {
  const manager = new AsyncFileManager({ concurrency: 1 });
  const handles = await openReadHandles(manager, file, CANCEL_QUEUED + 1);
  context.cleanups.push(() => closeHandles(handles));
  forceGc(); // once: a full collection right before each pass made the cancel loop 1-20x slower and erratic
  for (let i = 0; i < CANCEL_WARMUP_PASSES; i++) await cancelPass(manager, handles, offsets, i % 2 === 0);
  const verified: CancelPass[] = [];
  const timed: CancelPass[] = [];
  for (let i = 0; i < CANCEL_ROUNDS && (i < 5 || performance.now() < deadline); i++) {
    verified.push(await cancelPass(manager, handles, offsets, true));
    timed.push(await cancelPass(manager, handles, offsets, false));
  }
  await nextTurn();
  const synchronousCancels = verified.reduce((sum, pass) => sum + pass.synchronousCancels, 0);
  const verifiedCancels = verified.length * CANCEL_QUEUED;
  const everyQueueEmpty = [...verified, ...timed].every((pass) => pass.queueEmptyAfterLoop);
  const allSynchronous = synchronousCancels === verifiedCancels && everyQueueEmpty && canceledCallbacksRun === 0;
  const cancelSamples = timed.map((pass) => pass.cancelNs / CANCEL_QUEUED);
  const enqueueSamples = timed.map((pass) => pass.enqueueNs / CANCEL_QUEUED);
  const heapPerCancel = summarize(timed.map((pass) => pass.cancelHeapBytes / CANCEL_QUEUED));
  const heapPerEnqueue = summarize(timed.map((pass) => pass.enqueueHeapBytes / CANCEL_QUEUED));
  context.reports.push(
    syncCaseReport(NAMES.cancel, cancelSamples, heapPerCancel),
    syncCaseReport(NAMES.cancelEnqueue, enqueueSamples, heapPerEnqueue),
  );
  context.method.cancel = {
    concurrency: 1,
    queuedPerPass: CANCEL_QUEUED,
    holder: 'one read executing in the only slot (its callback can only run on a later event-loop turn)',
    passes: { verified: verified.length, timed: timed.length, warmup: CANCEL_WARMUP_PASSES },
    verifiedCancels,
    synchronousCancels,
    everyPassLeftNoQueuedAction: everyQueueEmpty,
    canceledCallbacksRun,
    reading:
      'timed passes: hrtime around a loop of op.cancel() over the queued reads; verified passes: after each cancel(), ' +
      'queuedCount dropped by 1 and the handle has no pending action (checked before the next cancel); after each ' +
      'loop, queuedCount 0 and pendingCount 1 (the executing read)',
    bytesPerOp:
      'heapUsed delta over the timed enqueue loop and over the timed cancel loop; median over the passes (a scavenge ' +
      'during a loop would make one reading negative)',
    collections:
      'one full GC before the warm-up passes, none forced between passes: steady state (right after a forced full GC ' +
      'the cancel loop measured 60-1,800 ns per cancel instead of 55-90 ns)',
    enqueue: `${NAMES.cancelEnqueue}: hrtime around the loop that enqueues the reads of a timed pass`,
  };
  context.log(
    `cancel: ${round(summarize(cancelSamples).median)} ns per cancel; synchronous ${synchronousCancels}/` +
      `${verifiedCancels}; canceled callbacks run: ${canceledCallbacksRun}`,
  );
  return allSynchronous ? 1 : 0;
}

/** A report for a synchronous per-op reading (no CPU or throughput extras). */
function syncCaseReport(name: string, samples: readonly number[], bytes: Summary): CaseReport {
  return {
    name,
    role: 'subject',
    nsPerOp: roundSummary(summarize(samples)),
    samples: samples.length,
    nsPerOpSamples: samples.map((value) => round(value)),
    iterationsPerBatch: CANCEL_QUEUED,
    bytesPerOp: round(bytes.median),
    bytesPerOpRange: { min: round(bytes.min), max: round(bytes.max) },
    allocationIterations: CANCEL_QUEUED,
  };
}

/**
 * The runAsPromise cases of the `async-op` group: a callback-style start function run as a promise that honours an
 * AbortSignal, through runAsPromise and through the promise a user would write by hand around the same function.
 */
import { setMaxListeners } from 'node:events';
import { AsyncOp, runAsPromise, type NodeCallback, type RunAsPromiseOptions } from 'async-op';
import { asyncCaseReport } from '../async-case-report.js';
import { measureAsyncAllocation } from '../measure-async-allocation.js';
import { quickOr } from '../quick-mode.js';
import type { Comparison } from '../ratios.js';
import type { CaseReport } from '../report.js';
import { timeAsyncRuns, type AsyncRunCase } from '../time-async-runs.js';

/** Calls pending at once on one signal in the "many pending" cases. */
export const PENDING_CALLS = 100;

export const PROMISE_CALL_NAMES = {
  serial: 'runAsPromise(start, { signal }), one call at a time',
  serialByHand: 'new Promise around start + signal add/removeEventListener, one call at a time',
  pending: `runAsPromise(start, { signal }), ${PENDING_CALLS} calls pending on one signal`,
  pendingByHand: `new Promise around start + signal add/removeEventListener, ${PENDING_CALLS} calls pending on one signal`,
} as const;

/** Each subject against the hand-written promise doing the same calls (informative: no goal). */
export const PROMISE_CALL_COMPARISONS: readonly Comparison[] = [
  { subject: PROMISE_CALL_NAMES.serial, baseline: PROMISE_CALL_NAMES.serialByHand, metrics: ['time'] },
  { subject: PROMISE_CALL_NAMES.pending, baseline: PROMISE_CALL_NAMES.pendingByHand, metrics: ['time'] },
];

/** Calls per timed run: a multiple of PENDING_CALLS. */
const CALLS_PER_RUN = quickOr(20_000, 2_000);
/** Calls per allocation run: at 1-2 KB per call (promises, closures, an op), well within the 64 MB young generation. */
const ALLOCATION_CALLS = quickOr(10_000, 2_000);
const ALLOCATION_REPETITIONS = quickOr(5, 2);

/**
 * The work both sides run: a callback-style start function whose op completes, then calls back, in a later microtask
 * (the caller's reference is the op's only one: whoever wraps the call releases it once called back).
 */
function startWork(callback: NodeCallback<number>): AsyncOp<null> {
  const op = AsyncOp.create({ context: null });
  queueMicrotask(() => {
    op.complete();
    callback(null, 1);
  });
  return op;
}

/** What a user writes without runAsPromise: a promise around startWork, one 'abort' listener of its own per call. */
function promiseByHand(signal: AbortSignal): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let op: AsyncOp<null> | null = null;
    const onAbort = (): void => {
      op?.cancel(signal.reason);
    };
    signal.addEventListener('abort', onAbort);
    op = startWork((error, value) => {
      signal.removeEventListener('abort', onAbort);
      op?.release();
      if (error === undefined || error === null) resolve(value as number);
      else reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}

// one loop per case (its own call sites and type feedback), each on a long-lived signal that never aborts

async function serialCalls(options: RunAsPromiseOptions, calls: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < calls; i++) sum += await runAsPromise(startWork, options);
  return sum;
}

async function serialCallsByHand(signal: AbortSignal, calls: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < calls; i++) sum += await promiseByHand(signal);
  return sum;
}

async function pendingCalls(options: RunAsPromiseOptions, calls: number): Promise<number> {
  const batch = new Array<Promise<number>>(PENDING_CALLS);
  let sum = 0;
  for (let done = 0; done < calls; done += PENDING_CALLS) {
    for (let i = 0; i < PENDING_CALLS; i++) batch[i] = runAsPromise(startWork, options);
    for (const value of await Promise.all(batch)) sum += value;
  }
  return sum;
}

async function pendingCallsByHand(signal: AbortSignal, calls: number): Promise<number> {
  const batch = new Array<Promise<number>>(PENDING_CALLS);
  let sum = 0;
  for (let done = 0; done < calls; done += PENDING_CALLS) {
    for (let i = 0; i < PENDING_CALLS; i++) batch[i] = promiseByHand(signal);
    for (const value of await Promise.all(batch)) sum += value;
  }
  return sum;
}

/** A case of `calls` calls per run (ALLOCATION_CALLS in an allocation run), checked: each call resolved with 1. */
function promiseCase(
  name: string,
  role: 'subject' | 'baseline',
  calls: number,
  loop: (calls: number) => Promise<number>,
): AsyncRunCase {
  return {
    name,
    role,
    run: async (phase) => {
      const count = phase === 'allocation' ? ALLOCATION_CALLS : calls;
      const sum = await loop(count);
      if (sum !== count) throw new Error(`${name}: ${sum} of ${count} calls resolved with their value`);
      return count;
    },
  };
}

/**
 * The four cases, in {@link PROMISE_CALL_NAMES} order, each on its own signal (by default fresh ones that never abort;
 * the hand-written pending case's may hold PENDING_CALLS listeners, as it must).
 */
export function promiseCallCases(
  calls = CALLS_PER_RUN,
  signals: readonly AbortSignal[] = Array.from({ length: 4 }, () => new AbortController().signal),
): AsyncRunCase[] {
  const [serial, serialByHand, pending, pendingByHand] = signals as [
    AbortSignal,
    AbortSignal,
    AbortSignal,
    AbortSignal,
  ];
  setMaxListeners(PENDING_CALLS, pendingByHand);
  const names = PROMISE_CALL_NAMES;
  const serialOptions = { signal: serial };
  const pendingOptions = { signal: pending };
  return [
    promiseCase(names.serial, 'subject', calls, (count) => serialCalls(serialOptions, count)),
    promiseCase(names.serialByHand, 'baseline', calls, (count) => serialCallsByHand(serialByHand, count)),
    promiseCase(names.pending, 'subject', calls, (count) => pendingCalls(pendingOptions, count)),
    promiseCase(names.pendingByHand, 'baseline', calls, (count) => pendingCallsByHand(pendingByHand, count)),
  ];
}

/** What measurePromiseCalls() adds to the group's report: the four case reports and how they were measured. */
export interface PromiseCallsResult {
  readonly reports: CaseReport[];
  readonly method: Record<string, unknown>;
}

/**
 * Times the four cases interleaved (runs in a shuffled order each round, each run after a full collection), then
 * reads their bytes per call on warm code. ns/op and B/op are per call.
 */
export async function measurePromiseCalls(log: (line: string) => void, deadline: number): Promise<PromiseCallsResult> {
  const cases = promiseCallCases();
  const timing = { warmupRuns: 3, minRounds: 5, maxRounds: 30, deadline, log, label: 'runAsPromise' };
  const timings = await timeAsyncRuns(cases, timing);
  const reports: CaseReport[] = [];
  for (const [index, timed] of timings.entries()) {
    const benchCase = cases[index] as AsyncRunCase;
    const allocation = await measureAsyncAllocation(benchCase, ALLOCATION_REPETITIONS);
    log(`allocation ${timed.name}: ${allocation.bytesPerOp.median.toFixed(1)} B/call`);
    reports.push(asyncCaseReport(timed, benchCase.role, allocation));
  }
  return {
    reports,
    method: {
      what:
        'a start function whose op completes, then calls back, in a later microtask; runAsPromise against a new ' +
        'Promise around the same function that adds its own abort listener per call, removes it and releases the ' +
        `op in the callback; one call at a time (each awaited), and ${PENDING_CALLS} calls pending at once on one ` +
        'signal (Promise.all); each case on its own long-lived signal that never aborts; the options object made ' +
        'once per case',
      callsPerRun: CALLS_PER_RUN,
      callsPerAllocationRun: ALLOCATION_CALLS,
      warmupRuns: timing.warmupRuns,
      rounds: timings[0]?.samples.length ?? 0,
      allocationRepetitions: ALLOCATION_REPETITIONS,
    },
  };
}

/**
 * The workloads of the async-op group's child cases: many short-lived children of one long-lived parent (an op or a
 * signal), with and without a deadline, and the one no-op callback every case shares.
 */
import { AsyncOp } from 'async-op';
import { loadFreshCopy } from './stripped-build.js';

/** The one callback every listener and callback of every case uses, so no case pays for creating a closure. */
export function noop(): void {
  // nothing: the cost of running a callback is not what is measured
}

/** Children of one long-lived parent op: create, follow the parent, complete, release. */
export function finishChildren(parent: AsyncOp<null>, iterations: number): unknown {
  let last: unknown;
  for (let i = 0; i < iterations; i++) {
    const child = AsyncOp.create({ context: null });
    child.follow(parent);
    child.complete();
    child.release();
    last = child;
  }
  return last;
}

/** Children of one long-lived parent signal: AbortSignal.any([parent]), add and remove a listener, drop. */
export function dropAnyChildren(parent: AbortSignal, iterations: number): unknown {
  let last: unknown;
  for (let i = 0; i < iterations; i++) {
    const child = AbortSignal.any([parent]);
    child.addEventListener('abort', noop);
    child.removeEventListener('abort', noop);
    last = child;
  }
  return last;
}

/** The deadline of the deadline cases: long enough never to fire during a batch, short enough to bound the baseline. */
export const DEADLINE_MS = 1000;

/** The deadline cases' own copy of async-op (see loadFreshCopy: options of another shape would slow the others). */
export const DeadlineOp = (await loadFreshCopy(false)).AsyncOp;

/** Children of one long-lived parent op, each with its own deadline: create, follow, complete, release. */
export function finishDeadlineChildren(parent: AsyncOp<null>, iterations: number): unknown {
  let last: unknown;
  for (let i = 0; i < iterations; i++) {
    const child = DeadlineOp.create({ context: null, timeoutMs: DEADLINE_MS });
    child.follow(parent);
    child.complete();
    child.release();
    last = child;
  }
  return last;
}

/** What a user writes without AsyncOp: a child signal of a parent signal and a timeout, with a listener. */
export function dropTimeoutChildren(parent: AbortSignal, iterations: number): unknown {
  let last: unknown;
  for (let i = 0; i < iterations; i++) {
    const child = AbortSignal.any([parent, AbortSignal.timeout(DEADLINE_MS)]);
    child.addEventListener('abort', noop);
    child.removeEventListener('abort', noop);
    last = child;
  }
  return last;
}

/** Node timers keeping the process alive (unref'd ones, like AbortSignal.timeout()'s, are not listed). */
export function liveTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

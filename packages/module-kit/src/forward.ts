import { AsyncOp, describeValue, type Clock } from 'async-op';
import { deliverResult } from './deliver-result.js';
import { raiseUncaught } from './internal/raise-uncaught.js';
import { followUpper, parentReasonOf, releaseLower } from './lower-op.js';
import { ModuleLifecycle } from './module-lifecycle.js';
import type { CancellableModule, Result, StartCallback } from './module-types.js';
import { expectCallback } from './option-validators.js';
import type { TrackingLinks } from './tracking-list.js';

/**
 * The context of one forwarded operation: `op.context` of the reference {@link startForwarded} returns.
 *
 * @remarks The fields are startForwarded's to write; a cancel-all module reads and clears `tracked` in its sweep and
 *   lets its {@link TrackingList} write the links. Read them, do not write them otherwise.
 */
export interface ForwardContext extends TrackingLinks<ForwardContext> {
  /** The lower op's reference, while the lower operation is pending and its start() has returned it. */
  lower: AsyncOp<unknown> | null;
  /** Whether the lower callback ran (possibly before the lower start() returned). */
  hasCalledBack: boolean;
  /** Whether the lower op follows this one (else the cancel implementation passes a cancel on). */
  isFollowing: boolean;
  /** The callback's reference to this op, released just before the callback. */
  readonly own: AsyncOp<ForwardContext>;
  /** A cancel-all module's tracked reference, until the completion or the sweep releases it (null without `track`). */
  tracked: AsyncOp<ForwardContext> | null;
}

/** What {@link startForwarded} takes: the lower module, the request, the callback, and what this module adds. */
export interface ForwardOptions<R, V> {
  /** The module beneath; its start() is called once, synchronously. */
  readonly lower: CancellableModule<R, V>;
  /** This module's lifecycle: the operation is counted in before the lower start and out after the callback. */
  readonly lifecycle: ModuleLifecycle;
  /** Passed to the lower start() unchanged (the lower module checks it). */
  readonly request: R;
  /** This module's caller's callback: called exactly once if startForwarded returns, never if it throws. */
  readonly callback: StartCallback<V>;
  /** Maps the lower result to this module's (e.g. {@link mapRetryableToError}); called once, before the callback. */
  readonly mapResult: (result: Result<V>) => Result<V>;
  /**
   * A cancel-all module: called with the new op before the lower start; returns the tracked reference to keep (a
   * reference of its own, `op.ref()`), released exactly once by the completion (after `untrack`) or by the sweep.
   */
  readonly track?: ((op: AsyncOp<ForwardContext>) => AsyncOp<ForwardContext>) | undefined;
  /** A cancel-all module: removes `tracked` from its list; startForwarded releases it right after. */
  readonly untrack?: ((tracked: AsyncOp<ForwardContext>) => void) | undefined;
  /** The op's label, for the diagnostics tree and the origin of its reasons (e.g. from {@link operationLabel}). */
  readonly label?: string | undefined;
  /** A deadline relative to now, in ms (not with `deadline`): when it passes, the op is canceled with kind `deadline`. */
  readonly timeoutMs?: number | undefined;
  /** An absolute deadline on `clock` (not with `timeoutMs`). */
  readonly deadline?: number | undefined;
  /** The clock of the deadline; default async-op's `systemClock`. */
  readonly clock?: Clock | undefined;
}

/** The cancel implementation: only for a lower op that could not follow this one (see step 6). */
function cancelForwarded(context: ForwardContext): void {
  // a following lower op is canceled by the link itself; if it is not stored yet (cancel from inside the lower
  // start), step 6 of startForwarded reaches it once it is
  if (!context.isFollowing) context.lower?.cancel(parentReasonOf(context.own));
}

/** A hook of the options: a function or undefined. @throws TypeError naming the value. */
function expectHook(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`Expected \`options.${name}\` to be a function or undefined, got ${describeValue(value)}`);
  }
}

/** @throws TypeError naming the first option that is wrong. */
function expectForwardOptions(options: unknown): asserts options is ForwardOptions<unknown, unknown> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
  }
  const { lower, lifecycle, callback, mapResult, track, untrack } = options as Record<string, unknown>;
  if (typeof (lower as { start?: unknown } | null)?.start !== 'function') {
    throw new TypeError(`Expected \`options.lower\` to be a CancellableModule, got ${describeValue(lower)}`);
  }
  if (!(lifecycle instanceof ModuleLifecycle)) {
    throw new TypeError(`Expected \`options.lifecycle\` to be a ModuleLifecycle, got ${describeValue(lifecycle)}`);
  }
  expectCallback(callback);
  if (typeof mapResult !== 'function') {
    throw new TypeError(`Expected \`options.mapResult\` to be a function, got ${describeValue(mapResult)}`);
  }
  expectHook('track', track);
  expectHook('untrack', untrack);
}

/** Gives back the tracked reference (cancel-all), once: the completion or the refusal, whichever comes. */
function untrackOnce<R, V>(context: ForwardContext, untrack: ForwardOptions<R, V>['untrack']): void {
  const tracked = context.tracked;
  if (tracked === null) return;
  context.tracked = null;
  untrack?.(tracked);
  tracked.release();
}

/** The lower result, with this op's own reason when this op was canceled and the lower one reports `canceled`. */
function reportedResult<V>(own: AsyncOp<ForwardContext>, result: Result<V>): Result<V> {
  return result.status === 'canceled' && own.isCanceled ? { status: 'canceled', error: own.reason } : result;
}

/** The mapped result; a mapping that throws makes the result an `error` with what it threw (still one callback). */
function mapSafely<V>(mapResult: (result: Result<V>) => Result<V>, result: Result<V>): Result<V> {
  try {
    return mapResult(result);
  } catch (error) {
    return { status: 'error', error };
  }
}

/**
 * Starts an operation that passes through to ONE operation of the lower module: the key steps of a forwarding
 * start function (ML pass-through, HL, HL cancel-all), numbered in the source.
 *
 * @param options - the lower module, the lifecycle, the request, the callback, the result mapping; the op's label and
 *   deadline (`timeoutMs` or `deadline`, on `clock`); for a cancel-all module the tracking hooks.
 * @returns the caller's reference (`op.context` is the {@link ForwardContext}); cancel it to cancel the lower
 *   operation, which follows it (its reason: kind `parent`, `cause` this op's reason).
 * @throws TypeError for bad options, RangeError for a NaN or negative deadline setting (nothing started then); whatever
 *   the lower start() throws: then the callback is never called, the operation is counted out again, and every
 *   reference taken is given back.
 * @remarks
 * The caller's module checks its own callback and calls `lifecycle.admit()` first (step 1). The callback comes
 * exactly once, when the lower one does: before startForwarded returns if the lower module calls back at once, inside
 * cancel() over a fake-cancel module, after the work stopped over a real-cancel one. A cancel made while the lower
 * start runs (from a synchronous callback) is passed down as soon as that start returns. A deadline cancels the op
 * from its clock's timer (never inside startForwarded), like a cancel() with a `DeadlineExceededError`. A `canceled`
 * result carries this op's own reason when this op was canceled (the lower module's reason otherwise). References:
 * startForwarded keeps one for the callback (released just before it), one to the lower op (released when the lower
 * callback ran; a canceled lower op still cleaning up keeps one of this op until it is released, see
 * {@link releaseLower}), and with `track` the tracked one; the caller owns the one returned.
 */
// #region start-forwarded
export function startForwarded<R, V>(options: ForwardOptions<R, V>): AsyncOp<ForwardContext> {
  expectForwardOptions(options);
  const { lower, lifecycle, request, callback, mapResult, untrack } = options;
  // 1. (the caller) validated the callback and checked the module is open
  // 2. create the op, with its label and deadline, and take the callback's reference BEFORE the lower start: its
  //    callback may come first
  const context = {
    lower: null,
    hasCalledBack: false,
    isFollowing: false,
    own: null,
    tracked: null,
    previousTracked: null,
    nextTracked: null,
  } as unknown as { -readonly [K in keyof ForwardContext]: ForwardContext[K] };
  const { label, timeoutMs, deadline, clock } = options;
  const op = AsyncOp.create<ForwardContext>({ context, cancel: cancelForwarded, label, timeoutMs, deadline, clock });
  context.own = op.ref('callback');
  // 3. (cancel-all) track the op before the lower start: a sweep from a synchronous callback must find it
  if (options.track !== undefined) context.tracked = options.track(op);
  lifecycle.begin();
  const onLower = (result: Result<V>): void => {
    // 7. the lower op finished: drop our reference to it (if stored yet; else step 5 drops it). A canceled one may
    //    still clean up (fake cancel): releaseLower keeps this op referenced until it is released
    context.hasCalledBack = true;
    const finished = context.lower;
    context.lower = null;
    if (finished !== null) releaseLower(finished, context.own);
    // 8. complete() is the exactly-once guard; from here on a cancel runs nothing
    if (!context.own.complete()) return;
    // 9. untrack (cancel-all): the entry is released exactly once, here or by the sweep, whichever comes first
    untrackOnce(context, untrack);
    // 10. a canceled op reports its own reason (the lower op's is the `parent` reason derived from it); release the
    //     callback's reference BEFORE calling back, then count the operation out after it returned
    //     (what the callback throws is raised uncaught: in the lower module's delivery, maybe inside the lower start
    //     of step 4, it would make that module, or step 4's catch, release and count out a second time)
    const reported = reportedResult(context.own, result);
    context.own.release();
    deliverResult(callback, mapSafely(mapResult, reported), lifecycle);
  };
  let lowerOp: AsyncOp<unknown>;
  try {
    // 4. start the lower operation
    lowerOp = lower.start(request, onLower);
  } catch (error) {
    // a lower module that called back and then threw broke its contract: the callback ran and everything taken in
    // 2-3 was given back by it (step 10), so this op stands and the error goes where the callback's would
    if (context.hasCalledBack) {
      raiseUncaught(error);
      return op;
    }
    // the lower refused: its callback never runs; give back everything taken in 2-3
    untrackOnce(context, untrack);
    context.own.complete();
    context.own.release();
    op.release();
    lifecycle.end();
    throw error;
  }
  // 5. store the lower op before returning, unless its callback already ran: then it is finished, drop it now
  if (context.hasCalledBack) {
    releaseLower(lowerOp, op);
  } else {
    context.lower = lowerOp;
    // 6. the lower op follows this one: a cancel or deadline reaches it with kind `parent`, and a cancel that came
    //    during the lower start (a sweep from a synchronous callback) reaches it now, inside followUpper()
    context.isFollowing = followUpper(lowerOp, op);
    if (!context.isFollowing && op.isCanceled) lowerOp.cancel(parentReasonOf(op));
  }
  return op;
}
// #endregion

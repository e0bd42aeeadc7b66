import { AsyncOp, describeValue } from 'async-op';
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
}

/** The cancel implementation: pass the cancel (and its reason) to the lower op, if it is stored yet. */
function cancelForwarded(context: ForwardContext): void {
  // only while the lower op is pending; if it is not stored yet (cancel from inside the lower start), step 6 of
  // startForwarded passes the cancel on once it is
  context.lower?.cancel(context.own.reason);
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
 * @param options - the lower module, the lifecycle, the request, the callback, the result mapping, and for a
 *   cancel-all module the tracking hooks.
 * @returns the caller's reference (`op.context` is the {@link ForwardContext}); cancel it to cancel the lower
 *   operation with the same reason.
 * @throws TypeError for bad options (nothing started then); whatever the lower start() throws: then the callback is
 *   never called, the operation is counted out again, and every reference taken is given back.
 * @remarks
 * The caller's module checks its own callback and calls `lifecycle.admit()` first (step 1). The callback comes
 * exactly once, when the lower one does: before startForwarded returns if the lower module calls back at once, inside
 * cancel() over a fake-cancel module, after the work stopped over a real-cancel one. A cancel made while the lower
 * start runs (from a synchronous callback) is passed down as soon as that start returns. References: startForwarded
 * keeps one for the callback (released just before it), one to the lower op (released when the lower callback ran),
 * and with `track` the tracked one; the caller owns the one returned.
 */
// #region start-forwarded
export function startForwarded<R, V>(options: ForwardOptions<R, V>): AsyncOp<ForwardContext> {
  expectForwardOptions(options);
  const { lower, lifecycle, request, callback, mapResult, untrack } = options;
  // 1. (the caller) validated the callback and checked the module is open
  // 2. create the op and take the callback's reference BEFORE the lower start: its callback may come first
  const context = {
    lower: null,
    hasCalledBack: false,
    own: null,
    tracked: null,
    previousTracked: null,
    nextTracked: null,
  } as unknown as { -readonly [K in keyof ForwardContext]: ForwardContext[K] };
  const op = AsyncOp.create<ForwardContext>({ context, cancel: cancelForwarded });
  context.own = op.ref();
  // 3. (cancel-all) track the op before the lower start: a sweep from a synchronous callback must find it
  if (options.track !== undefined) context.tracked = options.track(op);
  lifecycle.begin();
  const onLower = (result: Result<V>): void => {
    // 7. the lower op finished: drop our reference to it (if stored yet; else step 5 drops it)
    context.hasCalledBack = true;
    context.lower?.release();
    context.lower = null;
    // 8. complete() is the exactly-once guard; from here on a cancel runs nothing
    if (!context.own.complete()) return;
    // 9. untrack (cancel-all): the entry is released exactly once, here or by the sweep, whichever comes first
    untrackOnce(context, untrack);
    // 10. release the callback's reference BEFORE calling back, then count the operation out after it returned
    context.own.release();
    try {
      callback(mapSafely(mapResult, result));
    } finally {
      lifecycle.end();
    }
  };
  let lowerOp: AsyncOp<unknown>;
  try {
    // 4. start the lower operation
    lowerOp = lower.start(request, onLower);
  } catch (error) {
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
    lowerOp.release();
  } else {
    context.lower = lowerOp;
    // 6. a cancel that arrived during the lower start (a sweep from a synchronous callback) found nothing to cancel
    if (op.isCanceled) lowerOp.cancel(op.reason);
  }
  return op;
}
// #endregion

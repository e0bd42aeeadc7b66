import { AsyncOp } from 'async-op';
import type { CancellableModule, Result, StartCallback } from '../module-types.js';
import type { ModuleLifecycle } from './module-lifecycle.js';

/** The state of one forwarded operation (ML pass-through, HL, HL cancel-all). */
export interface ForwardContext {
  /** The lower op's reference, while the lower operation is pending and start() has returned it. */
  lower: AsyncOp<unknown> | null;
  /** Whether the lower callback ran (possibly before the lower start() returned). */
  hasCalledBack: boolean;
  /** The callback's reference to this op. */
  readonly own: AsyncOp<ForwardContext>;
  /** HL cancel-all: the tracking list's reference, until completion or the sweep releases it. */
  tracked: AsyncOp<ForwardContext> | null;
  /** HL cancel-all: the links of the tracking list (internal/tracking-list.ts), while tracked. */
  previousTracked: ForwardContext | null;
  nextTracked: ForwardContext | null;
}

/** What a forwarding module adds to the common steps. */
export interface ForwardOptions<R, V> {
  readonly lower: CancellableModule<R, V>;
  readonly lifecycle: ModuleLifecycle;
  readonly request: R;
  readonly callback: StartCallback<V>;
  /** Maps the lower result to this module's (ML: error-can-retry becomes error). */
  readonly mapResult: (result: Result<V>) => Result<V>;
  /** HL cancel-all: called with the new op before the lower start; returns the tracked reference to keep. */
  readonly track?: ((op: AsyncOp<ForwardContext>) => AsyncOp<ForwardContext>) | undefined;
  /** HL cancel-all: removes `tracked` from the tracking list (it is released right after). */
  readonly untrack?: ((tracked: AsyncOp<ForwardContext>) => void) | undefined;
}

/** The cancel implementation: pass the cancel (and its reason) to the lower op, if it is stored yet. */
function cancelForwarded(context: ForwardContext): void {
  // 1. only while the lower op is pending; if it is not stored yet (cancel from inside the lower start), step 6 of
  //    startForwarded passes the cancel on once it is
  context.lower?.cancel(context.own.reason);
}

/**
 * The key steps of a start function that passes its operation through to ONE lower operation. Shared by
 * ML pass-through, HL and HL cancel-all (each documents its additions).
 *
 * @returns the caller's reference.
 * @throws whatever the lower start() throws; nothing is left behind then and the callback never runs.
 */
// #region start-forwarded
export function startForwarded<R, V>(options: ForwardOptions<R, V>): AsyncOp<ForwardContext> {
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
  } as unknown as {
    -readonly [K in keyof ForwardContext]: ForwardContext[K];
  };
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
    const tracked = context.tracked;
    if (tracked !== null) {
      context.tracked = null;
      untrack?.(tracked);
      tracked.release();
    }
    // 10. release the callback's reference BEFORE calling back, then count the operation out after it returned
    context.own.release();
    try {
      callback(mapResult(result));
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
    const tracked = context.tracked;
    if (tracked !== null) {
      context.tracked = null;
      untrack?.(tracked);
      tracked.release();
    }
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

/** The ML mapping: `error-can-retry` becomes `error` (only LL modules report it). */
export function mapRetryableToError<V>(result: Result<V>): Result<V> {
  return result.status === 'error-can-retry' ? { status: 'error', error: result.error } : result;
}

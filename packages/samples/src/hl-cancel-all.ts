// #region module
import type { AsyncOp, Clock } from 'async-op';
import {
  CancellableModuleBase,
  expectCallback,
  expectClock,
  expectLowerModule,
  expectTimeoutMs,
  mapRetryableToError,
  operationLabel,
  readOperationOptions,
  shutdownReason,
  startForwarded,
  TrackingList,
  type CancellableModule,
  type ForwardContext,
  type OperationOptions,
  type StartCallback,
} from 'async-op-module-kit';

/** What {@link CancelAllModule} takes. */
export interface CancelAllModuleOptions<Request, Value> {
  /** The module beneath (any ML module, or any module of the same shape). Not owned. */
  readonly lower: CancellableModule<Request, Value>;
  /** The deadline of every operation, in ms from its start, unless its start() gives one; default `Infinity` (none). */
  readonly timeoutMs?: number | undefined;
  /** The clock of the deadlines; default `systemClock` (real time). Tests give a `ManualClock`. */
  readonly clock?: Clock | undefined;
}

/**
 * HL module that tracks every pending operation, with cancelAll() and a close() that cancels everything first.
 *
 * @remarks
 * Each pending operation has one tracked reference, its context linked into a list. It is released exactly once: by
 * the operation's completion (before its callback) or by a sweep of cancelAll() (after canceling through it),
 * whichever comes first. A sweep takes entries until the list is empty, so an operation started during the sweep
 * (from a callback that the sweep's cancel caused) is canceled by the same sweep. Every step of the list is O(1), so a
 * sweep of n operations takes time in proportion to n. close() and a cancelAll() without a reason cancel with a
 * reason of kind `shutdown` whose `origin` is `hl-cancel-all`; each lower op gets one of kind `parent` caused by it.
 * Everything else is as for HL (the kit's startForwarded), deadlines included.
 */
export class CancelAllModule<Request, Value> extends CancellableModuleBase<Request, Value> {
  private readonly lower: CancellableModule<Request, Value>;
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  /** The contexts of the pending operations; each holds one reference, released exactly once (completion or sweep). */
  private readonly tracked = new TrackingList<ForwardContext>();

  /**
   * @throws TypeError if `options.lower` is not a module or `options.clock` not a Clock; TypeError/RangeError for a
   *   `timeoutMs` that is not a number >= 0.
   */
  constructor(options: CancelAllModuleOptions<Request, Value>) {
    super('hl-cancel-all');
    expectLowerModule(options);
    this.lower = options.lower;
    // the default for undefined only: null is a wrong type, refused like any other
    this.timeoutMs = expectTimeoutMs(
      'options.timeoutMs',
      options.timeoutMs === undefined ? Infinity : options.timeoutMs,
    );
    this.clock = expectClock('options.clock', options.clock);
  }

  /** How many operations are tracked now (pending and not swept). */
  get trackedCount(): number {
    return this.tracked.size;
  }

  /**
   * See {@link CancellableModuleBase.start}.
   *
   * @param options - this operation's deadline (`timeoutMs` or `deadline` on the module's clock, replacing the
   *   module's default) and label.
   * @throws as CancellableModuleBase.start, and TypeError/RangeError for bad `options` (nothing started then).
   */
  // #region start
  start(request: Request, callback: StartCallback<Value>, options?: OperationOptions): AsyncOp<unknown> {
    // 1. check the callback, this call's options and that the module is open: throwing here leaves nothing behind
    expectCallback(callback);
    const { timeoutMs, deadline, label } = readOperationOptions(options, this.timeoutMs);
    this.lifecycle.admit();
    return startForwarded({
      lower: this.lower,
      lifecycle: this.lifecycle,
      request,
      callback,
      mapResult: mapRetryableToError,
      label: label ?? operationLabel(this.name, request),
      timeoutMs,
      deadline,
      clock: this.clock,
      // 3. track a reference of its own BEFORE the lower start: a sweep from a synchronous callback must find it
      track: (op) => {
        this.tracked.append(op.context);
        return op.ref('hl-cancel-all tracking list');
      },
      // 9. the completion takes the entry out (O(1)); startForwarded releases it
      untrack: (entry) => {
        this.tracked.remove(entry.context);
      },
    });
  }
  // #endregion

  /**
   * Cancels every pending operation, and every operation started while it runs.
   *
   * @param reason - the cancel reason given to each; default a CanceledError of kind `shutdown` whose `origin` is
   *   this module's name (one for the whole sweep, created only if there is something to cancel).
   * @returns how many operations it canceled (cancel won).
   * @remarks Synchronous; callbacks may run inside it (fake cancel, canceled queued work) and may re-enter anything.
   *   Newest first, so the canceled callbacks come in the reverse order of the starts; linear in the number of
   *   operations.
   */
  // #region cancel-all
  cancelAll(reason?: unknown): number {
    return this.sweep(reason, 'cancelAll');
  }

  /** cancelAll() and close(): `cause` names the shutdown reason made when none is given. */
  private sweep(given: unknown, cause: 'close' | 'cancelAll'): number {
    let canceled = 0;
    let reason = given;
    // 1. take entries one at a time until none is left: a callback run by a cancel may start (or finish) others;
    //    each take is O(1), so the sweep is linear. Newest first: the operations still waiting in a queue are
    //    withdrawn before the older ones, which hold the slots, are stopped (a freed slot would start a queued one)
    for (let context = this.tracked.takeLast(); context !== null; context = this.tracked.takeLast()) {
      // 2. the entry is out of the list; unlink it from its op BEFORE canceling: the cancel may deliver the callback,
      //    which must then not release the entry a second time
      const entry = context.tracked as AsyncOp<ForwardContext>;
      context.tracked = null;
      reason ??= shutdownReason(this.name, cause);
      try {
        // 3. cancel through the entry, then release it: exactly once, here
        if (entry.cancel(reason)) canceled++;
      } finally {
        entry.release();
      }
    }
    return canceled;
  }
  // #endregion

  /**
   * Refuses new starts, cancels every pending operation, and resolves once all their callbacks ran.
   *
   * @remarks Callable from inside one of this module's callbacks.
   */
  // #region close
  override close(): Promise<void> {
    // 1. refuse new starts FIRST, so the sweep cannot be outrun by callbacks starting more work
    const closed = super.close();
    // 2. cancel everything pending, with a reason that says so (kind `shutdown`, origin this module)
    this.sweep(undefined, 'close');
    // 3. resolve once every callback ran
    return closed;
  }
  // #endregion
}
// #endregion

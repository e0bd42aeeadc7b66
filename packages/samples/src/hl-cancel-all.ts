// #region module
import type { AsyncOp } from 'async-op';
import {
  CancellableModuleBase,
  expectCallback,
  expectLowerModule,
  mapRetryableToError,
  startForwarded,
  TrackingList,
  type CancellableModule,
  type ForwardContext,
  type StartCallback,
} from 'async-op-module-kit';

/** What {@link CancelAllModule} takes. */
export interface CancelAllModuleOptions<Request, Value> {
  /** The module beneath (any ML module, or any module of the same shape). Not owned. */
  readonly lower: CancellableModule<Request, Value>;
}

/**
 * HL module that tracks every pending operation, with cancelAll() and a close() that cancels everything first.
 *
 * @remarks
 * Each pending operation has one tracked reference, its context linked into a list. It is released exactly once: by
 * the operation's completion (before its callback) or by a sweep of cancelAll() (after canceling through it),
 * whichever comes first. A sweep takes entries until the list is empty, so an operation started during the sweep
 * (from a callback that the sweep's cancel caused) is canceled by the same sweep. Every step of the list is O(1), so a
 * sweep of n operations takes time in proportion to n. Everything else is as for HL (the kit's startForwarded).
 */
export class CancelAllModule<Request, Value> extends CancellableModuleBase<Request, Value> {
  private readonly lower: CancellableModule<Request, Value>;
  /** The contexts of the pending operations; each holds one reference, released exactly once (completion or sweep). */
  private readonly tracked = new TrackingList<ForwardContext>();

  /** @throws TypeError if `options.lower` is not a module. */
  constructor(options: CancelAllModuleOptions<Request, Value>) {
    super('hl-cancel-all');
    expectLowerModule(options);
    this.lower = options.lower;
  }

  /** How many operations are tracked now (pending and not swept). */
  get trackedCount(): number {
    return this.tracked.size;
  }

  /** See {@link CancellableModuleBase.start}. */
  // #region start
  start(request: Request, callback: StartCallback<Value>): AsyncOp<unknown> {
    // 1. check the callback and that the module is open: throwing here leaves nothing behind
    expectCallback(callback);
    this.lifecycle.admit();
    return startForwarded({
      lower: this.lower,
      lifecycle: this.lifecycle,
      request,
      callback,
      mapResult: mapRetryableToError,
      // 3. track a reference of its own BEFORE the lower start: a sweep from a synchronous callback must find it
      track: (op) => {
        this.tracked.append(op.context);
        return op.ref();
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
   * @param reason - the cancel reason given to each.
   * @returns how many operations it canceled (cancel won).
   * @remarks Synchronous; callbacks may run inside it (fake cancel, canceled queued work) and may re-enter anything.
   *   Newest first, so the canceled callbacks come in the reverse order of the starts; linear in the number of
   *   operations.
   */
  // #region cancel-all
  cancelAll(reason?: unknown): number {
    let canceled = 0;
    // 1. take entries one at a time until none is left: a callback run by a cancel may start (or finish) others;
    //    each take is O(1), so the sweep is linear. Newest first: the operations still waiting in a queue are
    //    withdrawn before the older ones, which hold the slots, are stopped (a freed slot would start a queued one)
    for (let context = this.tracked.takeLast(); context !== null; context = this.tracked.takeLast()) {
      // 2. the entry is out of the list; unlink it from its op BEFORE canceling: the cancel may deliver the callback,
      //    which must then not release the entry a second time
      const entry = context.tracked as AsyncOp<ForwardContext>;
      context.tracked = null;
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
    // 2. cancel everything pending
    this.cancelAll();
    // 3. resolve once every callback ran
    return closed;
  }
  // #endregion
}
// #endregion

import { AsyncOp } from 'async-op';
import type { CancellableModule, FileJobValue, Result, StartCallback } from '../../index.js';
import { ModuleCopy } from './module-copy.js';

/** The state of one forwarded operation (copy of the samples' internal/forward.ts). */
export interface ForwardContext {
  lower: AsyncOp<unknown> | null;
  hasCalledBack: boolean;
  own: AsyncOp<ForwardContext> | null;
  tracked: AsyncOp<ForwardContext> | null;
  readonly callback: StartCallback<FileJobValue>;
}

type Lower = CancellableModule<unknown, FileJobValue>;

function mapForUsers(result: Result<FileJobValue>): Result<FileJobValue> {
  return result.status === 'error-can-retry' ? { status: 'error', error: result.error } : result;
}

/**
 * A faithful copy of ML pass-through, HL and HL cancel-all (`tracks` true): the steps of internal/forward.ts and
 * hl-cancel-all.ts, as protected methods a pitfall variant overrides to make its one mistake.
 *
 * @remarks The tracked entries sit in a `Set` here, swept oldest first, where hl-cancel-all.ts links them into an
 * O(1) list swept newest first; the steps of the sweep are the same, and a race run tracks a handful, so the Set's
 * quadratic sweep (taking its first entry again and again) does not matter here.
 */
export class ForwardCopy extends ModuleCopy<unknown> {
  protected readonly tracked = new Set<AsyncOp<ForwardContext>>();

  constructor(
    protected readonly lower: Lower,
    name: string,
    protected readonly tracks: boolean,
  ) {
    super(name);
  }

  start(request: unknown, callback: StartCallback<FileJobValue>): AsyncOp<unknown> {
    // 1. check that the module is open
    this.lifecycle.admit();
    return this.startForwarded(request, callback);
  }

  /** Steps 2-6 of internal/forward.ts. */
  protected startForwarded(request: unknown, callback: StartCallback<FileJobValue>): AsyncOp<ForwardContext> {
    const context: ForwardContext = { lower: null, hasCalledBack: false, own: null, tracked: null, callback };
    // 2. create the op and take the callback's reference BEFORE the lower start
    const op = AsyncOp.create<ForwardContext>({ context, cancel: (ctx) => this.cancelForwarded(ctx) });
    context.own = op.ref();
    // 3. (cancel-all) track the op before the lower start
    if (this.tracks) context.tracked = this.track(op);
    this.lifecycle.begin();
    let lowerOp: AsyncOp<unknown>;
    try {
      // 4. start the lower operation
      lowerOp = this.lower.start(request, (result) => this.onLower(context, result));
    } catch (error) {
      this.giveBack(context, op);
      throw error;
    }
    // 5. store the lower op unless its callback already ran
    if (context.hasCalledBack) {
      lowerOp.release();
    } else {
      context.lower = lowerOp;
      // 6. pass on a cancel that arrived during the lower start
      if (op.isCanceled) lowerOp.cancel(op.reason);
    }
    return op;
  }

  /** The lower start threw: give back what steps 2-3 took. */
  protected giveBack(context: ForwardContext, op: AsyncOp<ForwardContext>): void {
    this.untrackAndRelease(context);
    this.abandonStart(context.own, op);
  }

  /** Steps 7-10 of internal/forward.ts. */
  protected onLower(context: ForwardContext, result: Result<FileJobValue>): void {
    // 7. drop the lower reference
    context.hasCalledBack = true;
    context.lower?.release();
    context.lower = null;
    const own = context.own as AsyncOp<ForwardContext>;
    // 8. complete() is the exactly-once guard
    if (!own.complete()) return;
    // 9. untrack (cancel-all)
    this.untrackAndRelease(context);
    // 10. release the callback's reference, call back, count out
    own.release();
    try {
      context.callback(mapForUsers(result));
    } finally {
      this.lifecycle.end();
    }
  }

  protected untrackAndRelease(context: ForwardContext): void {
    const tracked = context.tracked;
    if (tracked === null) return;
    context.tracked = null;
    this.tracked.delete(tracked);
    tracked.release();
  }

  protected track(op: AsyncOp<ForwardContext>): AsyncOp<ForwardContext> {
    const entry = op.ref();
    this.tracked.add(entry);
    return entry;
  }

  /** The cancel implementation: pass it to the lower op if stored. */
  protected cancelForwarded(context: ForwardContext): void {
    context.lower?.cancel(context.own?.reason);
  }

  /** The sweep of hl-cancel-all.ts. */
  cancelAll(reason?: unknown): number {
    let canceled = 0;
    // 1. take entries until none is left
    for (let entry = first(this.tracked); entry !== undefined; entry = first(this.tracked)) {
      // 2. remove the entry and unlink it from its op BEFORE canceling
      this.tracked.delete(entry);
      entry.context.tracked = null;
      try {
        // 3. cancel through the entry, then release it
        if (entry.cancel(reason)) canceled++;
      } finally {
        entry.release();
      }
    }
    return canceled;
  }

  override close(): Promise<void> {
    const closed = this.lifecycle.close();
    if (this.tracks) this.cancelAll();
    return closed;
  }
}

export function first<T>(set: Set<T>): T | undefined {
  for (const value of set) return value;
  return undefined;
}

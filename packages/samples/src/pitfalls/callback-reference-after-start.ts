/**
 * Pitfall: the callback's reference is taken AFTER the lower operation is started.
 *
 * Breaks step 2 of the forwarding start (packages/samples/src/internal/forward.ts, used by ML pass-through, HL and
 * HL cancel-all): "create the op and take the callback's reference BEFORE the lower start: its callback may come
 * before start returns".
 *
 * Symptom: when the lower operation completes synchronously (inside its start), the callback finds no reference to
 * complete and release: it throws a TypeError, which the lower module raises as an uncaught exception (a callback's
 * error never enters a module), the work is done, and the caller never gets its callback.
 */
import { AsyncOp } from 'async-op';
import type { FileJobValue, StartCallback } from '../index.js';
import { ForwardCopy, type ForwardContext } from './support/forward-copy.js';

export class CallbackReferenceAfterStart extends ForwardCopy {
  protected override startForwarded(request: unknown, callback: StartCallback<FileJobValue>): AsyncOp<ForwardContext> {
    const context: ForwardContext = { lower: null, hasCalledBack: false, own: null, tracked: null, callback };
    const op = AsyncOp.create<ForwardContext>({ context, cancel: (ctx) => this.cancelForwarded(ctx) });
    this.lifecycle.begin();
    let lowerOp: AsyncOp<unknown>;
    try {
      lowerOp = this.lower.start(request, (result) => this.onLower(context, result));
    } catch (error) {
      this.giveBack(context, op);
      throw error;
    }
    // MISTAKE: the callback's reference is taken only now; a synchronous callback already ran without it
    context.own = op.ref();
    if (context.hasCalledBack) {
      lowerOp.release();
    } else {
      context.lower = lowerOp;
      if (op.isCanceled) lowerOp.cancel(op.reason);
    }
    return op;
  }
}

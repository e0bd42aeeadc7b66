/**
 * Pitfall: the context field is used as the lower layer's out-parameter (`context.lower = lower.start(...)`).
 *
 * Breaks step 5 of the forwarding start (packages/samples/src/internal/forward.ts): "store the lower op before
 * returning, unless its callback already ran: then it is finished, drop it now".
 *
 * Symptom: when the lower operation completes synchronously, its callback (step 7) finds nothing to release, and the
 * assignment then stores the finished lower op; nobody releases it: one AsyncOp reference leaks per synchronous
 * completion (and a later cancel would be sent to a finished op).
 */
import { AsyncOp } from 'async-op';
import type { FileJobValue, StartCallback } from '../index.js';
import { ForwardCopy, type ForwardContext } from './support/forward-copy.js';

export class ContextAsOutParameter extends ForwardCopy {
  protected override startForwarded(request: unknown, callback: StartCallback<FileJobValue>): AsyncOp<ForwardContext> {
    const context: ForwardContext = { lower: null, hasCalledBack: false, own: null, tracked: null, callback };
    const op = AsyncOp.create<ForwardContext>({ context, cancel: (ctx) => this.cancelForwarded(ctx) });
    context.own = op.ref();
    this.lifecycle.begin();
    try {
      // MISTAKE: the lower start writes straight into the context, even when its callback already ran
      context.lower = this.lower.start(request, (result) => this.onLower(context, result));
    } catch (error) {
      this.giveBack(context, op);
      throw error;
    }
    if (op.isCanceled) context.lower.cancel(op.reason);
    return op;
  }
}

/**
 * Pitfall: the op is handed to the caller before the lower operation is started and stored (the lower start is
 * deferred to a microtask, "after start() returns").
 *
 * Breaks steps 4-6 of the forwarding start (packages/samples/src/internal/forward.ts): the lower op must be started
 * and stored before the op is returned, and a cancel that found no lower op must be passed on once it is stored
 * (step 6).
 *
 * Symptom: a cancel right after start() returns finds no lower op (step 1 of the cancel implementation does nothing);
 * the lower operation then starts after the cancel and runs to its end: work started after cancel, and the result
 * reports `ok` for a canceled operation.
 */
import { AsyncOp } from 'async-op';
import type { FileJobValue, StartCallback } from '../index.js';
import { ForwardCopy, type ForwardContext } from './support/forward-copy.js';

export class OpReturnedBeforeLowerStored extends ForwardCopy {
  protected override startForwarded(request: unknown, callback: StartCallback<FileJobValue>): AsyncOp<ForwardContext> {
    const context: ForwardContext = { lower: null, hasCalledBack: false, own: null, tracked: null, callback };
    const op = AsyncOp.create<ForwardContext>({ context, cancel: (ctx) => this.cancelForwarded(ctx) });
    context.own = op.ref();
    this.lifecycle.begin();
    // MISTAKE: the op goes back to the caller first; the lower op is started and stored later, with no re-check
    queueMicrotask(() => {
      try {
        const lowerOp = this.lower.start(request, (result) => this.onLower(context, result));
        if (context.hasCalledBack) lowerOp.release();
        else context.lower = lowerOp;
      } catch (error) {
        this.onLower(context, { status: 'error', error });
      }
    });
    return op;
  }
}

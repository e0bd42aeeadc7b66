/**
 * Pitfall: the module's bookkeeping is ended after the user callback, but whether that end resolves a pending close
 * is decided before it (a C-style "was I the last one while closing?" taken before calling back).
 *
 * Breaks step 10 of the forwarding callback (packages/samples/src/internal/forward.ts): "call back, THEN count the
 * operation out (so close() from inside the callback waits for it)": counting out must be one step, after the
 * callback, that sees a close() the callback made.
 *
 * Symptom: close() called from inside the last operation's callback never resolves (it hangs): when the decision was
 * taken the module was not closing yet, and after the callback nobody resolves it.
 */
import type { FileJobValue, Result } from '../index.js';
import { ForwardCopy, type ForwardContext } from './support/forward-copy.js';

export class BookkeepingAfterCallback extends ForwardCopy {
  protected override onLower(context: ForwardContext, result: Result<FileJobValue>): void {
    context.hasCalledBack = true;
    context.lower?.release();
    context.lower = null;
    const own = context.own;
    if (own === null || !own.complete()) return;
    this.untrackAndRelease(context);
    own.release();
    // MISTAKE: "is this the last operation of a closing module?" is answered before the callback ...
    const isLastWhileClosing = this.lifecycle.state === 'closing' && this.lifecycle.pending === 1;
    try {
      context.callback(result.status === 'error-can-retry' ? { status: 'error', error: result.error } : result);
    } finally {
      // ... and the count is dropped after it, without looking again
      this.lifecycle.pending--;
      if (isLastWhileClosing) this.lifecycle.resolveClose();
    }
  }
}

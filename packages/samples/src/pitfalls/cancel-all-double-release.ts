/**
 * Pitfall: cancel-all releases the tracking list's reference twice: the sweep does not unlink the entry from its op
 * before canceling through it.
 *
 * Breaks step 2 of CancelAllModule.cancelAll() (hl-cancel-all.ts): "remove the entry and unlink it from its op BEFORE
 * canceling: the cancel may deliver the callback, which must then not release the entry a second time".
 *
 * Symptom: when the cancel delivers the callback at once (fake cancel beneath), the completion (step 9) releases the
 * tracked reference, then the sweep releases it again: AsyncOpReleasedError (`ERR_ASYNC_OP_RELEASED`) out of
 * cancelAll()/close(), and the rest of the sweep is skipped.
 */
import { ForwardCopy, first } from './support/forward-copy.js';

export class CancelAllDoubleRelease extends ForwardCopy {
  override cancelAll(reason?: unknown): number {
    let canceled = 0;
    for (let entry = first(this.tracked); entry !== undefined; entry = first(this.tracked)) {
      // MISTAKE: removed from the set, but `entry.context.tracked` still points at it
      this.tracked.delete(entry);
      try {
        if (entry.cancel(reason)) canceled++;
      } finally {
        entry.release();
      }
    }
    return canceled;
  }
}

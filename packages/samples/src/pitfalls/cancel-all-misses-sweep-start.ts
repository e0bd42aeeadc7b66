/**
 * Pitfall: cancel-all sweeps a snapshot of the tracked operations, so it misses an operation started during the
 * sweep (from a callback that one of its cancels delivered).
 *
 * Breaks step 1 of CancelAllModule.cancelAll() (hl-cancel-all.ts): "take entries one at a time until none is left: a
 * callback run by a cancel may start (or finish) others".
 *
 * Symptom: after cancelAll() returns, an operation started inside it is still running, not canceled.
 */
import { ForwardCopy } from './support/forward-copy.js';

export class CancelAllMissesSweepStart extends ForwardCopy {
  override cancelAll(reason?: unknown): number {
    let canceled = 0;
    // MISTAKE: iterate over the entries present when the sweep began
    for (const entry of [...this.tracked]) {
      if (!this.tracked.delete(entry)) continue;
      entry.context.tracked = null;
      try {
        if (entry.cancel(reason)) canceled++;
      } finally {
        entry.release();
      }
    }
    return canceled;
  }
}

/**
 * Pitfall (defect (b) of the C original): when a retry fails to start, the retry module reports the error but does
 * not release the callback's reference.
 *
 * Breaks step 8 of ml-retries.ts: "the retry could not start: no callback will come from below, so report the error
 * here; deliver() releases the callback's reference".
 *
 * Symptom: an operation whose retry is refused (the LL module was closed during the backoff) calls back `error` but
 * leaks one AsyncOp reference.
 */
import type { RetryContext } from './support/retry-copy.js';
import { RetryCopy } from './support/retry-copy.js';

export class RetryLeaksOnFailedRestart extends RetryCopy {
  protected override onBackoffEnd(context: RetryContext): void {
    context.timer = null;
    try {
      this.attempt(context);
    } catch (error) {
      // MISTAKE: calls back directly: the callback's reference (context.own) is completed but never released
      if (!context.own.complete()) return;
      try {
        context.callback({ status: 'error', error });
      } finally {
        this.lifecycle.end();
      }
    }
  }
}

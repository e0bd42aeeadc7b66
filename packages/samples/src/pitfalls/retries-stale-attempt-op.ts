/**
 * Pitfall: a stale op overwrites a newer one: the retry module stores every attempt's op when its start returns, even
 * if that attempt already completed (and the module moved on).
 *
 * Breaks step 4 of ml-retries.ts: "remember the epoch, start, and store the op only if its callback has not run yet
 * (else it is finished)".
 *
 * Symptom: an attempt that fails synchronously with a retryable error leaves its finished op stored during the
 * backoff: the next attempt overwrites it (the stale reference leaks), or a cancel during the backoff reports
 * `canceled` and leaves it unreleased.
 */
import type { RetryContext } from './support/retry-copy.js';
import { RetryCopy } from './support/retry-copy.js';

export class RetriesStaleAttemptOp extends RetryCopy {
  protected override attempt(context: RetryContext): void {
    context.attempts++;
    // MISTAKE: no epoch: whatever the start returns is stored, finished or not
    context.lower = this.lower.start(context.request, (result) => this.onAttempt(context, result));
  }
}

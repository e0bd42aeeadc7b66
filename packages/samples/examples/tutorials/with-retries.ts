// Tutorial 5 (docs/tutorials/05-chains-and-retries.md): retries with backoff at the promise level. Compiled and
// tested by test/tutorials.test.ts; copied into the tutorial by `npm run docs`.
// #region with-retries
import { systemClock, type Clock } from 'async-op';
import { delay, isRetryableError } from 'async-op-module-kit';

/** Runs `attempt` until it succeeds, fails for good, or `attempts` ran, waiting 2^n * `baseDelayMs` in between. */
export async function withRetries<V>(
  attempt: (signal: AbortSignal) => Promise<V>,
  signal: AbortSignal,
  attempts = 5,
  baseDelayMs = 10,
  clock: Clock = systemClock,
): Promise<V> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(signal);
    } catch (error) {
      // 1. retry only a transient error (EAGAIN, EBUSY, EMFILE, ...), with attempts left, and never after a cancel
      if (n >= attempts || !isRetryableError(error) || signal.aborted) throw error;
    }
    // 2. the backoff wait takes the signal too: a cancel during it rejects at once, and no attempt follows. It waits
    //    on a clock, so that a test on a ManualClock does not sleep
    await delay(baseDelayMs * 2 ** (n - 1), { clock, signal });
  }
}
// #endregion

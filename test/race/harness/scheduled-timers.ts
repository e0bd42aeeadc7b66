import type fc from 'fast-check';

/** A timer whose expiry is a task of the fast-check scheduler. */
class ScheduledTimer {
  isCleared = false;
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
}

/**
 * Routes `setTimeout`/`clearTimeout` through the scheduler while a property runs, so the retry module's backoff
 * expires at a point of the interleaving the scheduler chooses (and replays), not at a wall-clock time.
 *
 * @returns a function that restores the real timers; call it in a `finally`.
 * @remarks mocha and fast-check keep their own copies of the timer functions, so they are not affected.
 */
export function routeTimersThroughScheduler(s: fc.Scheduler, onError: (error: unknown) => void): () => void {
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;
  globalThis.setTimeout = ((callback: () => void, ms?: number) => {
    const timer = new ScheduledTimer();
    void s.schedule(Promise.resolve(`timer ${ms ?? 0} ms`)).then(() => {
      if (timer.isCleared) return;
      timer.isCleared = true;
      try {
        callback();
      } catch (error) {
        onError(error);
      }
    });
    return timer;
  }) as unknown as typeof setTimeout;
  globalThis.clearTimeout = ((timer: unknown) => {
    if (timer instanceof ScheduledTimer) timer.isCleared = true;
    else realClearTimeout(timer as Parameters<typeof clearTimeout>[0]);
  }) as typeof clearTimeout;
  return () => {
    globalThis.setTimeout = realSetTimeout;
    globalThis.clearTimeout = realClearTimeout;
  };
}

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
 * Routes `setTimeout`/`clearTimeout` through the scheduler while a race runs, so a module's timers (a retry's
 * backoff) expire at a point of the interleaving the scheduler chooses and replays, never at a wall-clock time.
 *
 * @param s - the run's scheduler.
 * @param onError - receives what a timer callback throws (it runs in a scheduled task, where nobody could catch it).
 * @returns a function that restores the real timers; call it in a `finally`.
 * @remarks
 * TIMING: a timer's callback runs in its own scheduled task (labeled `timer <ms> ms`), whatever its delay; a
 * cleared timer never runs. mocha, node:test and fast-check keep their own copies of the timer functions, so they are
 * not affected. Only one race may route timers at a time (the kit's properties run one after the other).
 */
export function routeTimersThroughScheduler(s: fc.Scheduler, onError: (error: unknown) => void): () => void {
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;
  globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = new ScheduledTimer();
    void s.schedule(Promise.resolve(`timer ${ms ?? 0} ms`)).then(() => {
      if (timer.isCleared) return;
      timer.isCleared = true;
      try {
        callback(...args);
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

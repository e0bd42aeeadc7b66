import type fc from 'fast-check';

/** The most rounds {@link settleScheduler} runs before it gives up (a module that schedules work forever). */
const MAX_ROUNDS = 200;

/**
 * Runs every scheduled task, including those scheduled meanwhile, lets promise reactions and `setImmediate`
 * callbacks settle, and when nothing is left calls `whenIdle` (which may release held work) until it has nothing to
 * release either.
 *
 * @param s - the run's scheduler.
 * @param whenIdle - called whenever the scheduler has nothing to run; returns whether it released something (a held
 *   engine call, a held callback), in which case settling goes on.
 * @returns whether everything settled (false after 200 rounds: something keeps scheduling work).
 * @remarks TIMING: resolves in a later macrotask; nothing is run synchronously.
 */
export async function settleScheduler(s: fc.Scheduler, whenIdle: () => boolean = () => false): Promise<boolean> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    await s.waitIdle();
    await new Promise((resolve) => setImmediate(resolve));
    if (s.count() === 0 && !whenIdle()) return true;
  }
  return false;
}

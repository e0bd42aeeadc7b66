import { catchProcessErrors } from './internal/process-errors.js';

/**
 * Runs `run` with the process's uncaught exceptions recorded instead of reported, for a test of a module whose
 * callback throws: the module kit's `deliverResult()` raises a callback's exception as an uncaught exception of the
 * process (from a microtask), which a test runner would otherwise count as a failure of whatever test runs then.
 *
 * @param run - the code under test; may return a promise.
 * @returns every exception raised as uncaught while `run` ran and until a macrotask after it settled, in order.
 * @throws what `run` throws (or rejects with), after the runner's listeners were put back.
 * @remarks TIMING: the runner's `'uncaughtException'` listeners are set aside for the whole call, one `setImmediate`
 *   after `run` settled included, and restored even when `run` throws; an exception raised later than that reaches the
 *   runner again.
 *
 * @example
 * ```ts
 * const uncaught = await captureUncaught(() => {
 *   module.start(request, () => {
 *     throw new Error('a bug in the callback');
 *   });
 * });
 * expect(uncaught.map(String)).to.deep.equal(['Error: a bug in the callback']);
 * ```
 */
export async function captureUncaught(run: () => void | Promise<void>): Promise<unknown[]> {
  const uncaught: unknown[] = [];
  const restore = catchProcessErrors('uncaughtException', (error) => uncaught.push(error));
  try {
    await run();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    restore();
  }
  return uncaught;
}

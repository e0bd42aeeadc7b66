/**
 * Runs `body` with the process's `'uncaughtException'` listeners (mocha's) replaced by one that records, and waits two
 * turns after it so that what was reported on a later tick lands here; then puts mocha's back.
 *
 * @returns what body resolved to, and every uncaught exception, in order.
 */
export async function withUncaughtCaptured<T>(body: () => Promise<T>): Promise<{ result: T; uncaught: unknown[] }> {
  const uncaught: unknown[] = [];
  const saved = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', (error) => uncaught.push(error));
  try {
    const result = await body();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    return { result, uncaught };
  } finally {
    process.removeAllListeners('uncaughtException');
    for (const listener of saved) process.on('uncaughtException', listener);
  }
}

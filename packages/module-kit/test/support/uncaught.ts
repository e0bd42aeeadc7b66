/**
 * Runs `run` with the process's uncaught exceptions captured instead of reported (mocha would fail the test with
 * them), until a macrotask after `run` settled; restores the listeners after.
 *
 * @returns what was raised as uncaught meanwhile, in order.
 */
export async function captureUncaught(run: () => void | Promise<void>): Promise<unknown[]> {
  const uncaught: unknown[] = [];
  const saved = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', (error) => uncaught.push(error));
  try {
    await run();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.removeAllListeners('uncaughtException');
    for (const listener of saved) process.on('uncaughtException', listener);
  }
  return uncaught;
}

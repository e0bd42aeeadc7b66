/**
 * Raises an error where no caller may catch it: rethrown from a microtask, an uncaught exception of the process.
 *
 * @param error - what a user's callback (or a module breaking its contract) threw.
 * @remarks For errors that must not reach the code that was running the callback: that code would take them for its
 *   own failure and undo or count out an operation a second time.
 */
export function raiseUncaught(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

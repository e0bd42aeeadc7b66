/**
 * Sends the process's unhandled promise rejections to `onRejection` until the returned function is called; the
 * listeners registered before (a test runner's) are set aside meanwhile and put back after.
 *
 * @returns the function that restores the previous listeners.
 */
export function catchUnhandledRejections(onRejection: (reason: unknown) => void): () => void {
  const previous = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  const listener = (reason: unknown): void => onRejection(reason);
  process.on('unhandledRejection', listener);
  return () => {
    process.off('unhandledRejection', listener);
    for (const restored of previous) process.on('unhandledRejection', restored);
  };
}

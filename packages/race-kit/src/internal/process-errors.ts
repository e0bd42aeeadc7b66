/** The process events that carry an error nobody caught. */
export type ProcessErrorEvent = 'unhandledRejection' | 'uncaughtException';

/**
 * Sends the process's `event` (its unhandled promise rejections, or its uncaught exceptions) to `onError` until the
 * returned function is called; the listeners registered before (a test runner's) are set aside meanwhile and put back
 * after.
 *
 * @param event - which of the two.
 * @param onError - receives the rejection's reason, or the exception.
 * @returns the function that restores the previous listeners.
 */
export function catchProcessErrors(event: ProcessErrorEvent, onError: (error: unknown) => void): () => void {
  // the plain EventEmitter view: process's typed overloads take one event name at a time
  const emitter: NodeJS.EventEmitter = process;
  const previous = emitter.listeners(event) as ((...args: unknown[]) => void)[];
  emitter.removeAllListeners(event);
  const listener = (error: unknown): void => onError(error);
  emitter.on(event, listener);
  return () => {
    emitter.off(event, listener);
    for (const restored of previous) emitter.on(event, restored);
  };
}

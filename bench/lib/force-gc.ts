/**
 * Runs a full, synchronous garbage collection.
 *
 * @throws Error if node was not started with `--expose-gc`.
 */
export function forceGc(): void {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('global.gc is not available: run node with --expose-gc');
  gc();
}

/** One turn of the event loop (lets FinalizationRegistry and weak callbacks run). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

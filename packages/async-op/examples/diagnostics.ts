// Guide code: printing the operations that are still live, as a tree. Compiled and run by test/examples.test.ts;
// shown in docs/guides/troubleshooting.md.
import { LeakTracker, formatOpTree, liveOpTree } from 'async-op';

// #region dump
/** Turns tracking on early (at start-up, or in a test's setup): only ops created after this are listed. */
export function startTracking(): void {
  if (!LeakTracker.isEnabled) LeakTracker.enable();
}

/** Prints every live operation, under the operation it follows, with who holds it and where it was created. */
export function printLiveOperations(write: (text: string) => void = console.error): void {
  write(formatOpTree(liveOpTree(), { stackFrames: 1 }));
}
// #endregion

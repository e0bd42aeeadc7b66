// Guide code: awaiting the end of a canceled file action's work. Compiled and run by test/examples.test.ts; shown in
// docs/guides/troubleshooting.md.
import type { ActionSettlementOutcome, AsyncFileHandle, AsyncFileManager } from 'async-op-file';

/** The callback of an action that is canceled at once: after cancel() returned, it never runs. */
function neverCalled(): void {}

// #region handle
/**
 * Starts a read into `buffer`, cancels it, and resolves once `buffer` may be reused. After cancel() no callback comes,
 * and a read the engine could not stop (node-fs cannot stop a read the thread pool started) may still be writing into
 * `buffer`: whenSettled() resolves once none of the handle's actions is queued or executing any more.
 */
export async function readIntoThenGiveUp(handle: AsyncFileHandle, buffer: Uint8Array): Promise<void> {
  const op = handle.readInto(buffer, 0, neverCalled);
  op.cancel();
  op.release();
  await handle.whenSettled(); // the read is over, whichever way: the buffer is ours again
}
// #endregion

// #region manager
/**
 * Starts a rename, cancels it, and resolves once the engine is done with it, with what really happened: a rename
 * that was already executing may have taken effect (`succeeded`: the file has its new name), or the engine stopped
 * it before it reached the system (`not-run`).
 */
export function renameThenCancel(
  manager: AsyncFileManager,
  from: string,
  to: string,
): Promise<ActionSettlementOutcome> {
  return new Promise((resolve) => {
    const options = { onSettledAfterCancel: ({ outcome }: { outcome: ActionSettlementOutcome }) => resolve(outcome) };
    const op = manager.rename(from, to, options, neverCalled);
    op.cancel();
    op.release();
  });
}
// #endregion

import { raiseUncaught } from './internal/raise-uncaught.js';
import type { ModuleLifecycle } from './module-lifecycle.js';
import type { Result, StartCallback } from './module-types.js';

/**
 * Calls a start function's callback with its one result, then counts the operation out: the last step of every
 * delivery, the same whether it runs inside start(), inside cancel() or on a later turn.
 *
 * @param callback - the caller's callback.
 * @param result - what it receives.
 * @param lifecycle - the module's lifecycle, counted out once the callback returned or threw; omit it where the
 *   operation is counted out later (a fake cancel, whose cleanup is still running).
 * @remarks
 * TIMING: the callback runs now, synchronously, once per call (the caller's exactly-once guard, `complete()`, decides
 * whether to call this). What the callback throws never reaches the caller of deliverResult: a module's own work
 * (its start's catch, a job's chain, a lower module's delivery) must not take a user's error for its own, which
 * would undo or count out an operation twice. It is rethrown from a microtask, an uncaught exception of the process,
 * after the operation was counted out (docs/reference/contract.md, 'Cancellable modules'). So a start() whose
 * callback ran and threw inside it still returns the op, and the caller still owns and releases it. Release the
 * callback's reference BEFORE calling this: the callback may release the caller's.
 */
export function deliverResult<V>(
  callback: StartCallback<V>,
  result: Result<V>,
  lifecycle?: ModuleLifecycle | undefined,
): void {
  try {
    callback(result);
  } catch (error) {
    raiseUncaught(error);
  } finally {
    lifecycle?.end();
  }
}

import type { ActionSettlement, ActionSettlementOutcome } from '../action-settlement.js';
import type { EngineError } from '../file-callback.js';
import type { FileAction } from './file-action.js';

/**
 * Tells a canceled action's `onSettled` (ManagerActionOptions.onSettledAfterCancel) what became of it, once, on a
 * microtask: never inside cancel(), and queued before the action counts out, so it runs before whenIdle() resolves.
 */
export function settleCanceled(
  action: FileAction,
  outcome: ActionSettlementOutcome,
  error: EngineError | null,
  result: unknown,
): void {
  const listener = action.onSettled;
  if (listener === undefined) return;
  action.onSettled = undefined;
  const settlement: ActionSettlement = { outcome, error, result };
  queueMicrotask(() => listener(settlement));
}

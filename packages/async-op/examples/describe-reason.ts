// Tutorial code: how to read a cancel reason, whatever copy of async-op or API produced it.
// Compiled and run by test/examples.test.ts; shown in docs/tutorials/08-deadlines-and-reasons.md.
// #region describe-reason
import { cancelKindOf, isCanceledError, isDeadlineError } from 'async-op';

/** Says why an operation ended early, from its reason alone (whatever copy of async-op or API produced it). */
export function describeReason(reason: unknown): string {
  if (!isCanceledError(reason)) return `failed: ${String(reason)}`;
  const origin = (reason as { origin?: unknown }).origin;
  const from = typeof origin === 'string' ? ` (started at "${origin}")` : '';
  if (isDeadlineError(reason)) return `timed out: ${cancelKindOf(reason)}${from}`;
  return `canceled: ${cancelKindOf(reason)}${from}`;
}
// #endregion

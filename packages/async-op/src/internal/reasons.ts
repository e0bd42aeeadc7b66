import { CanceledError, DeadlineExceededError, isDeadlineError, type CancelKind } from '../canceled-error.js';

/**
 * Creates a reason of this package without capturing a stack trace: these reasons are created when first read (or by a
 * timer), where a stack would show the reader or the timer, never the canceller; `kind` and `origin` say where the
 * cancellation came from instead. Capturing stacks made a million reason-less cancels cost seconds.
 */
function createStackless(
  ErrorClass: typeof CanceledError,
  message: string,
  kind: CancelKind,
  origin: string | undefined,
  cause: unknown,
): CanceledError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return cause === undefined
      ? new ErrorClass(message, { kind, origin })
      : new ErrorClass(message, { kind, origin, cause });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function quoted(label: string | undefined): string {
  return label === undefined ? 'The operation' : `The operation "${label}"`;
}

/** The reason of a cancel() that gave none. */
export function explicitReason(label: string | undefined): CanceledError {
  return createStackless(CanceledError, `${quoted(label)} was canceled`, 'explicit', label, undefined);
}

/** The reason of an op whose own deadline passed. */
export function deadlineReason(label: string | undefined): CanceledError {
  return createStackless(DeadlineExceededError, `${quoted(label)} passed its deadline`, 'deadline', label, undefined);
}

/** The origin a derived reason inherits: the parent reason's own origin, else the parent's label. */
function originOf(parentReason: unknown, parentLabel: string | undefined): string | undefined {
  if (parentReason instanceof Error) {
    try {
      const origin = (parentReason as { origin?: unknown }).origin;
      if (typeof origin === 'string') return origin;
    } catch {
      // a hostile getter: fall back to the parent's label
    }
  }
  return parentLabel;
}

/**
 * The reason of a child canceled because the op it follows was canceled: `kind` parent, `cause` the parent's reason,
 * `origin` where the parent's cancellation started. A deadline upstream makes it a DeadlineExceededError, so that
 * `{ signal }` APIs given the child's signal see a timeout.
 */
export function parentReason(label: string | undefined, parentReasonValue: unknown, parentLabel: string | undefined) {
  const origin = originOf(parentReasonValue, parentLabel);
  const from = origin === undefined ? 'its parent' : `"${origin}"`;
  const isDeadline = isDeadlineError(parentReasonValue);
  const message = `${quoted(label)} was canceled by ${from}${isDeadline ? ', which passed its deadline' : ''}`;
  return createStackless(
    isDeadline ? DeadlineExceededError : CanceledError,
    message,
    'parent',
    origin,
    parentReasonValue,
  );
}

import { CanceledError, DeadlineExceededError, isDeadlineError, type AsyncOp } from 'async-op';

/**
 * Makes the lower module's op follow this module's op: a cancel of the upper op (or its deadline) cancels the lower
 * one with a reason of kind `parent` whose `cause` is the upper reason, and the diagnostics tree shows the lower op
 * under the upper one.
 *
 * @param lower - the reference the lower start() returned (its op not finished yet).
 * @param upper - a live reference to this module's op.
 * @returns true if `lower` follows `upper` now (canceled at once, inside this call, if `upper` is canceled already);
 *   false if the lower op already follows a source of its own (a module that made its op follow a signal): then the
 *   caller passes the cancel on itself, with {@link parentReasonOf}, from its cancel implementation.
 * @throws AsyncOpReleasedError if either reference was released.
 * @remarks Synchronous. Following holds no reference; the link is dropped when the lower op completes or is released.
 */
export function followUpper(lower: AsyncOp<unknown>, upper: AsyncOp<unknown>): boolean {
  try {
    lower.follow(upper);
    return true;
  } catch (error) {
    if (lower.isReleased || upper.isReleased) throw error;
    return false;
  }
}

/**
 * The reason to cancel a lower op with, when it cannot follow the upper op ({@link followUpper} returned false): the
 * one following would have given it.
 *
 * @param upper - a live reference to the canceled upper op.
 * @returns a CanceledError of kind `parent` (a DeadlineExceededError when a deadline started the cancellation), whose
 *   `cause` is the upper reason and whose `origin` is where that cancellation started (the upper reason's own origin,
 *   else the upper op's label).
 * @throws AsyncOpReleasedError if `upper` was released.
 * @remarks Synchronous; creates a new error on every call.
 */
export function parentReasonOf(upper: AsyncOp<unknown>): CanceledError {
  const cause = upper.reason;
  const given = (cause as { origin?: unknown } | null | undefined)?.origin;
  const origin = typeof given === 'string' ? given : upper.label;
  const ErrorClass = isDeadlineError(cause) ? DeadlineExceededError : CanceledError;
  const from = origin === undefined ? 'its parent' : `"${origin}"`;
  return new ErrorClass(`The operation was canceled by ${from}`, { kind: 'parent', origin, cause });
}

/**
 * Gives back this module's reference to a lower op whose callback ran. If the lower op was canceled, its work may
 * still be running (a fake cancel reports at once and cleans up when the real completion arrives): the upper op then
 * keeps a reference of its own until the lower op's last reference is released, so that `upper.whenReleased()`
 * resolves only once the work beneath is really over (nothing is taken when this reference is the lower op's last).
 *
 * @param lower - this module's reference to the lower op; released here, once.
 * @param upper - a reference to this module's op (a new reference is taken from it when needed). If it was released
 *   already (the operation delivered its result inside the lower start), only `lower` is released.
 * @throws AsyncOpReleasedError if `lower` was released already.
 * @remarks The release of `lower` is synchronous; the upper op's extra reference (held by "a canceled lower
 *   operation's cleanup") is released in a microtask after the lower op's last release. An op that was not canceled,
 *   or whose work let go of it already, costs nothing more than its release.
 */
export function releaseLower(lower: AsyncOp<unknown>, upper: AsyncOp<unknown>): void {
  // nobody else holds the lower op: this release is its last, and there is nothing to wait for
  if (upper.isReleased || !lower.isCanceled || lower.referenceCount === 1) return lower.release();
  const released = lower.whenReleased();
  const hold = upper.ref("a canceled lower operation's cleanup");
  lower.release();
  void released.then(() => hold.release());
}

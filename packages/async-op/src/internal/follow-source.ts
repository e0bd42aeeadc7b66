import { ChildLink } from './child-link.js';
import {
  cancelOp,
  COMPLETED,
  extrasOf,
  follow,
  isCanceled,
  register,
  RUNNING,
  stateOf,
  upstreamOf,
  type OpRecord,
} from './op-record.js';
import { followSignal } from './signal-fanout.js';

/** Throws if the op already follows a signal or a parent (or recorded one, shielded). */
function checkNotFollowing(record: OpRecord): void {
  if (upstreamOf(record) !== null || record.extras?.more?.shieldedParent != null) {
    throw new Error('This AsyncOp already follows a signal or a parent op');
  }
}

/** AsyncOp.follow(parent op): link into the parent's list, or, for a shielded op, only record the parent. */
export function followParent(record: OpRecord, parent: OpRecord): void {
  checkNotFollowing(record);
  const more = record.extras?.more;
  if (more?.isShielded === true) {
    more.shieldedParent = parent;
    return;
  }
  if (stateOf(record) !== RUNNING) return;
  if (isCanceled(parent)) {
    new ChildLink(record, parent).fire(parent);
  } else if (stateOf(parent) !== COMPLETED) {
    const link = new ChildLink(record, parent);
    register(parent, link);
    follow(record, link);
  }
}

/** AsyncOp.follow(signal): cancel at once if aborted, else join the signal's fan-out (a shielded op ignores it). */
export function followAbortSignal(record: OpRecord, signal: AbortSignal): void {
  checkNotFollowing(record);
  if (record.extras?.more?.isShielded === true || stateOf(record) !== RUNNING) return;
  if (signal.aborted) cancelOp(record, signal.reason);
  else follow(record, followSignal(record, signal));
}

/**
 * Stops a running op that follows a signal following it, as its completion would (a no-op for an op that follows
 * nothing or no longer runs). For an op known to follow a signal: a parent link would be dropped too, where completion
 * keeps it for diagnostics.
 */
export function leaveFollowedSignal(record: OpRecord): void {
  const upstream = upstreamOf(record);
  if (upstream === null || stateOf(record) !== RUNNING) return;
  extrasOf(record).upstream = null;
  upstream.detach();
}

import type { Clock } from '../clock.js';
import { cancelOp, clearDeadlineTimer, moreOf, parentOf, RUNNING, stateOf, type OpRecord } from './op-record.js';
import { deadlineReason } from './reasons.js';

/** The timer's callback: the deadline passed while the op was still running. */
function onDeadline(record: OpRecord): void {
  const more = moreOf(record);
  more.timer = undefined;
  if (stateOf(record) === RUNNING) cancelOp(record, deadlineReason(more.label));
}

/**
 * Sets (or, with Infinity, removes) the op's own deadline on `clock`, replacing any earlier one. The cancel always
 * comes from the clock's timer, never inside this call, even for a deadline that has already passed: the caller may
 * be a start function that has not set up what its cancel implementation needs yet.
 */
export function setDeadline(record: OpRecord, clock: Clock, at: number): void {
  const more = moreOf(record);
  if (more.timer !== undefined) clearDeadlineTimer(more);
  more.clock = clock;
  more.deadline = at;
  if (at === Infinity || stateOf(record) !== RUNNING) return;
  more.timer = clock.setTimer(onDeadline, at - clock.now(), record);
}

/** The op's clock: the one its deadline was set on, else the one given to create(), else undefined. */
export function clockOf(record: OpRecord): Clock | undefined {
  const extras = record.extras;
  return extras === null || extras.more === null ? undefined : (extras.more.clock ?? undefined);
}

/**
 * The earliest deadline that can cancel the op: its own, or one of the ops it follows (on the same clock; a
 * shielded op has only its own). Infinity for none.
 */
export function effectiveDeadlineOf(record: OpRecord): number {
  let at = Infinity;
  const clock = clockOf(record);
  let current: OpRecord | null = record;
  for (let depth = 0; current !== null && depth < 1000; depth++) {
    const more = current.extras?.more;
    if (more != null) {
      if (more.deadline < at && (clock === undefined || more.clock === clock)) at = more.deadline;
      if (more.isShielded) break;
    }
    current = parentOf(current);
  }
  return at;
}

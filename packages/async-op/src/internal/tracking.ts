import { noteTracked } from './observed.js';
import type { OpRecord } from './op-record.js';

/**
 * The hook between AsyncOp references and the leak tracker. `null` (the default) costs one comparison per
 * reference created or released.
 */
export interface ReferenceTracker {
  /** `reference` was created for the op whose record is `record`; `holder` is what ref() was given. */
  created(reference: object, record: OpRecord, holder: string | undefined): void;
  released(reference: object): void;
}

/**
 * The active tracker, read directly by the reference classes (`if (tracker !== null)`): a module variable costs one
 * load and one branch, and keeps their code small enough for V8 to inline.
 */
export let tracker: ReferenceTracker | null = null;

export function setTracker(next: ReferenceTracker | null): void {
  tracker = next;
  noteTracked(next !== null);
}

/** Out of line, so that release() stays small: tells the tracker (which must be on) that `reference` was released. */
export function trackReleased(reference: object): void {
  tracker?.released(reference);
}

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

let current: ReferenceTracker | null = null;

export function getTracker(): ReferenceTracker | null {
  return current;
}

export function setTracker(tracker: ReferenceTracker | null): void {
  current = tracker;
}

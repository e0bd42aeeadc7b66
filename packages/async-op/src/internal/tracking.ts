/**
 * The hook between AsyncOp references and the leak tracker. `null` (the default) costs one comparison per
 * reference created or released.
 */
export interface ReferenceTracker {
  created(reference: object, context: unknown): void;
  released(reference: object): void;
}

let current: ReferenceTracker | null = null;

export function getTracker(): ReferenceTracker | null {
  return current;
}

export function setTracker(tracker: ReferenceTracker | null): void {
  current = tracker;
}

import { LeakTracker, type LiveReference } from 'async-op';

/**
 * A resource check run after every test: returns a description of what the test left behind, or undefined.
 * async-op contributes unreleased references; other packages add their own checks (open descriptors, pending actions).
 */
export type LeakCheck = (mark: number) => string | undefined;

const checks: LeakCheck[] = [];

/** Adds a check to run after every test. */
export function addLeakCheck(check: LeakCheck): void {
  checks.push(check);
}

function describeReferences(references: readonly LiveReference[]): string {
  const lines = references.slice(0, 5).map((reference) => {
    const context = typeof reference.context === 'object' ? 'object context' : String(reference.context);
    return `  - reference #${reference.id} (${context}) created\n      ${reference.createdAt.split('\n').slice(0, 4).join('\n      ')}`;
  });
  if (references.length > 5) lines.push(`  ... and ${references.length - 5} more`);
  return `${references.length} unreleased AsyncOp reference(s):\n${lines.join('\n')}`;
}

addLeakCheck((mark) => {
  const live = LeakTracker.liveReferences(mark);
  if (live.length === 0) return undefined;
  // reported once: forget them so the next test does not inherit this one's leak
  LeakTracker.forget(live);
  return describeReferences(live);
});

/** Runs every check; returns one error describing all leaks, or undefined. */
export function findLeaks(mark: number): Error | undefined {
  const found = checks.map((check) => check(mark)).filter((text): text is string => text !== undefined);
  if (found.length === 0) return undefined;
  const error = new Error(`The test passed but left resources behind:\n${found.join('\n')}`);
  error.name = 'LeakError';
  return error;
}

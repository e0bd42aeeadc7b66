import { LeakTracker, type LiveReference } from 'async-op';
import { openFileDescriptors } from './open-file-descriptors.js';

/**
 * A resource check around every test: begin() before it, end() after it returns what the test left behind (or
 * undefined). Run by the root hook (root-hooks.ts) for every suite.
 */
export interface LeakCheck {
  begin(): void;
  end(): string | undefined;
}

function describeReferences(references: readonly LiveReference[]): string {
  const lines = references.slice(0, 5).map((reference) => {
    const context = typeof reference.context === 'object' ? 'object context' : String(reference.context);
    const stack = reference.createdAt.split('\n').slice(0, 4).join('\n      ');
    return `  - reference #${reference.id} (${context}) created\n      ${stack}`;
  });
  if (references.length > 5) lines.push(`  ... and ${references.length - 5} more`);
  return `${references.length} unreleased AsyncOp reference(s) (an action or operation still pending counts):\n${lines.join('\n')}`;
}

/** AsyncOp references created during the test and not released (pending file actions hold one each). */
const unreleasedReferences: LeakCheck = (() => {
  let mark = 0;
  return {
    begin: () => {
      mark = LeakTracker.mark();
    },
    end: () => {
      const live = LeakTracker.liveReferences(mark);
      if (live.length === 0) return undefined;
      // reported once: forget them so the next test does not inherit this one's leak
      LeakTracker.forget(live);
      return describeReferences(live);
    },
  };
})();

/** Regular files the test opened and left open (from /proc/self/fd; pipes, sockets and devices are ignored). */
const openFiles: LeakCheck = (() => {
  let before = new Map<number, string>();
  return {
    begin: () => {
      before = openFileDescriptors();
    },
    end: () => {
      const leaked = [...openFileDescriptors()].filter(([fd, target]) => before.get(fd) !== target);
      if (leaked.length === 0) return undefined;
      return `${leaked.length} open file descriptor(s): ${leaked.map(([fd, target]) => `${fd} -> ${target}`).join(', ')}`;
    },
  };
})();

const checks: LeakCheck[] = [unreleasedReferences, openFiles];

/** Starts every check; call before each test. */
export function beginLeakChecks(): void {
  for (const check of checks) check.begin();
}

/** Ends every check; returns one error describing all leaks, or undefined. */
export function findLeaks(): Error | undefined {
  const found = checks.map((check) => check.end()).filter((text): text is string => text !== undefined);
  if (found.length === 0) return undefined;
  const error = new Error(`The test passed but left resources behind:\n${found.join('\n')}`);
  error.name = 'LeakError';
  return error;
}

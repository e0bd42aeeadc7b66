import { LeakTracker } from 'async-op';
import type { Context } from 'mocha';
import { configureFastCheck } from './fast-check-config.js';
import { beginLeakChecks, findLeaks } from './leak-check.js';

configureFastCheck();
LeakTracker.enable({
  onCollected: (reference) => {
    console.error(
      `AsyncOp reference #${reference.id} was garbage-collected unreleased; created ${reference.createdAt}`,
    );
  },
});

/**
 * Mocha root hooks shared by every suite: a passing test fails if it left an AsyncOp reference unreleased (a pending
 * file action holds one) or a file descriptor open. What before() hooks create is not counted against a test.
 */
export const mochaHooks = {
  beforeEach(): void {
    beginLeakChecks();
  },
  afterEach(this: Context): void {
    const test = this.currentTest;
    if (test === undefined || test.state !== 'passed') return;
    const leak = findLeaks();
    // Hook#error() makes mocha fail the current test (not the hook), so the rest of the suite still runs
    if (leak !== undefined) (this.test as unknown as { error(error: Error): void }).error(leak);
  },
};

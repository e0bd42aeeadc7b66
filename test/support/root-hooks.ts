import { LeakTracker } from 'async-op';
import { mochaLeakHooks } from 'async-op-race-kit';
import { configureFastCheck } from './fast-check-config.js';

configureFastCheck();
LeakTracker.enable({
  onCollected: (reference) => {
    console.error(
      `AsyncOp reference #${reference.id} was garbage-collected unreleased; created ${reference.createdAt}`,
    );
  },
});

/**
 * Mocha root hooks shared by every suite, the race kit's: a passing test fails if it left an AsyncOp reference
 * unreleased (a pending file action holds one) or a file descriptor open; the rest of the suite still runs.
 */
export const mochaHooks = mochaLeakHooks();

import fc from 'fast-check';
import { describe, it } from 'mocha';
import { poolRaceProperty } from './harness/pool-race-property.js';
import { POOL_STACK_SHAPES } from '../conformance/support/worker-pool-stacks.js';

// The worker pool under fast-check's scheduler, with scripted threads (ScriptedPoolThread: the workers' code on this
// thread, every message in both directions a scheduled task): random interleavings of starts, posts, reports,
// engine completions and faults, cancels (queued, running, seen by a check or the doorbell), closes, thread crashes
// and re-entrant calls from callbacks. Invariants: exactly one callback per successful start; nothing dispatched
// after a cancel while queued, no step after the worker saw the cancel; close() resolves after the callbacks; at the
// end nothing left on either side (AsyncOp references, followers, cancel slots, descriptors, threads).
describe('worker-pool stacks under fast-check scheduler (scripted threads)', () => {
  for (const shape of POOL_STACK_SHAPES) {
    it(`should keep the contract on ${shape}`, async () => {
      await fc.assert(poolRaceProperty([shape]));
    });
  }
});

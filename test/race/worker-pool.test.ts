import { POOL_LOW_LEVEL, POOL_STACKS, stackTitle } from 'async-op-samples';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { poolRaceProperty } from './harness/pool-race-property.js';

// The worker pool under fast-check's scheduler, with scripted threads (ScriptedPoolThread: the workers' code on this
// thread, every message in both directions a scheduled task), by the race kit: random interleavings of starts, posts,
// reports, engine completions (sync, async, held) and faults, cancels (queued, running, seen by a check or the
// doorbell; right after start, scheduled, after N engine completions, from callbacks), closes, thread crashes and
// re-entrant calls from callbacks. Invariants: see poolRaceProperty.
describe('worker-pool stacks under fast-check scheduler (scripted threads)', () => {
  for (const stack of POOL_STACKS) {
    it(`should keep the contract on ${stackTitle(stack, POOL_LOW_LEVEL)}`, async () => {
      await fc.assert(poolRaceProperty([stack]));
    });
  }
});

import { FILE_LOW_LEVELS, FILE_STACKS, isCancelAll, stackTitle } from 'async-op-samples';
import { stackRaceProperty } from 'async-op-samples/race';
import fc from 'fast-check';
import { describe, it } from 'mocha';

// The seven rules of the contract (docs/reference/contract.md) under random interleavings of starts, completions
// (sync, async, held; LL callbacks held and reaped), cancels (right after start, scheduled, after N engine
// completions, from callbacks), closes, retries, faults and re-entrant calls from callbacks, by the race kit; one
// property per stack of the samples' registry, so each of the 26 gets every run
describe('every stack under fast-check scheduler (scripted engine)', () => {
  for (const lowLevel of FILE_LOW_LEVELS) {
    describe(`over ${lowLevel}`, () => {
      for (const stack of FILE_STACKS) {
        it(`should keep the seven rules on ${stackTitle(stack, lowLevel)}`, async () => {
          await fc.assert(stackRaceProperty({ stacks: [stack], lowLevels: [lowLevel] }));
        });
      }

      it('should keep the seven rules on the cancel-all stacks with up to 5 operations', async () => {
        await fc.assert(
          stackRaceProperty({ stacks: FILE_STACKS.filter(isCancelAll), lowLevels: [lowLevel], maxOperations: 5 }),
        );
      });
    });
  }
});

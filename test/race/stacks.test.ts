import fc from 'fast-check';
import { describe, it } from 'mocha';
import { raceProperty } from './harness/race-property.js';
import { LL_VARIANTS, STACK_SHAPES } from './harness/stack-shapes.js';

// The seven rules of the contract (docs/reference/contract.md) under random interleavings of starts, completions (sync and async, held and reaped), cancels, closes,
// retries, faults and re-entrant calls from callbacks; one property per stack, so each of the 26 gets every run
describe('every stack under fast-check scheduler (scripted engine)', () => {
  for (const variant of LL_VARIANTS) {
    describe(`over ll-${variant}-cancel`, () => {
      for (const shape of STACK_SHAPES) {
        it(`should keep the seven rules on ${shape}`, async () => {
          await fc.assert(raceProperty({ shapes: [shape], variants: [variant] }));
        });
      }

      it('should keep the seven rules on the cancel-all stacks with up to 5 operations', async () => {
        await fc.assert(
          raceProperty({
            shapes: STACK_SHAPES.filter((shape) => shape.startsWith('cancel-all')),
            variants: [variant],
            maxOperations: 5,
          }),
        );
      });
    });
  }
});

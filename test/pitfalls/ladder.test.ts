import { LeakTracker } from 'async-op';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { counterexampleSize, describeCounterexample, PITFALLS } from './index.js';

describe('pitfall ladder', () => {
  it('should hold at least 10 variants, each with its own file name', () => {
    expect(PITFALLS.length).to.be.at.least(10);
    expect(new Set(PITFALLS.map((pitfall) => pitfall.name)).size).to.equal(PITFALLS.length);
  });

  for (const pitfall of PITFALLS) {
    describe(pitfall.name, () => {
      it('should fail its race property with the broken variant', async () => {
        const mark = LeakTracker.mark();
        const details = await fc.check(pitfall.property(pitfall.makeModule));
        // the variant leaks on purpose: forget what it left so the root leak check judges only the assertions
        LeakTracker.forget(LeakTracker.liveReferences(mark));
        expect(details.failed, `${pitfall.name} passed ${details.numRuns} runs`).to.equal(true);
        const counterexample = details.counterexample as NonNullable<typeof details.counterexample>;
        const message = details.errorInstance instanceof Error ? details.errorInstance.message : '';
        console.log(
          `      ${pitfall.name}: caught after ${details.numRuns} run(s), ${details.numShrinks} shrink(s), ` +
            `${counterexampleSize(counterexample)} task(s)\n` +
            `      ${describeCounterexample(counterexample).replace(/\n/g, '\n      ')}\n` +
            `      ${message.replace(/\n/g, '\n      ')}`,
        );
      });

      it('should pass the same property with the real module', async () => {
        const details = await fc.check(pitfall.property({}));
        expect(details.failed, fc.defaultReportMessage(details)).to.equal(false);
      });
    });
  }
});

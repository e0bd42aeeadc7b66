import { LeakTracker } from 'async-op';
import { counterexampleSize, describeCounterexample, PITFALLS, type StackRaceScenario } from 'async-op-samples/race';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';

function messageOf(details: { readonly errorInstance?: unknown }): string {
  return details.errorInstance instanceof Error ? details.errorInstance.message : '';
}

// Each pitfall proves three things, all with the seed of this run (printed first, FC_SEED to replay): the broken
// variant fails its property with the named symptom; the unmodified copy it extends (the control) passes the same
// property, including the very case the variant failed on; the real sample passes it too
describe('pitfall ladder', () => {
  it('should hold at least 10 variants, each with its own file name', () => {
    expect(PITFALLS.length).to.be.at.least(10);
    expect(new Set(PITFALLS.map((pitfall) => pitfall.name)).size).to.equal(PITFALLS.length);
  });

  for (const pitfall of PITFALLS) {
    describe(pitfall.name, () => {
      it('should fail its race property with the broken variant, showing its symptom, where the copy passes', async () => {
        const mark = LeakTracker.mark();
        const details = await fc.check(pitfall.property(pitfall.broken));
        // the variant leaks on purpose: forget what it left so the root leak check judges only the assertions
        LeakTracker.forget(LeakTracker.liveReferences(mark));
        expect(details.failed, `${pitfall.name} passed ${details.numRuns} runs`).to.equal(true);
        const counterexample = details.counterexample as [fc.Scheduler, StackRaceScenario];
        const message = messageOf(details);
        console.log(
          `      ${pitfall.name}: caught after ${details.numRuns} run(s), ${details.numShrinks} shrink(s), ` +
            `${counterexampleSize(counterexample)} task(s)\n` +
            `      ${describeCounterexample(counterexample).replace(/\n/g, '\n      ')}\n` +
            `      ${message.split('\n').slice(0, 6).join('\n      ')}`,
        );
        expect(message, `the counterexample does not show the symptom ${String(pitfall.symptom)}`).to.match(
          pitfall.symptom,
        );
        // the same generated case (seed and path) with the unmodified copy: it holds, so the mistake made the failure
        const path = details.counterexamplePath;
        const replay = await fc.check(pitfall.property(pitfall.control), {
          seed: details.seed,
          endOnFailure: true,
          ...(path === null ? {} : { path }),
        });
        expect(replay.failed, `the control fails the variant's case: ${messageOf(replay)}`).to.equal(false);
      });

      it('should pass the same property with the unmodified copy (the control)', async () => {
        const details = await fc.check(pitfall.property(pitfall.control));
        expect(details.failed, fc.defaultReportMessage(details)).to.equal(false);
      });

      it('should pass the same property with the real sample', async () => {
        const details = await fc.check(pitfall.property({}));
        expect(details.failed, fc.defaultReportMessage(details)).to.equal(false);
      });
    });
  }
});

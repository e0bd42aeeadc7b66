import { LeakTracker } from 'async-op';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { CopyModule, type CopyOutcome, type CopyRequest } from '../examples/copy-module.js';
import { moduleRaceProperty, type ModuleRaceOptions } from '../src/index.js';
import {
  CallsBackTwice,
  CanceledAfterLink,
  ClosesBeforeCallbacks,
  KeepsCopyingAfterCancel,
  LeaksCallbackReference,
  LeavesInputOpen,
  NeverCallsBackOnCancel,
  RefusesAfterStarting,
  ThrowsWhereNobodyCatches,
} from './support/broken-copy-modules.js';

type CopyRace = ModuleRaceOptions<CopyRequest, CopyOutcome>;

/** The race of a copy module: each operation copies `in` (3 to 24 bytes, chunks of 4) to `out` in its directory. */
function copyRace(Module: typeof CopyModule, options: Partial<CopyRace> = {}): ReturnType<typeof moduleRaceProperty> {
  return moduleRaceProperty<CopyRequest, CopyOutcome>({
    createModule: ({ manager }) => new Module(manager),
    setup: ({ engine, directory, size }) => engine.writeFile(`${directory}/in`, 'x'.repeat(size * 3)),
    request: ({ directory }) => ({ from: `${directory}/in`, to: `${directory}/out`, chunkSize: 4 }),
    expectedFiles: ({ outcomes }) => (outcomes[0]?.status === 'ok' ? ['in', 'out'] : ['in']),
    ...options,
  });
}

/** Runs the race of a broken module; returns its minimal counterexample's message (the leaks it made forgotten). */
async function failureOf(
  Module: typeof CopyModule,
  options: Partial<CopyRace> = {},
  numRuns?: number,
): Promise<string> {
  const mark = LeakTracker.mark();
  const details = await fc.check(copyRace(Module, options), numRuns === undefined ? {} : { numRuns });
  LeakTracker.forget(LeakTracker.liveReferences(mark));
  expect(details.failed, `${Module.name} passed ${details.numRuns} runs`).to.equal(true);
  return details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
}

interface BrokenCase {
  readonly Module: typeof CopyModule;
  readonly invariant: string;
  readonly symptom: RegExp;
  /** Narrows the scenarios, for a mistake with a narrow window. */
  readonly options?: Partial<CopyRace>;
  /** Runs enough to find a narrow window every time (the default count is the suite's). */
  readonly numRuns?: number;
}

const BROKEN: readonly BrokenCase[] = [
  { Module: CallsBackTwice, invariant: 'exactly one callback per start', symptom: /op\d+ called back 2 time\(s\)/ },
  {
    Module: NeverCallsBackOnCancel,
    invariant: 'a callback for every start that returned',
    symptom: /op\d+ called back 0 time\(s\)/,
  },
  {
    Module: RefusesAfterStarting,
    invariant: 'no callback for a start that threw',
    symptom: /called back 1 time\(s\) \(\w+\) though its start threw/,
  },
  {
    Module: KeepsCopyingAfterCancel,
    invariant: 'nothing started after cancel',
    symptom: /op\d+: \w+ \(.*\) was started after the op was canceled/,
  },
  { Module: LeavesInputOpen, invariant: 'every descriptor closed', symptom: /1 descriptor\(s\) left open/ },
  {
    Module: LeaksCallbackReference,
    invariant: 'every AsyncOp reference released',
    symptom: /\d+ AsyncOp reference\(s\) left unreleased/,
  },
  {
    // the window is the two closes after the link: a cancel after N engine completions lands there at once
    Module: CanceledAfterLink,
    invariant: 'no stray files',
    // the cancel that lands in the window: after N completions, or one made by another op's callback (re-entry)
    symptom:
      /op\d+, that ended canceled, left \[in, out\], not \[in\](.*\n)*.*cancel op\d+ \((after \d+ engine completion|from op\d+'s callback)/,
    options: { cancels: ['after-completions'] },
    // about one run in thirty lands in the window: 100 runs miss it about once in thirty suites, 1,000 runs with odds
    // below 1e-12
    numRuns: 1000,
  },
  {
    Module: ThrowsWhereNobodyCatches,
    invariant: 'nothing thrown where nobody can catch it',
    symptom: /an uncaught exception: Error: raised where nobody can catch it/,
  },
  {
    Module: ClosesBeforeCallbacks,
    invariant: 'close() only after the callbacks',
    symptom: /copy\.close\(\) resolved before op\d+ called back/,
  },
];

describe('moduleRaceProperty()', () => {
  it('should pass a correct module of the user (the example CopyModule)', async () => {
    await fc.assert(copyRace(CopyModule));
  });

  for (const { Module, invariant, symptom, options, numRuns } of BROKEN) {
    it(`should catch ${Module.name} by "${invariant}"`, async () => {
      expect(await failureOf(Module, options, numRuns)).to.match(symptom);
    });
  }

  it('should report what broke, the scenario and the log of the run, in order', async () => {
    const message = await failureOf(CallsBackTwice);
    const lines = message.split('\n');
    expect(lines[0]).to.match(/^the race broke \d+ invariant\(s\):$/);
    expect(lines).to.include('scenario:');
    const log = lines.slice(lines.findIndex((line) => line.startsWith('what happened, in order')) + 1);
    // numbered from 1 in order; the first entry may be a close or open of the module the scenario makes first
    const numbers = log.map((line) => /^ +(\d+)\. /.exec(line)?.[1]).filter((number) => number !== undefined);
    expect(numbers.map(Number)).to.deep.equal(numbers.map((_, index) => index + 1));
    expect(numbers.length).to.be.greaterThan(1);
    expect(log.some((line) => /^ +\d+\. start op\d+$/.test(line))).to.equal(true);
    expect(log.some((line) => /^ +\d+\. op\d+ called back: \w+$/.test(line))).to.equal(true);
  });
});

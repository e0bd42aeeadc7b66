import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { assertRace, DEFAULT_RACE_RUNS, raceParameters } from '../src/index.js';

describe('raceParameters()', () => {
  it('should take the seed and the runs from FC_SEED and FC_RUNS', () => {
    expect(raceParameters({ FC_SEED: '-42', FC_RUNS: '7' })).to.deep.equal({ seed: -42, numRuns: 7 });
  });

  it('should pick a random integer seed and the default runs when they are not set', () => {
    const { seed, numRuns } = raceParameters({});
    expect(Number.isSafeInteger(seed)).to.equal(true);
    expect(numRuns).to.equal(DEFAULT_RACE_RUNS);
  });

  it('should refuse a variable that is not an integer, naming it and the value', () => {
    for (const [name, value] of [
      ['FC_SEED', '1.5'],
      ['FC_SEED', 'abc'],
      ['FC_RUNS', 'NaN'],
      ['FC_RUNS', 'Infinity'],
      ['FC_RUNS', String(2 ** 53)],
    ] as const) {
      expect(() => raceParameters({ [name]: value }), `${name}=${value}`).to.throw(
        RangeError,
        `Expected the environment variable ${name} to be an integer, got \`${value}\``,
      );
    }
    expect(() => raceParameters({ FC_RUNS: '0' })).to.throw(RangeError, 'Expected FC_RUNS to be >= 1, got `0`');
  });
});

describe('assertRace()', () => {
  it('should print the seed first and run with it', async () => {
    const lines: string[] = [];
    const seen: number[] = [];
    const property = fc.asyncProperty(fc.integer(), async (value) => {
      seen.push(value);
    });
    await assertRace(property, { seed: 1234, numRuns: 3 }, (line) => lines.push(line));
    expect(lines).to.deep.equal(['race: seed 1234, 3 runs (replay: FC_SEED=1234)']);
    const again: number[] = [];
    await fc.assert(
      fc.asyncProperty(fc.integer(), async (value) => {
        again.push(value);
      }),
      { seed: 1234, numRuns: 3 },
    );
    expect(seen).to.deep.equal(again);
  });

  it('should reject with the failure and the seed when a run fails', async () => {
    const property = fc.asyncProperty(fc.integer(), async () => {
      throw new Error('broken on purpose');
    });
    let failure: unknown;
    await assertRace(property, { seed: 99 }, () => undefined).catch((error: unknown) => (failure = error));
    expect(String(failure)).to.contain('seed: 99');
    // fast-check keeps the run's own error as the cause (mocha and Node print it as "Caused by")
    expect(String((failure as { cause?: unknown }).cause)).to.contain('broken on purpose');
  });
});

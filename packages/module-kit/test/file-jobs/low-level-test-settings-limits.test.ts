import { expect } from 'chai';
import { describe, it } from 'mocha';
import { LowLevelTestSettings, type ScriptedOutcome } from '../../src/index.js';

describe('LowLevelTestSettings limits', () => {
  describe('argument checks', () => {
    const bad: readonly [string, (settings: LowLevelTestSettings) => unknown, typeof Error, string][] = [
      ['reportRetryable(Infinity)', (s) => s.reportRetryable(Infinity), RangeError, 'got `Infinity` (number)'],
      ['reportRetryable(-1)', (s) => s.reportRetryable(-1), RangeError, 'got `-1` (number)'],
      ['reportRetryable(1.5)', (s) => s.reportRetryable(1.5), RangeError, 'got `1.5` (number)'],
      ["reportRetryable('2')", (s) => s.reportRetryable('2' as never), TypeError, 'got `"2"` (string)'],
      ['reportRetryable(2^31)', (s) => s.reportRetryable(2 ** 31), RangeError, 'got `2147483648` (number)'],
      ['delayNext(NaN)', (s) => s.delayNext(Number.NaN), RangeError, 'got `NaN` (number)'],
      ['delayNext(2^31), which Node would clamp to 1 ms', (s) => s.delayNext(2 ** 31), RangeError, '`outcome.delayMs`'],
      ['completionDelayMs = -1', (s) => (s.completionDelayMs = -1), RangeError, '`completionDelayMs`'],
      ["completionDelayMs = '5'", (s) => (s.completionDelayMs = '5' as never), TypeError, 'got `"5"` (string)'],
      ['push(null)', (s) => s.push(null as never), TypeError, 'got `null`'],
      ["push({ sync: 'yes' })", (s) => s.push({ sync: 'yes' } as never), TypeError, '`outcome.sync`'],
      ['push({ sync: true }) without a result', (s) => s.push({ sync: true }), TypeError, '`outcome.result`'],
      ['push({ hang: 1 })', (s) => s.push({ hang: 1 } as never), TypeError, '`outcome.hang`'],
      [
        "push({ result: { status: 'done' } })",
        (s) => s.push({ result: { status: 'done' } } as never),
        TypeError,
        '`outcome.result.status`',
      ],
      [
        "push({ result: { status: 'ok' } }) without a value",
        (s) => s.push({ result: { status: 'ok' } } as never),
        TypeError,
        '`outcome.result.value`',
      ],
      [
        "push({ result: { status: 'canceled' } })",
        (s) => s.push({ result: { status: 'canceled', error: new Error('x') } }),
        TypeError,
        'only cancel() reports that',
      ],
      ['completeNextSynchronously(5)', (s) => s.completeNextSynchronously(5 as never), TypeError, 'got `5` (number)'],
    ];
    for (const [title, call, type, fragment] of bad) {
      it(`should refuse ${title} with a ${type.name}, queueing nothing`, () => {
        const settings = new LowLevelTestSettings().hangNext();
        expect(() => call(settings)).to.throw(type, fragment);
        expect(settings.queuedCount).to.equal(1);
        expect(settings.completionDelayMs).to.equal(0);
      });
    }

    it('should queue nothing when one outcome of several is bad', () => {
      const settings = new LowLevelTestSettings();
      expect(() => settings.push({ hang: true }, { delayMs: -5 })).to.throw(RangeError);
      expect(settings.queuedCount).to.equal(0);
    });
  });

  describe('take()', () => {
    it('should hand out outcomes first in, first out, across the bulk drop of taken ones', () => {
      const settings = new LowLevelTestSettings();
      const outcomes: ScriptedOutcome[] = Array.from({ length: 5000 }, (_, index) => ({ delayMs: index }));
      settings.push(...outcomes.slice(0, 3000));
      const taken: (ScriptedOutcome | undefined)[] = [];
      for (let i = 0; i < 2500; i++) taken.push(settings.take());
      settings.push(...outcomes.slice(3000));
      while (settings.queuedCount > 0) taken.push(settings.take());
      expect(taken).to.deep.equal(outcomes);
      expect(settings.take()).to.equal(undefined);
      settings.hangNext();
      expect(settings.take()).to.deep.equal({ hang: true });
    });

    it('should report retryable a million times without running out of memory, and refuse more', () => {
      const settings = new LowLevelTestSettings().reportRetryable(1_000_000);
      expect(settings.queuedCount).to.equal(1_000_000);
      expect(() => settings.hangNext()).to.throw(RangeError, 'at most 1000000 queued outcomes');
      expect(settings.take()?.result?.status).to.equal('error-can-retry');
    });
  });
});

import { ManualClock, systemClock } from 'async-op';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { LowLevelTestSettings, MAX_SCRIPTED_OUTCOMES } from '../../src/file-jobs/low-level-test-settings.js';
import { edgeNumbers, expectRefusal } from '../support/hostile.js';

describe('LowLevelTestSettings', () => {
  it('should queue checked, frozen copies of the outcomes, consumed in order', () => {
    const outcome = { delayMs: 5 };
    const settings = new LowLevelTestSettings().push(outcome).completeNextSynchronously().hangNext().reportRetryable(2);
    outcome.delayMs = 99;
    expect(settings.queuedCount).to.equal(5);
    const first = settings.take();
    expect(first).to.deep.equal({ delayMs: 5 });
    expect(Object.isFrozen(first)).to.equal(true);
    expect(settings.take()).to.deep.equal({ sync: true, result: { status: 'ok', value: { bytes: 0 } } });
    expect(settings.take()).to.deep.equal({ hang: true });
    expect(settings.take()?.result?.status).to.equal('error-can-retry');
    expect(settings.take()?.result?.error).to.have.property('code', 'EAGAIN');
    expect(settings.take()).to.equal(undefined);
  });

  it('should run its delays on the clock it is given (real time by default), and refuse what is not a clock', () => {
    expect(new LowLevelTestSettings().clock).to.equal(systemClock);
    const clock = new ManualClock();
    expect(new LowLevelTestSettings({ clock }).clock).to.equal(clock);
    expectRefusal(() => new LowLevelTestSettings(null as never), 'options', null);
    for (const bad of [1, {}, { now: () => 0 }, 'clock']) {
      expectRefusal(() => new LowLevelTestSettings({ clock: bad as never }), 'options.clock', bad);
    }
  });

  it('should refuse outcomes of the wrong shape, queuing nothing of the call', () => {
    const settings = new LowLevelTestSettings();
    const bad: [unknown, string, unknown][] = [
      [null, 'outcome', null],
      [{ sync: 'yes', result: { status: 'ok' } }, 'outcome.sync', 'yes'],
      [{ hang: 1 }, 'outcome.hang', 1],
      [{ result: 'ok' }, 'outcome.result', 'ok'],
      [{ result: { status: 'done' } }, 'outcome.result.status', 'done'],
      ...edgeNumbers
        .filter((n) => !Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1)
        .map((delayMs): [unknown, string, unknown] => [{ delayMs }, 'outcome.delayMs', delayMs]),
    ];
    for (const [outcome, name, value] of bad) {
      expectRefusal(() => settings.push({ delayMs: 1 }, outcome as never), name, value);
    }
    expect(() => settings.push({ result: { status: 'canceled', error: 'x' } })).to.throw(TypeError, 'only cancel()');
    expect(() => settings.push({ sync: true })).to.throw(TypeError, 'a synchronous outcome reports a result');
    expect(settings.queuedCount).to.equal(0);
  });

  it('should check completionDelayMs, delayNext() and reportRetryable() counts', () => {
    const settings = new LowLevelTestSettings();
    settings.completionDelayMs = 2 ** 31 - 1;
    expect(settings.completionDelayMs).to.equal(2 ** 31 - 1);
    for (const value of [-1, 2 ** 31, Number.NaN, Infinity, 0.5]) {
      expectRefusal(() => (settings.completionDelayMs = value), 'completionDelayMs', value);
      expectRefusal(() => settings.delayNext(value), 'outcome.delayMs', value);
    }
    for (const times of [-1, MAX_SCRIPTED_OUTCOMES + 1, 2 ** 32, Number.NaN, 1.5]) {
      expectRefusal(() => settings.reportRetryable(times), 'times', times);
    }
    expect(settings.reportRetryable(0).queuedCount).to.equal(0);
  });
});

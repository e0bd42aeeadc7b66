import { ManualClock } from 'async-op';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { delay } from '../src/delay.js';
import { expectRefusal } from './support/hostile.js';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('delay()', () => {
  it('should resolve when the clock passes the time, not before, and leave no timer', async () => {
    const clock = new ManualClock();
    let isDone = false;
    const waited = delay(3_600_000, { clock }).then(() => (isDone = true));
    clock.advance(3_599_999);
    await settle();
    expect(isDone).to.equal(false);
    clock.advance(1);
    await waited;
    expect(clock.pendingTimers).to.equal(0);
  });

  it('should reject with signal.reason when the signal aborts, clearing the timer', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const waited = delay(1_000, { clock, signal: controller.signal });
    controller.abort('stop');
    let error: unknown;
    await waited.catch((e: unknown) => (error = e));
    expect(error).to.equal('stop');
    expect(clock.pendingTimers).to.equal(0);
    error = undefined;
    await delay(1, { clock, signal: controller.signal }).catch((e: unknown) => (error = e));
    expect(error).to.equal('stop');
    expect(clock.pendingTimers).to.equal(0);
  });

  it('should wait on real time by default', async () => {
    const started = performance.now();
    await delay(2);
    expect(performance.now() - started).to.be.at.least(1);
  });

  it('should refuse bad arguments synchronously, naming the value', () => {
    for (const bad of [-1, Number.NaN, '1']) expectRefusal(() => delay(bad as never), 'ms', bad);
    expectRefusal(() => delay(1, null as never), 'options', null);
    expectRefusal(() => delay(1, { clock: {} as never }), 'options.clock', {});
    expectRefusal(() => delay(1, { signal: 'x' as never }), 'options.signal', 'x');
  });
});

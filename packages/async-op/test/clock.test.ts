import { expect } from 'chai';
import fc from 'fast-check';
import { afterEach, describe, it } from 'mocha';
import sinon from 'sinon';
import { AsyncOp, MAX_TIMER_DELAY_MS, ManualClock, SystemClock } from '../src/index.js';

describe('SystemClock', () => {
  afterEach(() => sinon.restore());

  it('should run a timer longer than 2^31-1 ms at its time, never handing setTimeout() a longer delay', () => {
    const fake = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const spy = sinon.spy(globalThis, 'setTimeout');
    const clock = new SystemClock();
    const fired = sinon.spy();
    const weeks = 6 * 7 * 24 * 3_600_000; // about 3.6e9 ms: more than 2^31-1
    clock.setTimer(fired, weeks, 'arg');
    fake.tick(MAX_TIMER_DELAY_MS);
    sinon.assert.notCalled(fired);
    fake.tick(weeks - MAX_TIMER_DELAY_MS - 1);
    sinon.assert.notCalled(fired);
    fake.tick(1);
    sinon.assert.calledOnceWithExactly(fired, 'arg');
    expect(spy.callCount).to.be.greaterThan(1);
    for (const call of spy.getCalls()) expect(call.args[1]).to.be.at.most(MAX_TIMER_DELAY_MS);
  });

  it('should cancel an op at a deadline weeks away on time, and clear the chain when the op completes', () => {
    const fake = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const spy = sinon.spy(globalThis, 'setTimeout');
    const op = AsyncOp.create({ context: null, timeoutMs: 2 ** 32, clock: new SystemClock() });
    fake.tick(2 ** 32 - 1);
    expect(op.isCanceled).to.equal(false);
    fake.tick(1);
    expect(op.isCanceled).to.equal(true);
    for (const call of spy.getCalls()) expect(call.args[1]).to.be.at.most(MAX_TIMER_DELAY_MS);
    op.release();
    const other = AsyncOp.create({ context: null, timeoutMs: 2 ** 33, clock: new SystemClock() });
    other.complete();
    expect(fake.countTimers()).to.equal(0);
    other.release();
  });

  it('should never hand setTimeout() a delay above 2^31-1 ms, whatever the delay (property)', () => {
    const fake = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const spy = sinon.spy(globalThis, 'setTimeout');
    const clock = new SystemClock();
    fc.assert(
      fc.property(fc.double({ noNaN: true, min: -1e12, max: 1e12 }), (delay) => {
        const handle = clock.setTimer(() => undefined, delay, undefined);
        clock.clearTimer(handle);
      }),
    );
    for (const call of spy.getCalls()) {
      expect(call.args[1]).to.be.a('number').and.to.be.at.least(0).and.at.most(MAX_TIMER_DELAY_MS);
    }
    expect(fake.countTimers()).to.equal(0);
  });

  it('should refuse NaN and non-number delays and bad options, naming the value', () => {
    const clock = new SystemClock();
    expect(() => clock.setTimer(() => undefined, Number.NaN, undefined)).to.throw(RangeError, '`NaN` (number)');
    expect(() => clock.setTimer(() => undefined, '5' as never, undefined)).to.throw(TypeError, '`"5"` (string)');
    expect(() => new SystemClock({ keepsProcessAlive: 'yes' as never })).to.throw(TypeError, '`"yes"` (string)');
  });
});

describe('ManualClock', () => {
  it('should run timers in time order (ties in the order set), each with now() at its own time', () => {
    const clock = new ManualClock({ startMs: 100 });
    const order: string[] = [];
    const record = (name: string) => () => order.push(`${name}@${clock.now()}`);
    clock.setTimer(record('b'), 20, undefined);
    clock.setTimer(record('a'), 10, undefined);
    clock.setTimer(record('c'), 20, undefined);
    const cleared = clock.setTimer(record('x'), 15, undefined);
    clock.clearTimer(cleared);
    expect(clock.pendingTimers).to.equal(3);
    expect(clock.advance(25)).to.equal(3);
    expect(order).to.deep.equal(['a@110', 'b@120', 'c@120']);
    expect(clock.now()).to.equal(125);
  });

  it('should run a timer set by a running timer in the same advance() if it is due by then', () => {
    const clock = new ManualClock();
    const order: number[] = [];
    clock.setTimer(
      () => {
        order.push(clock.now());
        clock.setTimer(() => order.push(clock.now()), 5, undefined);
      },
      5,
      undefined,
    );
    clock.advance(20);
    expect(order).to.deep.equal([5, 10]);
  });

  it('should jump to the next deadline with runToNextDeadline()', () => {
    const clock = new ManualClock();
    expect(clock.runToNextDeadline()).to.equal(false);
    const fired = sinon.spy();
    clock.setTimer(fired, 3_600_000, 'x');
    expect(clock.nextDeadline).to.equal(3_600_000);
    expect(clock.runToNextDeadline()).to.equal(true);
    sinon.assert.calledOnceWithExactly(fired, 'x');
    expect(clock.now()).to.equal(3_600_000);
  });

  it('should auto-advance to the next deadline once the process is idle, and keep no turn armed after', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const op = AsyncOp.create({ context: null, clock, timeoutMs: 3_600_000 });
    const ended = new Promise((resolve) => op.onCancel(resolve));
    expect(await ended).to.include({ kind: 'deadline' });
    expect(clock.now()).to.equal(3_600_000);
    op.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(process.getActiveResourcesInfo()).to.not.include('Immediate');
  });

  it('should not auto-advance while isIdle() says the test has work pending', async () => {
    let isBusy = true;
    const clock = new ManualClock({ autoAdvance: true, isIdle: () => !isBusy });
    const fired = sinon.spy();
    clock.setTimer(fired, 10, undefined);
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    sinon.assert.notCalled(fired);
    isBusy = false;
    for (let turn = 0; turn < 3 && !fired.called; turn++) await new Promise((resolve) => setImmediate(resolve));
    sinon.assert.calledOnce(fired);
  });

  it('should refuse bad times naming the value', () => {
    const clock = new ManualClock();
    for (const bad of [-1, Number.NaN, Infinity, -Infinity]) {
      expect(() => clock.advance(bad)).to.throw(RangeError, String(bad));
    }
    expect(() => clock.advance('1' as never)).to.throw(TypeError, '`"1"` (string)');
    expect(() => new ManualClock({ startMs: Number.NaN })).to.throw(RangeError, 'NaN');
  });
});

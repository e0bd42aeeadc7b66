import { ManualClock, cancelKindOf } from 'async-op';
import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import sinon from 'sinon';
import { ModuleClosedError, RetryModule, type FileJobRequest, type FileJobValue, sampleLabel } from '../src/index.js';
import { LL_VARIANTS, recorder, scriptedStack, shutDown, type ScriptedStack } from './support/stack.js';

/** A manual clock that records the delay of every timer set on it. */
class RecordingClock extends ManualClock {
  readonly delays: number[] = [];

  override setTimer<A>(callback: (argument: A) => void, delayMs: number, argument: A): unknown {
    this.delays.push(delayMs);
    return super.setTimer(callback, delayMs, argument);
  }
}

describe(sampleLabel('ml-retries'), () => {
  it('should reject bad options', () => {
    const { ll, manager } = scriptedStack('ll-real-cancel');
    expect(() => new RetryModule({ lower: ll, maxAttempts: 0 })).to.throw(RangeError, /maxAttempts/);
    expect(() => new RetryModule({ lower: ll, baseDelayMs: -1 })).to.throw(RangeError, /baseDelayMs/);
    expect(() => new RetryModule({ lower: {} as never })).to.throw(TypeError, /options\.lower/);
    return shutDown(manager, [ll]);
  });

  it('should refuse a delay above 2^31-1 ms (a Node timer would fire after 1 ms), naming the value', () => {
    const { ll, manager } = scriptedStack('ll-real-cancel');
    for (const name of ['baseDelayMs', 'maxDelayMs'] as const) {
      expect(() => new RetryModule({ lower: ll, [name]: 2 ** 31 })).to.throw(RangeError, /`2147483648` \(number\)/);
      expect(() => new RetryModule({ lower: ll, [name]: 2 ** 32 })).to.throw(RangeError, new RegExp(name));
      expect(() => new RetryModule({ lower: ll, [name]: 2 ** 31 - 1 })).to.not.throw();
    }
    return shutDown(manager, [ll]);
  });

  it('should refuse NaN, infinities, negative and fractional numbers, and non-numbers, in every option', () => {
    const { ll, manager } = scriptedStack('ll-real-cancel');
    for (const name of ['maxAttempts', 'baseDelayMs', 'maxDelayMs'] as const) {
      for (const bad of [Number.NaN, Infinity, -Infinity, -1, 1.5, 2 ** 53]) {
        expect(() => new RetryModule({ lower: ll, [name]: bad }), `${name}: ${bad}`).to.throw(RangeError, name);
      }
      for (const bad of ['10', null, 10n, {}]) {
        expect(() => new RetryModule({ lower: ll, [name]: bad as never }), `${name}: ${String(bad)}`).to.throw(
          TypeError,
          name,
        );
      }
    }
    return shutDown(manager, [ll]);
  });

  it('should give every backoff timer an integer delay within 2^31-1 ms, however many attempts', async () => {
    const { ll, manager, settings } = scriptedStack('ll-real-cancel');
    const attempts = 1100;
    for (let i = 0; i < attempts; i++) {
      settings.completeNextSynchronously({ status: 'error-can-retry', error: new Error('scripted') });
    }
    const clock = new RecordingClock();
    // base 0: with 2^(attempts - 1) unbounded, attempt 1026 would wait 0 * Infinity = NaN ms
    const ml = new RetryModule({ lower: ll, maxAttempts: attempts, baseDelayMs: 0, clock });
    ml.open();
    const job = recorder<FileJobValue>();
    ml.start({ kind: 'unlink', path: '/data/a' }, job.callback).release();
    // each wait is a timer on the module's clock: run them one after the other, no real time passes
    while (clock.runToNextDeadline());
    expect((await job.result).status).to.equal('error');
    expect(clock.delays).to.have.length(attempts - 1);
    expect(clock.delays.filter((ms) => !Number.isInteger(ms) || ms > 2 ** 31 - 1)).to.deep.equal([]);
    await shutDown(manager, [ml, ll]);
  });

  it('should wait base * 2^(n-1) ms on its clock, at most maxDelayMs, and start no attempt before', async () => {
    const { ll, manager, settings } = scriptedStack('ll-real-cancel');
    for (let i = 0; i < 4; i++) {
      settings.completeNextSynchronously({ status: 'error-can-retry', error: new Error('EAGAIN') });
    }
    const clock = new RecordingClock();
    const ml = new RetryModule({ lower: ll, baseDelayMs: 100, maxDelayMs: 300, clock });
    ml.open();
    const start = sinon.spy(ll, 'start');
    const job = recorder<FileJobValue>();
    ml.start({ kind: 'unlink', path: '/data/a' }, job.callback).release();
    // each attempt reports at once; only the clock moves the module on, one wait at a time
    for (const [index, due] of [100, 300, 600, 900].entries()) {
      expect(start.callCount).to.equal(index + 1);
      clock.advance(due - clock.now() - 1);
      expect(start.callCount, 'no attempt before its time').to.equal(index + 1);
      clock.advance(1);
    }
    // the fifth attempt is the real unlink of a missing file: a permanent error
    expect((await job.result).status).to.equal('error');
    expect(clock.delays).to.deep.equal([100, 200, 300, 300]);
    expect(clock.now()).to.equal(900);
    expect(start.callCount).to.equal(5);
    await shutDown(manager, [ml, ll]);
  });

  for (const variant of LL_VARIANTS) {
    describe(`over ${variant}`, () => {
      let stack: ScriptedStack | undefined;
      let ml: RetryModule<FileJobRequest, FileJobValue>;

      /** The clock of the backoff (the LL's scripted delays stay on real time: 0 ms, a later turn). */
      let clock: ManualClock;

      /** By default the clock jumps to the next wait whenever nothing else is pending; `manual`: the test moves it. */
      function build(
        options: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number; isManual?: boolean } = {},
      ): ScriptedStack {
        const built = scriptedStack(variant);
        stack = built;
        const { isManual = false, ...retryOptions } = options;
        clock = new ManualClock({ autoAdvance: !isManual });
        ml = new RetryModule({ lower: built.ll, baseDelayMs: 0, clock, ...retryOptions });
        ml.open();
        return built;
      }

      afterEach(async () => {
        sinon.restore();
        if (stack !== undefined) await shutDown(stack.manager, [ml, stack.ll]);
        stack = undefined;
      });

      it('should repeat while the LL reports error-can-retry, then deliver the result', async () => {
        const { settings, ll, engine } = build();
        const start = sinon.spy(ll, 'start');
        settings.reportRetryable(2);
        const job = recorder<FileJobValue>();
        ml.start({ kind: 'write-file', path: '/data/a', data: Buffer.from('abc') }, job.callback).release();
        expect(await job.result).to.deep.equal({ status: 'ok', value: { bytes: 3 } });
        expect(start.callCount).to.equal(3);
        expect(engine.readFile('/data/a')?.toString()).to.equal('abc');
      });

      it('should retry real EAGAIN errors of the engine', async () => {
        const built = scriptedStack(variant, {
          inject: (call) => (call.kind === 'unlink' && ++failures <= 2 ? 'EAGAIN' : undefined),
        });
        let failures = 0;
        stack = built;
        ml = new RetryModule({ lower: built.ll, baseDelayMs: 1, clock: new ManualClock({ autoAdvance: true }) });
        ml.open();
        built.engine.writeFile('/data/a', 'x');
        const job = recorder<FileJobValue>();
        ml.start({ kind: 'unlink', path: '/data/a' }, job.callback).release();
        expect((await job.result).status).to.equal('ok');
        expect(built.engine.calls.filter((call) => call.kind === 'unlink')).to.have.length(3);
      });

      it('should not retry a write-file whose close failed (EINTR) after its name existed: ok, no EEXIST', async () => {
        const built = scriptedStack(variant, { inject: (call) => (call.kind === 'close' ? 'EINTR' : undefined) });
        stack = built;
        ml = new RetryModule({ lower: built.ll, baseDelayMs: 0 });
        ml.open();
        const start = sinon.spy(built.ll, 'start');
        const job = recorder<FileJobValue>();
        ml.start({ kind: 'write-file', path: '/data/a', data: Buffer.from('abc') }, job.callback).release();
        const result = await job.result;
        expect(result.status, String(result.error)).to.equal('ok');
        expect(start.callCount).to.equal(1);
        expect(built.engine.readFile('/data/a')?.toString()).to.equal('abc');
      });

      it('should give up after maxAttempts and report error', async () => {
        const { settings, ll } = build({ maxAttempts: 3 });
        const start = sinon.spy(ll, 'start');
        settings.reportRetryable(5);
        const job = recorder<FileJobValue>();
        ml.start({ kind: 'unlink', path: '/data/a' }, job.callback).release();
        const result = await job.result;
        expect(result.status).to.equal('error');
        expect(result.error).to.have.property('code', 'EAGAIN');
        expect(start.callCount).to.equal(3);
      });

      it('should not retry an error that is not retryable', async () => {
        const { ll } = build();
        const start = sinon.spy(ll, 'start');
        const job = recorder<FileJobValue>();
        ml.start({ kind: 'unlink', path: '/data/missing' }, job.callback).release();
        expect((await job.result).status).to.equal('error');
        expect(start.callCount).to.equal(1);
      });

      it('should deliver a synchronous LL result before start returns', () => {
        const { settings } = build();
        settings.completeNextSynchronously();
        const job = recorder<FileJobValue>();
        const op = ml.start({ kind: 'unlink', path: '/data/a' }, job.callback);
        expect(job.results.map((r) => r.status)).to.deep.equal(['ok']);
        op.release();
      });

      it('should cancel during the backoff wait: canceled at once, no further attempt, no timer left', async () => {
        const { settings, ll } = build({ baseDelayMs: 10_000, maxDelayMs: 10_000, isManual: true });
        const start = sinon.spy(ll, 'start');
        settings.completeNextSynchronously({ status: 'error-can-retry', error: new Error('EAGAIN') });
        const job = recorder<FileJobValue>();
        const op = ml.start({ kind: 'unlink', path: '/data/a' }, job.callback);
        // the first attempt reported error-can-retry: the module waits on its clock
        expect(clock.pendingTimers).to.equal(1);
        clock.advance(9_999);
        expect(job.results).to.have.length(0);
        op.cancel('enough');
        op.release();
        expect(job.results).to.deep.equal([{ status: 'canceled', error: 'enough' }]);
        expect(clock.pendingTimers).to.equal(0);
        clock.advance(60_000);
        expect(start.callCount).to.equal(1);
      });

      it('should cancel each attempt as its parent (kind parent) and report the caller its own reason', async () => {
        const { settings, ll } = build();
        const start = sinon.spy(ll, 'start');
        settings.hangNext();
        const job = recorder<FileJobValue>();
        const op = ml.start({ kind: 'unlink', path: '/data/a' }, job.callback);
        const attempt = start.firstCall.returnValue;
        const seen = attempt.ref('test');
        op.cancel('enough');
        op.release();
        expect(await job.result).to.deep.equal({ status: 'canceled', error: 'enough' });
        expect(cancelKindOf(seen.reason)).to.equal('parent');
        expect(seen.reason).to.include({ cause: 'enough', origin: 'ml-retries unlink a' });
        seen.release();
      });

      it('should cancel during an attempt and not retry', async () => {
        const { settings, ll } = build();
        const start = sinon.spy(ll, 'start');
        settings.hangNext();
        const job = recorder<FileJobValue>();
        const op = ml.start({ kind: 'unlink', path: '/data/a' }, job.callback);
        op.cancel();
        op.release();
        expect((await job.result).status).to.equal('canceled');
        expect(start.callCount).to.equal(1);
      });

      it('defect (b): a retry that fails to start reports error and releases the callback reference', async () => {
        const { settings, ll } = build({ baseDelayMs: 5, isManual: true });
        settings.completeNextSynchronously({ status: 'error-can-retry', error: new Error('EAGAIN') });
        const job = recorder<FileJobValue>();
        ml.start({ kind: 'unlink', path: '/data/a' }, job.callback).release();
        // the LL closes during the backoff: the retry's start throws ModuleClosedError
        await ll.close();
        clock.advance(5);
        const result = await job.result;
        expect(result.status).to.equal('error');
        expect(result.error).to.be.instanceOf(ModuleClosedError);
        expect(ml.pendingCount).to.equal(0);
        // the root hook fails this test if the callback's AsyncOp reference was leaked
      });

      it('should make close() wait for a pending retry, and accept a close from inside a callback', async () => {
        const { settings } = build({ baseDelayMs: 1 });
        settings.reportRetryable(2);
        const order: string[] = [];
        let inner: Promise<void> | undefined;
        ml.start({ kind: 'unlink', path: '/data/a' }, () => {
          order.push('callback');
          inner = ml.close();
        }).release();
        await ml.close().then(() => order.push('closed'));
        await inner;
        expect(order).to.deep.equal(['callback', 'closed']);
      });
    });
  }
});

import {
  type AsyncOp,
  CanceledError,
  DeadlineExceededError,
  ManualClock,
  cancelKindOf,
  isDeadlineError,
} from 'async-op';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { startForwarded, type ForwardContext, type ForwardOptions } from '../src/forward.js';
import { ModuleLifecycle } from '../src/module-lifecycle.js';
import type { Result } from '../src/module-types.js';
import { mapRetryableToError } from '../src/retryable-error.js';
import { expectRefusal } from './support/hostile.js';
import { ManualLower } from './support/manual-lower.js';
import { captureUncaught } from 'async-op-race-kit';

function setUp(): { lower: ManualLower; lifecycle: ModuleLifecycle; results: Result<string>[] } {
  const lifecycle = new ModuleLifecycle('upper');
  lifecycle.open();
  return { lower: new ManualLower(), lifecycle, results: [] };
}

describe('startForwarded()', () => {
  it('should pass the request down, map the result and call back once, counting the operation in and out', () => {
    const { lower, lifecycle, results } = setUp();
    const op = startForwarded({
      lower,
      lifecycle,
      request: 'req',
      callback: (result) => results.push(result),
      mapResult: mapRetryableToError,
    });
    expect(lower.calls.map((call) => call.request)).to.deep.equal(['req']);
    expect(lifecycle.pendingCount).to.equal(1);
    expect(op.context.lower).to.not.equal(null);
    lower.calls[0]?.end({ status: 'error-can-retry', error: 'EAGAIN' });
    expect(results).to.deep.equal([{ status: 'error', error: 'EAGAIN' }]);
    expect(lifecycle.pendingCount).to.equal(0);
    expect(op.context.lower).to.equal(null);
    expect(lower.calls[0]?.end({ status: 'ok', value: 'late' })).to.equal(false);
    op.release();
  });

  it('should call back before it returns when the lower module does, and keep no finished lower op', () => {
    const { lower, lifecycle, results } = setUp();
    lower.onStart = (call) => call.end({ status: 'ok', value: 'now' });
    const op = startForwarded({ lower, lifecycle, request: 1, callback: (r) => results.push(r), mapResult: (r) => r });
    expect(results).to.deep.equal([{ status: 'ok', value: 'now' }]);
    expect(op.context.lower).to.equal(null);
    expect(op.isCompleted).to.equal(true);
    expect(op.cancel('too late')).to.equal(false);
    op.release();
  });

  it('should cancel the lower op as its parent (kind parent, cause the reason), and report its own reason', () => {
    const { lower, lifecycle, results } = setUp();
    lower.cancelReports = true;
    const op = startForwarded({
      lower,
      lifecycle,
      request: 1,
      callback: (r) => results.push(r),
      mapResult: (r) => r,
      label: 'upper 1',
    });
    expect(op.cancel('why')).to.equal(true);
    const [lowerReason] = lower.calls[0]?.cancels ?? [];
    expect(lowerReason).to.be.instanceOf(CanceledError);
    expect(lowerReason).to.include({ kind: 'parent', origin: 'upper 1', cause: 'why' });
    // the lower module reported its own reason; the caller gets the one it gave
    expect(results).to.deep.equal([{ status: 'canceled', error: 'why' }]);
    op.release();
  });

  it('should keep the lower reason of a canceled result when this op was not canceled', () => {
    const { lower, lifecycle, results } = setUp();
    const op = startForwarded({ lower, lifecycle, request: 1, callback: (r) => results.push(r), mapResult: (r) => r });
    lower.calls[0]?.end({ status: 'canceled', error: 'closed beneath' });
    expect(results).to.deep.equal([{ status: 'canceled', error: 'closed beneath' }]);
    op.release();
  });

  it('should cancel the op at its deadline on its clock, from the timer, with the lower op following', () => {
    const { lower, lifecycle, results } = setUp();
    lower.cancelReports = true;
    const clock = new ManualClock();
    const op = startForwarded({
      lower,
      lifecycle,
      request: 1,
      callback: (r) => results.push(r),
      mapResult: (r) => r,
      label: 'save',
      timeoutMs: 3_600_000,
      clock,
    });
    // the lower op follows: it reports the deadline it is bound by, without a timer of its own
    expect(lower.calls[0]?.op.deadline).to.equal(3_600_000);
    expect(clock.pendingTimers).to.equal(1);
    clock.advance(3_599_999);
    expect(results).to.deep.equal([]);
    clock.advance(1);
    const error = results[0]?.error;
    expect(results[0]?.status).to.equal('canceled');
    expect(error).to.be.instanceOf(DeadlineExceededError);
    expect(cancelKindOf(error)).to.equal('deadline');
    const lowerReason = lower.calls[0]?.cancels[0];
    expect(cancelKindOf(lowerReason)).to.equal('parent');
    expect(isDeadlineError(lowerReason)).to.equal(true);
    expect(lowerReason).to.have.property('cause', error);
    op.release();
  });

  it('should clear the deadline when the lower op completes first', () => {
    const { lower, lifecycle, results } = setUp();
    const clock = new ManualClock();
    const op = startForwarded({
      lower,
      lifecycle,
      request: 1,
      callback: (r) => results.push(r),
      mapResult: (r) => r,
      deadline: 50,
      clock,
    });
    lower.calls[0]?.end({ status: 'ok', value: 'v' });
    expect(clock.pendingTimers).to.equal(0);
    clock.advance(100);
    expect(results).to.deep.equal([{ status: 'ok', value: 'v' }]);
    op.release();
  });

  it('should refuse bad deadline settings before anything is created or counted', () => {
    const { lower, lifecycle } = setUp();
    const good: ForwardOptions<number, string> = {
      lower,
      lifecycle,
      request: 1,
      callback: () => undefined,
      mapResult: (r) => r,
    };
    expect(() => startForwarded({ ...good, timeoutMs: -1 })).to.throw(RangeError, /timeoutMs/);
    expect(() => startForwarded({ ...good, deadline: Number.NaN })).to.throw(RangeError, /deadline/);
    expect(() => startForwarded({ ...good, timeoutMs: 1, deadline: 1 })).to.throw(TypeError, /not both/);
    expect(() => startForwarded({ ...good, clock: {} as never })).to.throw(TypeError, /clock/);
    expect(() => startForwarded({ ...good, label: 7 as never })).to.throw(TypeError, /label/);
    expect(lower.calls).to.have.length(0);
    expect(lifecycle.pendingCount).to.equal(0);
  });

  it('should pass the cancel on itself to a lower op that already follows a source of its own', () => {
    const { lower, lifecycle, results } = setUp();
    const own = new AbortController();
    lower.onStart = (call) => call.op.follow(own.signal);
    const op = startForwarded({
      lower,
      lifecycle,
      request: 1,
      callback: (r) => results.push(r),
      mapResult: (r) => r,
      label: 'upper',
    });
    expect(op.context.isFollowing).to.equal(false);
    op.cancel('stop');
    const lowerReason = lower.calls[0]?.cancels[0];
    expect(lowerReason).to.include({ kind: 'parent', origin: 'upper', cause: 'stop' });
    lower.calls[0]?.end({ status: 'canceled', error: lowerReason });
    expect(results).to.deep.equal([{ status: 'canceled', error: 'stop' }]);
    op.release();
  });

  it('should resolve whenReleased() only once a canceled lower op is released (its cleanup done)', async () => {
    const { lower, lifecycle, results } = setUp();
    lower.cancelReports = true;
    const op = startForwarded({ lower, lifecycle, request: 1, callback: (r) => results.push(r), mapResult: (r) => r });
    // the lower op's work goes on after its canceled callback (fake cancel): a reference of its own keeps it
    const cleanup = lower.calls[0]?.op.ref('cleanup') as AsyncOp<unknown>;
    let isOver = false;
    const ended = op.whenReleased().then(() => (isOver = true));
    op.cancel();
    op.release();
    expect(results.map((r) => r.status)).to.deep.equal(['canceled']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(isOver).to.equal(false);
    cleanup.release();
    await ended;
    expect(isOver).to.equal(true);
  });

  it('should pass on a cancel made during the lower start as soon as that start returned', () => {
    const { lower, lifecycle, results } = setUp();
    const tracked: AsyncOp<ForwardContext>[] = [];
    // a sweep from inside the lower start (a synchronous callback elsewhere canceled everything tracked)
    lower.onStart = () => tracked[0]?.cancel('sweep');
    const op = startForwarded({
      lower,
      lifecycle,
      request: 1,
      callback: (r) => results.push(r),
      mapResult: (r) => r,
      track: (created) => {
        tracked.push(created.ref());
        return tracked[0] as AsyncOp<ForwardContext>;
      },
      untrack: () => undefined,
    });
    expect(lower.calls[0]?.cancels).to.have.length(1);
    expect(lower.calls[0]?.cancels[0]).to.include({ kind: 'parent', cause: 'sweep' });
    lower.calls[0]?.end({ status: 'canceled', error: lower.calls[0].cancels[0] });
    expect(results).to.deep.equal([{ status: 'canceled', error: 'sweep' }]);
    op.release();
  });

  it('should throw what the lower start throws, call nothing back, and give back every reference and count', () => {
    const { lower, lifecycle, results } = setUp();
    const refused = new Error('lower is closed');
    lower.onStart = () => {
      throw refused;
    };
    const untracked: unknown[] = [];
    expect(() =>
      startForwarded({
        lower,
        lifecycle,
        request: 1,
        callback: (r) => results.push(r),
        mapResult: (r) => r,
        track: (op) => op.ref(),
        untrack: (entry) => untracked.push(entry),
      }),
    ).to.throw(refused);
    expect(results).to.deep.equal([]);
    expect(untracked).to.have.length(1);
    expect(lifecycle.pendingCount).to.equal(0);
  });

  it('should return the op and raise the error uncaught when the callback throws inside the lower start', async () => {
    const { lower, lifecycle, results } = setUp();
    lower.onStart = (call) => call.end({ status: 'ok', value: 'now' });
    const thrown = new Error('from the callback');
    const untracked: unknown[] = [];
    let op: AsyncOp<ForwardContext> | undefined;
    const uncaught = await captureUncaught(() => {
      op = startForwarded({
        lower,
        lifecycle,
        request: 1,
        callback: (r) => {
          results.push(r);
          throw thrown;
        },
        mapResult: (r) => r,
        track: (tracked) => tracked.ref(),
        untrack: (entry) => untracked.push(entry),
      });
    });
    expect(uncaught).to.deep.equal([thrown]);
    expect(results).to.deep.equal([{ status: 'ok', value: 'now' }]);
    expect(untracked).to.have.length(1);
    expect(lifecycle.pendingCount).to.equal(0);
    expect(op?.isReleased).to.equal(false);
    op?.release();
  });

  it('should return the op and raise the error uncaught when the lower start throws after calling back', async () => {
    const { lower, lifecycle, results } = setUp();
    const broken = new Error('the lower module broke its contract');
    lower.onStart = (call) => {
      call.end({ status: 'ok', value: 'now' });
      throw broken;
    };
    let op: AsyncOp<ForwardContext> | undefined;
    const uncaught = await captureUncaught(() => {
      op = startForwarded({ lower, lifecycle, request: 1, callback: (r) => results.push(r), mapResult: (r) => r });
    });
    expect(uncaught).to.deep.equal([broken]);
    expect(results).to.deep.equal([{ status: 'ok', value: 'now' }]);
    expect(lifecycle.pendingCount).to.equal(0);
    op?.release();
  });

  it('should untrack and release the tracked reference once on completion, and not when a sweep took it first', () => {
    const { lower, lifecycle, results } = setUp();
    const untracked: string[] = [];
    const options = (name: string): ForwardOptions<number, string> => ({
      lower,
      lifecycle,
      request: 1,
      callback: (r) => results.push(r),
      mapResult: (r) => r,
      track: (op) => op.ref(),
      untrack: () => untracked.push(name),
    });
    const completed = startForwarded(options('completed'));
    const swept = startForwarded(options('swept'));
    // the sweep's part: take the entry out, cancel through it, release it
    const entry = swept.context.tracked as AsyncOp<ForwardContext>;
    swept.context.tracked = null;
    entry.cancel('sweep');
    entry.release();
    lower.calls[0]?.end({ status: 'ok', value: 'a' });
    lower.calls[1]?.end({ status: 'canceled', error: 'sweep' });
    expect(untracked).to.deep.equal(['completed']);
    expect(results.map((r) => r.status)).to.deep.equal(['ok', 'canceled']);
    completed.release();
    swept.release();
  });

  it('should report an error result, once, when mapResult throws', () => {
    const { lower, lifecycle, results } = setUp();
    const thrown = new Error('bad mapping');
    const op = startForwarded({
      lower,
      lifecycle,
      request: 1,
      callback: (r) => results.push(r),
      mapResult: () => {
        throw thrown;
      },
    });
    lower.calls[0]?.end({ status: 'ok', value: 'x' });
    expect(results).to.deep.equal([{ status: 'error', error: thrown }]);
    expect(lifecycle.pendingCount).to.equal(0);
    op.release();
  });

  it('should refuse bad options naming the value, before starting anything', () => {
    const { lower, lifecycle } = setUp();
    const good = { lower, lifecycle, request: 1, callback: () => undefined, mapResult: (r: unknown) => r };
    expectRefusal(() => startForwarded(null as never), 'options', null);
    const bad: [string, unknown][] = [
      ['lower', {}],
      ['lower', null],
      ['lifecycle', { begin: () => undefined }],
      ['callback', 'cb'],
      ['mapResult', undefined],
      ['track', 1],
      ['untrack', 'no'],
    ];
    for (const [field, value] of bad) {
      const name = field === 'callback' ? 'callback' : `options.${field}`;
      expectRefusal(() => startForwarded({ ...good, [field]: value } as never), name, value);
    }
    expect(lower.calls).to.have.length(0);
    expect(lifecycle.pendingCount).to.equal(0);
  });

  it('should call back exactly once, whatever the order of completion, cancel and close (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.boolean(), fc.boolean(), async (s, cancelReports, closes) => {
        const { lower, lifecycle, results } = setUp();
        lower.cancelReports = cancelReports;
        const op = startForwarded({
          lower,
          lifecycle,
          request: 1,
          callback: (r) => results.push(r),
          mapResult: mapRetryableToError,
        });
        const call = lower.calls[0];
        void s.schedule(Promise.resolve('lower completes')).then(() => call?.end({ status: 'ok', value: 'v' }));
        void s.schedule(Promise.resolve('cancel')).then(() => op.cancel('c'));
        // a real-cancel lower reports the cancel later, as a completion of its own
        void s.schedule(Promise.resolve('lower reports canceled')).then(() => {
          if (call?.cancels.length) call.end({ status: 'canceled', error: 'c' });
        });
        const closed = closes ? lifecycle.close() : Promise.resolve();
        await s.waitIdle();
        await closed;
        expect(results).to.have.length(1);
        expect(lifecycle.pendingCount).to.equal(0);
        // canceled only if the cancel reached the lower op before it completed
        const status = results[0]?.status;
        expect(status === 'canceled').to.equal((call?.cancels.length ?? 0) > 0 && status !== 'ok');
        op.release();
      }),
    );
  });
});

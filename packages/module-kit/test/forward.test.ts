import { type AsyncOp } from 'async-op';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { startForwarded, type ForwardContext, type ForwardOptions } from '../src/forward.js';
import { ModuleLifecycle } from '../src/module-lifecycle.js';
import type { Result } from '../src/module-types.js';
import { mapRetryableToError } from '../src/retryable-error.js';
import { expectRefusal } from './support/hostile.js';
import { ManualLower } from './support/manual-lower.js';

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

  it('should pass a cancel down with its reason, and report what the lower reports', () => {
    const { lower, lifecycle, results } = setUp();
    lower.cancelReports = true;
    const op = startForwarded({ lower, lifecycle, request: 1, callback: (r) => results.push(r), mapResult: (r) => r });
    expect(op.cancel('why')).to.equal(true);
    expect(lower.calls[0]?.cancels).to.deep.equal(['why']);
    expect(results).to.deep.equal([{ status: 'canceled', error: 'why' }]);
    op.release();
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
    expect(lower.calls[0]?.cancels).to.deep.equal(['sweep']);
    lower.calls[0]?.end({ status: 'canceled', error: 'sweep' });
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

import { expect } from 'chai';
import { describe, it } from 'mocha';
import { AsyncOp, isCanceledError } from '../src/index.js';
import { cancelOnAbort, sleepUnlessCanceled, startStat, statWithSignal } from '../examples/wrap-callback-api.js';

describe("the guides' example code", () => {
  it('startStat() should deliver the real result once', async () => {
    const stats = await new Promise((resolve, reject) => {
      startStat('/', (error, value) => (error ? reject(error) : resolve(value))).release();
    });
    expect((stats as { isDirectory(): boolean }).isDirectory()).to.equal(true);
  });

  it('startStat() should deliver CANCELED inside cancel() and drop the late result', async () => {
    const calls: unknown[] = [];
    const op = startStat('/', (error) => calls.push(error));
    op.cancel();
    expect(calls).to.have.length(1);
    expect(isCanceledError(calls[0])).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).to.have.length(1);
    op.release();
  });

  it('statWithSignal() should reject with the signal reason', async () => {
    const controller = new AbortController();
    const promise = statWithSignal('/', controller.signal);
    const reason = new Error('stop');
    controller.abort(reason);
    let caught: unknown;
    await promise.catch((error: unknown) => (caught = error));
    expect(caught).to.equal(reason);
  });

  it('sleepUnlessCanceled() should end when the op is canceled', async () => {
    const op = AsyncOp.create({ context: null });
    const sleeping = sleepUnlessCanceled(op, 10_000);
    op.cancel();
    expect(await sleeping).to.equal('canceled');
    op.release();
  });

  it('cancelOnAbort() should cancel the op when the signal aborts', () => {
    const op = AsyncOp.create({ context: null });
    const controller = new AbortController();
    cancelOnAbort(op, controller.signal);
    controller.abort('bye');
    expect(op.reason).to.equal('bye');
    op.release();
  });
});

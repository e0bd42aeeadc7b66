import fs from 'node:fs';
import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import sinon from 'sinon';
import { AsyncOp, isCanceledError } from '../src/index.js';
import { cancelOnAbort, sleepUnlessCanceled, startStat, statWithSignal } from '../examples/wrap-callback-api.js';

/**
 * Lets fs.stat run as usual, and resolves once the next stat's real completion has run: a canceled startStat() still
 * holds its callback's reference until then (the stat cannot be stopped), so a test waits for it before it ends.
 */
function nextStatCompletion(): Promise<void> {
  const realStat = fs.stat;
  return new Promise((resolve) => {
    sinon.stub(fs, 'stat').callsFake(((path: fs.PathLike, callback: (error: Error | null, stats: fs.Stats) => void) => {
      realStat(path, (error, stats) => {
        callback(error, stats);
        resolve();
      });
    }) as typeof fs.stat);
  });
}

describe("the guides' example code", () => {
  afterEach(() => sinon.restore());

  it('startStat() should deliver the real result once', async () => {
    const stats = await new Promise((resolve, reject) => {
      startStat('/', (error, value) => (error ? reject(error) : resolve(value))).release();
    });
    expect((stats as { isDirectory(): boolean }).isDirectory()).to.equal(true);
  });

  it('startStat() should deliver CANCELED inside cancel() and drop the late result', async () => {
    const calls: unknown[] = [];
    const statCompleted = nextStatCompletion();
    const op = startStat('/', (error) => calls.push(error));
    op.cancel();
    expect(calls).to.have.length(1);
    expect(isCanceledError(calls[0])).to.equal(true);
    await statCompleted;
    expect(calls, 'the late result was dropped').to.have.length(1);
    op.release();
  });

  it('statWithSignal() should reject with the signal reason', async () => {
    const controller = new AbortController();
    const statCompleted = nextStatCompletion();
    const promise = statWithSignal('/', controller.signal);
    const reason = new Error('stop');
    controller.abort(reason);
    let caught: unknown;
    await promise.catch((error: unknown) => (caught = error));
    expect(caught).to.equal(reason);
    // the stat itself still runs to its end, and only then is its reference released (the leak check counts it)
    await statCompleted;
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

import fs from 'node:fs';
import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import sinon from 'sinon';
import { AsyncOp, ManualClock, isCanceledError } from '../src/index.js';
import { startDelay } from '../examples/deadlines.js';
import { describeReason } from '../examples/describe-reason.js';
import { printLiveOperations, startTracking } from '../examples/diagnostics.js';
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

describe("the deadline tutorial's and the troubleshooting guide's example code", () => {
  it("startDelay() should deliver a parent's deadline to the child, as a timeout that names where it started", () => {
    const clock = new ManualClock();
    const results: string[] = [];
    const request = AsyncOp.create({ context: null, label: 'request', clock, timeoutMs: 100 });
    const delay = startDelay(500, { clock, label: 'delay', timeoutMs: 1000, parent: request }, (error, value) =>
      results.push(error === null ? `ok ${value}` : describeReason(error)),
    );
    expect(delay.deadline).to.equal(100);
    clock.advance(100);
    expect(results).to.deep.equal(['timed out: parent (started at "request")']);
    expect(clock.pendingTimers).to.equal(0);
    delay.release();
    request.release();
  });

  it('startDelay() should deliver its value before the deadline, and an explicit cancel as such', () => {
    const clock = new ManualClock();
    const results: string[] = [];
    const record = (error: unknown, value?: string): void => {
      results.push(error === null ? `ok ${value}` : describeReason(error));
    };
    const fast = startDelay(10, { clock, label: 'fast', timeoutMs: 50 }, record);
    const stopped = startDelay(10, { clock, label: 'stopped', timeoutMs: 50 }, record);
    stopped.cancel();
    clock.advance(50);
    expect(results).to.deep.equal(['canceled: explicit (started at "stopped")', 'ok fast done']);
    fast.release();
    stopped.release();
  });

  it('printLiveOperations() should print the live tree, then nothing once released', () => {
    startTracking();
    const lines: string[] = [];
    const op = AsyncOp.create({ context: null, label: 'stuck upload' });
    const held = op.ref('retry timer');
    printLiveOperations((text) => lines.push(text));
    expect(lines[0]).to.match(/"stuck upload" running age \d+ ms, 2 refs/);
    expect(lines[0]).to.contain('held by "retry timer"');
    held.release();
    op.release();
    printLiveOperations((text) => lines.push(text));
    expect(lines[1]).to.not.contain('stuck upload');
  });
});

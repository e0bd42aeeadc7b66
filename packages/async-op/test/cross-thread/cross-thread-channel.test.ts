import { expect } from 'chai';
import { after, afterEach, before, describe, it } from 'mocha';
import { MessageChannel } from 'node:worker_threads';
import {
  type AsyncOp,
  CancelSlotTable,
  CrossThreadChannel,
  CrossThreadExitError,
  isCanceledError,
  type CrossThreadEndpoint,
} from '../../src/index.js';
import { startedFlag, TestThread, whenStarted, type Outcome } from './support/test-thread.js';

/** Resolves after `ms` milliseconds. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('CrossThreadChannel (real worker thread)', () => {
  // one worker for the suite: a thread takes ~100 ms to start; each test leaves it as it found it (checked below)
  let thread: TestThread;

  before(() => {
    thread = new TestThread();
  });

  after(async () => {
    await thread.terminate();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'passed') return;
    expect(thread.channel.pendingCount, 'calls the channel still tracks').to.equal(0);
    expect(thread.table.inUseCount, 'cancel slots in use').to.equal(0);
    expect(await thread.stats(), 'what the worker still holds').to.deep.equal({
      following: 0,
      liveReferences: 0,
      pending: 0,
    });
  });

  it('should deliver a value, and an error with its name, message, code, kind and the worker stack', async () => {
    expect(await thread.call({ kind: 'value', value: { n: 1, list: [2] } })).to.deep.equal({ n: 1, list: [2] });
    const error: unknown = await thread.call({ kind: 'throw', message: 'no', code: 'E_NO', kind2: 'denied' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(Error).and.include({ message: 'no', code: 'E_NO', kind: 'denied' });
    expect((error as Error).stack).to.contain('test-worker');
  });

  it('should report a result that cannot be cloned as a DataCloneError', async () => {
    const error = await thread.call({ kind: 'uncloneable' }).catch((caught: unknown) => caught);
    expect(error).to.have.property('name', 'DataCloneError');
  });

  it('should throw at once for a request that cannot be cloned, leaving nothing behind', () => {
    let calls = 0;
    expect(() => thread.channel.start({ kind: 'value', value: () => 1 }, () => calls++)).to.throw(
      /could not be cloned/,
    );
    expect(calls).to.equal(0);
  });

  it('should stop a worker busy in a loop that never yields (the one-load check)', async () => {
    const started = startedFlag();
    const { op, result } = thread.start({ kind: 'spin', maxMs: 5000, started });
    await whenStarted(started);
    const reason = new Error('stop spinning');
    expect(op.cancel(reason)).to.equal(true);
    op.release();
    const outcome = await result;
    expect(outcome.error, 'the reason, unchanged').to.equal(reason);
  });

  it('should stop a worker that is idle, without any check on its side (the doorbell)', async () => {
    const started = startedFlag();
    const { op, result } = thread.start({ kind: 'idle', maxMs: 5000, started });
    await whenStarted(started);
    op.cancel('wake up');
    op.release();
    expect((await result).error).to.equal('wake up');
  });

  it('should let a call canceled before the worker saw it end canceled at once on the worker', async () => {
    const { op, result } = thread.start({ kind: 'spin', maxMs: 5000 });
    op.cancel();
    op.release();
    const outcome = await result;
    expect(isCanceledError(outcome.error)).to.equal(true);
  });

  it('should report at once inside cancel() with at-once, keep the slot until the worker reports, and drop the late result', async () => {
    const started = startedFlag();
    const { op, result } = thread.start({ kind: 'sleep', ms: 30, value: 'late', started }, 'at-once');
    await whenStarted(started);
    let hasCalledBack = false;
    void result.then(() => (hasCalledBack = true));
    op.cancel('now');
    await Promise.resolve();
    expect(hasCalledBack, 'called back inside cancel()').to.equal(true);
    expect((await result).error).to.equal('now');
    expect(thread.channel.pendingCount, 'the worker has not reported yet').to.equal(1);
    expect(thread.table.inUseCount, 'its slot stays in use until then').to.equal(1);
    op.release();
    while (thread.channel.pendingCount > 0) await delay(5);
  });

  it('should deliver exactly once when cancel races completion, in either report mode', async () => {
    const outcomes: { mode: string; didWin: boolean; outcome: Outcome }[] = [];
    const runs: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      // at most 12 in flight: the table has 16 slots
      if (i % 12 === 0) await Promise.all(runs);
      const mode = i % 2 === 0 ? 'when-stopped' : 'at-once';
      const { op, result } = thread.start({ kind: 'sleep', ms: i % 3, value: i }, mode);
      runs.push(
        delay((i * 7) % 4).then(async () => {
          const didWin = op.cancel(`cancel ${i}`);
          op.release();
          outcomes.push({ mode, didWin, outcome: await result });
        }),
      );
    }
    await Promise.all(runs);
    while (thread.channel.pendingCount > 0) await delay(5);
    for (const { mode, didWin, outcome } of outcomes) {
      // TestThread.start throws on a second callback; here: the right one of the two
      if (outcome.error === null)
        expect(mode === 'when-stopped' || !didWin, 'a value after an at-once cancel').to.equal(true);
      else expect(didWin, 'canceled although cancel() lost').to.equal(true);
    }
    expect(outcomes.some(({ outcome }) => outcome.error === null)).to.equal(true);
    expect(outcomes.some(({ outcome }) => outcome.error !== null)).to.equal(true);
  });

  it('should throw CancelSlotsExhaustedError when the table is full, leaving nothing behind', async () => {
    const small = new CrossThreadChannel({ endpoint: thread.worker, table: new CancelSlotTable({ capacity: 1 }) });
    const { op, result } = { op: small.start({ kind: 'idle', maxMs: 5000 }, () => undefined), result: undefined };
    expect(() => small.start({ kind: 'value', value: 1 }, () => undefined))
      .to.throw()
      .with.property('code', 'ERR_CANCEL_SLOTS_EXHAUSTED');
    expect(small.pendingCount).to.equal(1);
    op.cancel();
    op.release();
    while (small.pendingCount > 0) await delay(5);
    expect(result).to.equal(undefined);
  });

  it('should throw a TypeError naming the value for bad arguments', () => {
    const channel = thread.channel;
    expect(() => channel.start(1, 'cb' as never)).to.throw(TypeError, 'got `"cb"` (string)');
    expect(() => channel.start(1, () => undefined, null as never)).to.throw(TypeError, 'got `null`');
    expect(() => channel.start(1, () => undefined, { reportCancel: 'later' as never })).to.throw(
      TypeError,
      'got `"later"`',
    );
    expect(() => channel.start(1, () => undefined, { transfer: 'x' as never })).to.throw(TypeError, 'got `"x"`');
    const table = thread.table;
    expect(() => new CrossThreadChannel({ endpoint: {} as never, table })).to.throw(
      TypeError,
      'Worker or a MessagePort',
    );
    expect(() => new CrossThreadChannel({ endpoint: thread.worker, table: {} as never })).to.throw(
      TypeError,
      'CancelSlotTable',
    );
    expect(() => new CrossThreadChannel(undefined as never)).to.throw(TypeError, 'got `undefined`');
  });
});

describe('CrossThreadChannel when the thread ends', () => {
  it('should deliver one CrossThreadExitError to each call in flight when the worker calls process.exit()', async () => {
    const thread = new TestThread();
    const started = startedFlag();
    const idle = thread.start({ kind: 'idle', maxMs: 10_000, started });
    const atOnce = thread.start({ kind: 'idle', maxMs: 10_000 }, 'at-once');
    await whenStarted(started);
    atOnce.op.cancel('already reported');
    const exiting = thread.start({ kind: 'exit', code: 7 });
    const outcomes = await Promise.all([idle.result, exiting.result]);
    for (const { error } of outcomes) {
      expect(error)
        .to.be.instanceOf(CrossThreadExitError)
        .and.include({ code: 'ERR_CROSS_THREAD_EXITED', exitCode: 7 });
    }
    expect((await atOnce.result).error, 'the at-once call got its one callback before').to.equal('already reported');
    expect(thread.table.inUseCount).to.equal(0);
    expect(thread.channel.hasExited).to.equal(true);
    expect(() => thread.start({ kind: 'value', value: 1 })).to.throw(CrossThreadExitError);
    for (const { op } of [idle, atOnce, exiting]) op.release();
    expect(await thread.exited).to.equal(7);
  });

  it('should carry the uncaught error of a crashed worker as the cause', async () => {
    const thread = new TestThread();
    const crash = thread.start({ kind: 'crash', message: 'worker blew up' });
    crash.op.release();
    const { error } = await crash.result;
    expect(error).to.be.instanceOf(CrossThreadExitError);
    expect((error as Error).cause).to.have.property('message', 'worker blew up');
    await thread.exited;
  });

  it('should fail the calls in flight when the worker is terminated', async () => {
    const thread = new TestThread();
    const call = thread.start({ kind: 'idle', maxMs: 10_000 });
    await thread.stats();
    await thread.terminate();
    expect((await call.result).error).to.be.instanceOf(CrossThreadExitError);
    call.op.release();
  });

  it('should report a malformed answer as ERR_CROSS_THREAD_PROTOCOL, and fail calls when the port closes', async () => {
    const { port1, port2 } = new MessageChannel();
    const channel = new CrossThreadChannel({
      endpoint: port1 as unknown as CrossThreadEndpoint,
      table: new CancelSlotTable({ capacity: 2 }),
    });
    port2.on('message', (message: { asyncOpCall: number }) => {
      if (message.asyncOpCall === 1) port2.postMessage({ asyncOpResult: 1, status: 'weird' });
    });
    const outcomes: unknown[] = [];
    const first = channel.start(1, (error) => outcomes.push(error));
    const second = channel.start(2, (error) => outcomes.push(error));
    while (outcomes.length === 0) await delay(2);
    expect(outcomes[0]).to.have.property('code', 'ERR_CROSS_THREAD_PROTOCOL');
    port2.close();
    while (outcomes.length < 2) await delay(2);
    expect(outcomes[1]).to.be.instanceOf(CrossThreadExitError).with.property('exitCode', undefined);
    for (const op of [first, second] as AsyncOp<unknown>[]) op.release();
  });
});

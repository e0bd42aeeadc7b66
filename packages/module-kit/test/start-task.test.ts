import { CanceledError, DeadlineExceededError, ManualClock, cancelKindOf } from 'async-op';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { ModuleLifecycle } from '../src/module-lifecycle.js';
import type { Result } from '../src/module-types.js';
import { isRetryableError } from '../src/retryable-error.js';
import { startTask } from '../src/start-task.js';
import { expectRefusal } from './support/hostile.js';
import { captureUncaught } from 'async-op-race-kit';

/** Resolves after every microtask queued so far, and those they queue (a macrotask later). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A promise with its resolve/reject outside. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('startTask()', () => {
  it("should give the op its label and deadline: at the deadline the body's signal aborts with a timeout", async () => {
    const clock = new ManualClock();
    const results: Result<number>[] = [];
    const op = startTask(
      (signal) =>
        new Promise<number>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
      (result) => results.push(result),
      { label: 'task 1', timeoutMs: 3_600_000, clock },
    );
    expect(op.label).to.equal('task 1');
    expect(op.deadline).to.equal(3_600_000);
    clock.advance(3_600_000);
    await settle();
    expect(results).to.have.length(1);
    expect(results[0]?.status).to.equal('canceled');
    expect(results[0]?.error).to.be.instanceOf(DeadlineExceededError);
    expect(cancelKindOf(results[0]?.error)).to.equal('deadline');
    expect(results[0]?.error).to.have.property('origin', 'task 1');
    op.release();
  });

  it('should refuse bad deadline settings before running the body', () => {
    let runs = 0;
    const body = (): number => ++runs;
    expect(() => startTask(body, () => undefined, { timeoutMs: -1 })).to.throw(RangeError, /timeoutMs/);
    expect(() => startTask(body, () => undefined, { clock: 'now' as never })).to.throw(TypeError, /clock/);
    expect(() => startTask(body, () => undefined, { label: 1 as never })).to.throw(TypeError, /label/);
    expect(runs).to.equal(0);
  });

  it('should run the body at once with an unaborted signal, and report its value as ok, later', async () => {
    const order: string[] = [];
    const results: Result<number>[] = [];
    const op = startTask(
      async (signal) => {
        order.push(`body: aborted=${signal.aborted}`);
        return 42;
      },
      (result) => results.push(result),
    );
    order.push('startTask returned');
    expect(results).to.deep.equal([]);
    await settle();
    expect(order).to.deep.equal(['body: aborted=false', 'startTask returned']);
    expect(results).to.deep.equal([{ status: 'ok', value: 42 }]);
    op.release();
  });

  it('should abort the signal with the reason on cancel, and report canceled only once the body ended', async () => {
    const results: Result<string>[] = [];
    const gate = deferred<void>();
    const order: string[] = [];
    const op = startTask(
      async (signal) => {
        try {
          await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
          return 'never';
        } finally {
          await gate.promise;
          order.push('cleanup done');
        }
      },
      (result) => {
        order.push(`callback: ${result.status}`);
        results.push(result);
      },
    );
    expect(op.cancel('stop')).to.equal(true);
    order.push('cancel returned');
    await settle();
    expect(results).to.deep.equal([]);
    gate.resolve();
    await settle();
    expect(order).to.deep.equal(['cancel returned', 'cleanup done', 'callback: canceled']);
    expect(results).to.deep.equal([{ status: 'canceled', error: 'stop' }]);
    op.release();
  });

  it('should report ok, not canceled, when the body finished its work although a cancel came', async () => {
    const results: Result<string>[] = [];
    const work = deferred<void>();
    const op = startTask(
      async () => {
        await work.promise; // the work ignores the signal: its effect is made
        return 'done';
      },
      (result) => results.push(result),
    );
    op.cancel('too late');
    work.resolve();
    await settle();
    expect(results).to.deep.equal([{ status: 'ok', value: 'done' }]);
    op.release();
  });

  it('should report canceled with a CanceledError when cancel() was given no reason', async () => {
    const results: Result<void>[] = [];
    const op = startTask(
      (signal) => new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      (result) => results.push(result),
    );
    op.cancel();
    await settle();
    expect(results[0]?.status).to.equal('canceled');
    expect(results[0]?.error).to.be.instanceOf(CanceledError);
    op.release();
  });

  it('should report an error (not canceled) when the body fails for another reason after a cancel', async () => {
    const results: Result<void>[] = [];
    const failure = new Error('EIO');
    const op = startTask(
      async (signal) => {
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        throw failure;
      },
      (result) => results.push(result),
    );
    op.cancel('stop');
    await settle();
    expect(results).to.deep.equal([{ status: 'error', error: failure }]);
    op.release();
  });

  it('should treat a synchronous throw and a plain value like a rejection and a resolution', async () => {
    const results: Result<number>[] = [];
    const thrown = new Error('sync');
    const a = startTask(
      () => {
        throw thrown;
      },
      (result) => results.push(result),
    );
    const b = startTask(
      () => 7,
      (result) => results.push(result),
    );
    expect(results).to.deep.equal([]);
    await settle();
    expect(results).to.deep.equal([
      { status: 'error', error: thrown },
      { status: 'ok', value: 7 },
    ]);
    a.release();
    b.release();
  });

  it('should report error-can-retry for what isRetryable says, and error when the predicate throws', async () => {
    const results: Result<void>[] = [];
    const eagain = Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
    const ops = [
      startTask(
        () => Promise.reject(eagain),
        (r) => results.push(r),
        { isRetryable: isRetryableError },
      ),
      startTask(
        () => Promise.reject(eagain),
        (r) => results.push(r),
      ),
      startTask(
        () => Promise.reject(eagain),
        (r) => results.push(r),
        {
          isRetryable: () => {
            throw new Error('bad predicate');
          },
        },
      ),
    ];
    await settle();
    expect(results.map((r) => r.status)).to.deep.equal(['error-can-retry', 'error', 'error']);
    for (const op of ops) op.release();
  });

  it("should count the task in its module's lifecycle until the callback returned (close() from the callback)", async () => {
    const lifecycle = new ModuleLifecycle('tasks');
    lifecycle.open();
    const order: string[] = [];
    let closed: Promise<unknown> | undefined;
    const op = startTask(
      async () => 'v',
      () => {
        closed = lifecycle.close().then(() => order.push('closed'));
        // still counted in while its callback runs: close() waits for it
        order.push(`callback returns: ${lifecycle.state}, ${lifecycle.pendingCount} pending`);
      },
      { lifecycle },
    );
    expect(lifecycle.pendingCount).to.equal(1);
    await settle();
    await closed;
    expect(order).to.deep.equal(['callback returns: closing, 1 pending', 'closed']);
    expect(lifecycle.pendingCount).to.equal(0);
    op.release();
  });

  it('should count the task out and raise what the callback throws as an uncaught exception', async () => {
    const lifecycle = new ModuleLifecycle('m');
    lifecycle.open();
    const thrown = new Error('from the callback');
    const calls: Result<number>[] = [];
    const uncaught = await captureUncaught(async () => {
      const op = startTask(
        () => 7,
        (result) => {
          calls.push(result);
          throw thrown;
        },
        { lifecycle },
      );
      op.release();
      await settle();
    });
    expect(uncaught).to.deep.equal([thrown]);
    expect(calls).to.deep.equal([{ status: 'ok', value: 7 }]);
    expect(lifecycle.pendingCount).to.equal(0);
  });

  it('should refuse a bad body, callback or options, naming the value, and start nothing', () => {
    let ran = 0;
    const body = async (): Promise<void> => void ran++;
    for (const value of [undefined, null, 'body', {}]) {
      expectRefusal(() => startTask(value as never, () => undefined), 'body', value);
    }
    for (const value of [undefined, 1, 'cb']) expectRefusal(() => startTask(body, value as never), 'callback', value);
    expectRefusal(() => startTask(body, () => undefined, null as never), 'options', null);
    expectRefusal(() => startTask(body, () => undefined, { lifecycle: {} as never }), 'options.lifecycle', {});
    expectRefusal(() => startTask(body, () => undefined, { isRetryable: 1 as never }), 'options.isRetryable', 1);
    expect(ran).to.equal(0);
  });

  it('should call back exactly once, never inside startTask or cancel, whatever the order of steps and cancel (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 0, max: 4 }), fc.boolean(), async (s, steps, listens) => {
        const results: Result<number>[] = [];
        let isInside = false;
        let done = 0;
        const op = startTask(
          async (signal) => {
            for (let step = 0; step < steps; step++) {
              await s.schedule(Promise.resolve(`step ${step}`));
              if (listens) signal.throwIfAborted();
              done++;
            }
            return done;
          },
          (result) => {
            expect(isInside, 'called back inside startTask() or cancel()').to.equal(false);
            results.push(result);
          },
        );
        void s.schedule(Promise.resolve('cancel')).then(() => {
          isInside = true;
          op.cancel('c');
          isInside = false;
        });
        await s.waitIdle();
        await settle();
        expect(results).to.have.length(1);
        const result = results[0] as Result<number>;
        // canceled exactly when the body stopped short because of the cancel
        expect(result.status).to.equal(done < steps ? 'canceled' : 'ok');
        op.release();
      }),
    );
  });
});

import { expect } from 'chai';
import { describe, it } from 'mocha';
import sinon from 'sinon';
import {
  AsyncOp,
  CanceledError,
  runAsPromise,
  runAsPromiseRejectingOnCancel,
  type NodeCallback,
} from '../src/index.js';

/** A start function over a timer: cancel delivers a CanceledError through the callback, exactly once. */
function startTimer(value: number, delayMs: number, callback: NodeCallback<number>): AsyncOp<unknown> {
  const context = { timer: undefined as NodeJS.Timeout | undefined, callbackRef: undefined as AsyncOp | undefined };
  const op = AsyncOp.create({
    context,
    cancel: (ctx) => {
      clearTimeout(ctx.timer);
      deliver(new CanceledError());
    },
  });
  context.callbackRef = op.ref();
  function deliver(error: unknown, result?: number): void {
    const own = context.callbackRef;
    if (own === undefined || !own.complete()) return;
    context.callbackRef = undefined;
    own.release();
    callback(error, result);
  }
  context.timer = setTimeout(() => deliver(undefined, value), delayMs);
  return op;
}

describe('runAsPromise()', () => {
  it('should resolve with the value the callback delivers', async () => {
    expect(await runAsPromise<number>((callback) => startTimer(7, 1, callback))).to.equal(7);
  });

  it('should resolve when the callback comes before start returns', async () => {
    const value = await runAsPromise<string>((callback) => {
      const op = AsyncOp.create({ context: null });
      op.complete();
      callback(null, 'sync');
      return op;
    });
    expect(value).to.equal('sync');
  });

  it('should reject with the error the callback delivers', async () => {
    const failure = new Error('disk full');
    const promise = runAsPromise((callback) => {
      const op = AsyncOp.create({ context: null });
      setImmediate(() => callback(failure));
      return op;
    });
    await expectRejection(promise, failure);
  });

  it('should cancel on abort and reject with signal.reason unchanged', async () => {
    const controller = new AbortController();
    const promise = runAsPromise<number>((callback) => startTimer(1, 10_000, callback), { signal: controller.signal });
    const reason = new Error('user pressed stop');
    controller.abort(reason);
    await expectRejection(promise, reason);
  });

  it('should not start at all for an already aborted signal', async () => {
    const start = sinon.spy();
    const reason = new Error('too late');
    await expectRejection(runAsPromise(start, { signal: AbortSignal.abort(reason) }), reason);
    sinon.assert.notCalled(start);
  });

  it('should reject with the error start throws', async () => {
    const failure = new TypeError('bad request');
    await expectRejection(
      runAsPromise(() => {
        throw failure;
      }),
      failure,
    );
  });

  it('should throw a TypeError for bad arguments, naming the value', () => {
    expect(() => runAsPromise('start' as never)).to.throw(
      TypeError,
      'Expected `start` to be a function, got `"start"` (string)',
    );
    expect(() => runAsPromise(() => AsyncOp.create({ context: null }), { signal: 'x' as never })).to.throw(
      TypeError,
      'Expected `options.signal` to be an AbortSignal',
    );
  });
});

/** A start function whose callback never runs once cancel won (like a file action or clearTimeout). */
function startSilencedTimer(value: number, delayMs: number, callback: NodeCallback<number>): AsyncOp<unknown> {
  const timer = setTimeout(() => {
    if (own.complete()) {
      own.release();
      callback(null, value);
    }
  }, delayMs);
  const op = AsyncOp.create({
    context: null,
    cancel: () => {
      clearTimeout(timer);
      own.complete();
      own.release();
    },
  });
  const own = op.ref();
  return op;
}

describe('runAsPromiseRejectingOnCancel()', () => {
  it('should resolve with the callback value when not aborted', async () => {
    expect(await runAsPromiseRejectingOnCancel<number>((callback) => startSilencedTimer(3, 1, callback))).to.equal(3);
  });

  it('should reject with signal.reason as soon as the abort cancel wins, without waiting for a callback', async () => {
    const controller = new AbortController();
    const promise = runAsPromiseRejectingOnCancel<number>((callback) => startSilencedTimer(1, 10_000, callback), {
      signal: controller.signal,
    });
    const reason = new Error('stop');
    controller.abort(reason);
    await expectRejection(promise, reason);
  });

  it('should keep the outcome when the callback came before the abort', async () => {
    const controller = new AbortController();
    const value = await runAsPromiseRejectingOnCancel<number>((callback) => startSilencedTimer(5, 1, callback), {
      signal: controller.signal,
    });
    controller.abort();
    expect(value).to.equal(5);
  });

  it('should reject at once for an already aborted signal and not start', async () => {
    const start = sinon.spy();
    const reason = new Error('early');
    await expectRejection(runAsPromiseRejectingOnCancel(start, { signal: AbortSignal.abort(reason) }), reason);
    sinon.assert.notCalled(start);
  });
});

async function expectRejection(promise: Promise<unknown>, expected: unknown): Promise<void> {
  let rejection: unknown = 'not rejected';
  try {
    await promise;
  } catch (error) {
    rejection = error;
  }
  expect(rejection).to.equal(expected);
}

describe('runAsPromise() and a misbehaving start function', () => {
  it('should cancel the op when the signal aborts while start() runs', async () => {
    const controller = new AbortController();
    const reason = new Error('aborted during start');
    const promise = runAsPromise<number>(
      (callback) => {
        const op = startTimer(1, 10_000, callback);
        controller.abort(reason);
        return op;
      },
      { signal: controller.signal },
    );
    await expectRejection(promise, reason);
  });

  it('should do the same for runAsPromiseRejectingOnCancel()', async () => {
    const controller = new AbortController();
    const reason = new Error('aborted during start');
    const promise = runAsPromiseRejectingOnCancel<number>(
      (callback) => {
        const op = startSilencedTimer(1, 10_000, callback);
        controller.abort(reason);
        return op;
      },
      { signal: controller.signal },
    );
    await expectRejection(promise, reason);
  });

  it('should reject with a TypeError naming what start() returned when it is not an AsyncOp, ignoring the callback', async () => {
    for (const returned of [5, undefined, null, {}, 'op']) {
      let late: NodeCallback<number> | undefined;
      const promise = runAsPromise<number>((callback) => {
        late = callback;
        return returned as never;
      });
      let caught: unknown;
      await promise.catch((error: unknown) => (caught = error));
      expect(caught).to.be.instanceOf(TypeError);
      expect(String(caught)).to.contain('Expected `start` to return an AsyncOp reference');
      expect(() => late?.(null, 1)).to.not.throw();
    }
  });

  it('should reject for a bad return value even when the callback came before start() returned', async () => {
    const promise = runAsPromise<number>((callback) => {
      callback(null, 1);
      return 7 as never;
    });
    let caught: unknown;
    await promise.catch((error: unknown) => (caught = error));
    expect(String(caught)).to.contain('got `7` (number)');
  });
});

import { getEventListeners } from 'node:events';
import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import {
  AsyncOp,
  type CanceledError,
  cancelKindOf,
  runAsPromise,
  runAsPromiseRejectingOnCancel,
  type NodeCallback,
} from '../src/index.js';

/** As many calls as a busy server keeps pending on one request's signal: far past Node's 10-listener warning. */
const MANY = 1000;

const variants = [
  { name: 'runAsPromise()', run: runAsPromise, isSilenced: false },
  { name: 'runAsPromiseRejectingOnCancel()', run: runAsPromiseRejectingOnCancel, isSilenced: true },
] as const;

/**
 * Work that finishes when told: `finish(value)` delivers the value if cancel has not won; a winning cancel delivers the
 * op's reason through the callback, or (silenced, as a file action) nothing at all.
 */
class ManualWork {
  readonly op: AsyncOp<unknown>;
  private own: AsyncOp<unknown> | null;

  constructor(
    private readonly callback: NodeCallback<number>,
    private readonly isSilenced: boolean,
  ) {
    this.op = AsyncOp.create({ context: null, cancel: () => this.end(this.own?.reason, undefined) });
    this.own = this.op.ref();
  }

  finish(value: number): void {
    this.end(undefined, value);
  }

  private end(error: unknown, value: number | undefined): void {
    const own = this.own;
    if (own === null || !own.complete()) return;
    this.own = null;
    own.release();
    if (error === undefined) this.callback(null, value);
    else if (!this.isSilenced) this.callback(error);
  }
}

/** A start function that starts a ManualWork and keeps it in `works`, for the test to finish. */
function startInto(works: ManualWork[], isSilenced: boolean): (callback: NodeCallback<number>) => AsyncOp<unknown> {
  return (callback) => {
    const work = new ManualWork(callback, isSilenced);
    works.push(work);
    return work.op;
  };
}

/** What a settled promise gave: its value, or its rejection. */
type Settled = { readonly value: unknown } | { readonly error: unknown };

function settled(promise: Promise<unknown>): Promise<Settled> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

describe('runAsPromise() and runAsPromiseRejectingOnCancel() with one signal for many calls', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning);
  };

  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });

  afterEach(() => {
    process.off('warning', onWarning);
  });

  for (const { name, run, isSilenced } of variants) {
    describe(name, () => {
      it(`should give the signal at most one 'abort' listener for ${MANY} pending calls, and none once settled`, async () => {
        const { signal } = new AbortController();
        const works: ManualWork[] = [];
        const promises = Array.from({ length: MANY }, (_, index) =>
          run<number>(startInto(works, isSilenced), { signal }).then((value) => expect(value).to.equal(index)),
        );
        expect(getEventListeners(signal, 'abort').length).to.be.at.most(1);
        works.forEach((work, index) => work.finish(index));
        await Promise.all(promises);
        expect(getEventListeners(signal, 'abort')).to.have.length(0);
        // Node emits the MaxListenersExceededWarning on a later tick
        await new Promise((resolve) => setImmediate(resolve));
        expect(warnings.map((warning) => warning.name)).to.deep.equal([]);
      });

      it(`should reject all ${MANY} pending calls with signal.reason unchanged at the abort`, async () => {
        const controller = new AbortController();
        const { signal } = controller;
        const works: ManualWork[] = [];
        const outcomes = Array.from({ length: MANY }, () =>
          settled(run<number>(startInto(works, isSilenced), { signal })),
        );
        const reason = new Error('the request went away');
        controller.abort(reason);
        expect(getEventListeners(signal, 'abort')).to.have.length(0);
        for (const outcome of await Promise.all(outcomes)) expect(outcome).to.deep.equal({ error: reason });
        // every op's cancel won: a finish that comes now delivers nothing
        works.forEach((work) => work.finish(1));
        await new Promise((resolve) => setImmediate(resolve));
        expect(warnings.map((warning) => warning.name)).to.deep.equal([]);
      });

      it('should listen to the signal itself, until settled, when the op already follows a source', async () => {
        for (const kind of ['parent op', 'another signal'] as const) {
          const parent = AsyncOp.create({ context: null });
          const other = new AbortController();
          const controller = new AbortController();
          const { signal } = controller;
          const start = (callback: NodeCallback<number>): AsyncOp<unknown> => {
            const work = new ManualWork(callback, isSilenced);
            work.op.follow(kind === 'parent op' ? parent : other.signal);
            return work.op;
          };
          const plain = run<number>((callback) => new ManualWork(callback, isSilenced).op, { signal });
          const following = run<number>(start, { signal });
          // the fan-out's one listener for every op that could follow the signal, and the fallback's own
          expect(getEventListeners(signal, 'abort'), kind).to.have.length(2);
          // the fallback listener cancels with signal.reason, as the fan-out does
          const reason = new Error(`abort while following a ${kind}`);
          controller.abort(reason);
          expect(await settled(following), kind).to.deep.equal({ error: reason });
          expect(await settled(plain), kind).to.deep.equal({ error: reason });
          expect(getEventListeners(signal, 'abort'), kind).to.have.length(0);
          parent.release();
        }
      });

      it('should leave the signal once settled even when the op still runs, held by its module', async () => {
        const controller = new AbortController();
        const { signal } = controller;
        const held = AsyncOp.create({ context: null });
        // the module calls back first and completes later: the caller's reference is not the op's last
        const value = await run<number>(
          (callback) => {
            setImmediate(() => callback(null, 8));
            return held.ref();
          },
          { signal },
        );
        expect(value).to.equal(8);
        expect(getEventListeners(signal, 'abort')).to.have.length(0);
        // the call is over: its signal no longer reaches the op
        controller.abort();
        expect(held.isCanceled).to.equal(false);
        held.complete();
        held.release();
      });

      it('should remove its own listener once the callback came, on the fallback path', async () => {
        const parent = AsyncOp.create({ context: null });
        const { signal } = new AbortController();
        let work: ManualWork | undefined;
        const promise = run<number>(
          (callback) => {
            work = new ManualWork(callback, isSilenced);
            work.op.follow(parent);
            return work.op;
          },
          { signal },
        );
        expect(getEventListeners(signal, 'abort')).to.have.length(1);
        work?.finish(9);
        expect(await promise).to.equal(9);
        expect(getEventListeners(signal, 'abort')).to.have.length(0);
        parent.release();
      });
    });
  }
});

describe('runAsPromiseRejectingOnCancel() and a cancel made by someone else', () => {
  it('should reject at once with the reason of a parent op whose cancel reached the op', async () => {
    const parent = AsyncOp.create({ context: null });
    const outcome = settled(
      runAsPromiseRejectingOnCancel<number>((callback) => {
        const work = new ManualWork(callback, true);
        work.op.follow(parent);
        return work.op;
      }),
    );
    const reason = new Error('the parent gave up');
    parent.cancel(reason);
    const { error } = (await outcome) as { readonly error: unknown };
    expect(cancelKindOf(error)).to.equal('parent');
    expect((error as CanceledError).cause).to.equal(reason);
    parent.release();
  });

  it('should reject with the reason of a cancel the start function made before returning', async () => {
    const reason = new Error('canceled while starting');
    const outcome = settled(
      runAsPromiseRejectingOnCancel<number>((callback) => {
        const work = new ManualWork(callback, true);
        work.op.cancel(reason);
        return work.op;
      }),
    );
    expect(await outcome).to.deep.equal({ error: reason });
  });

  it('should keep the callback outcome when the cancel came after it', async () => {
    const parent = AsyncOp.create({ context: null });
    let work: ManualWork | undefined;
    const promise = runAsPromiseRejectingOnCancel<number>((callback) => {
      work = new ManualWork(callback, true);
      work.op.follow(parent);
      return work.op;
    });
    work?.finish(4);
    parent.cancel();
    expect(await promise).to.equal(4);
    parent.release();
  });
});

describe('runAsPromise() and a released reference', () => {
  it('should reject with a TypeError when start() returns a released reference, ignoring the callback', async () => {
    for (const run of [runAsPromise, runAsPromiseRejectingOnCancel]) {
      let late: NodeCallback<number> | undefined;
      const outcome = settled(
        run<number>((callback) => {
          late = callback;
          const op = AsyncOp.create({ context: null });
          op.release();
          return op;
        }),
      );
      const { error } = (await outcome) as { readonly error: unknown };
      expect(error).to.be.instanceOf(TypeError);
      expect(String(error)).to.contain('Expected `start` to return an AsyncOp reference, got a released AsyncOp');
      expect(() => late?.(null, 1)).to.not.throw();
    }
  });
});

describe('runAsPromise() and a callback called twice', () => {
  it('should keep the first outcome and throw at the second call, before or after start() returned', async () => {
    for (const isEarly of [true, false]) {
      let callback: NodeCallback<number> = () => {};
      const promise = runAsPromise<number>((given) => {
        callback = given;
        const op = AsyncOp.create({ context: null });
        op.complete();
        if (isEarly) given(null, 1);
        return op;
      });
      if (!isEarly) callback(null, 1);
      expect(() => callback(null, 2)).to.throw(Error, 'the start function called its callback more than once');
      expect(await promise).to.equal(1);
    }
  });
});

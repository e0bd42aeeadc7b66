import { expect } from 'chai';
import { describe, it } from 'mocha';
import { getEventListeners } from 'node:events';
import sinon from 'sinon';
import { AsyncOp, CanceledError } from '../src/index.js';

/**
 * Collects garbage, with event-loop turns between (weak references are cleared between jobs), until every weak
 * reference in `refs` is cleared or 20 rounds passed; returns those still alive. Several rounds, because one full GC
 * can find incremental marking in progress (seen under the load of the whole suite), not because anything is kept.
 */
async function collectUntilCleared(refs: readonly WeakRef<object>[]): Promise<WeakRef<object>[]> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run the tests with --expose-gc');
  let alive: WeakRef<object>[] = [...refs];
  for (let round = 0; round < 20 && alive.length > 0; round++) {
    // a new job first: deref() keeps its target alive until the end of the job that called it
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    alive = alive.filter((ref) => ref.deref() !== undefined);
  }
  return alive;
}

/**
 * Creates `count` ops that follow `source`, completes and releases them; returns weak references to their contexts.
 * A plain function, so no suspended async frame keeps the last op alive.
 */
function runFinishedFollowers(count: number, source: AbortSignal | AsyncOp<unknown>): WeakRef<object>[] {
  const contexts: WeakRef<object>[] = [];
  for (let index = 0; index < count; index++) {
    const context = {};
    contexts.push(new WeakRef(context));
    const op = AsyncOp.create({ context });
    op.follow(source);
    op.complete();
    op.release();
  }
  return contexts;
}

describe('AsyncOp AbortSignal interop', () => {
  describe('signal', () => {
    it('should abort with the reason when cancel wins', () => {
      const op = AsyncOp.create({ context: null });
      const signal = op.signal;
      expect(op.signal).to.equal(signal);
      expect(signal.aborted).to.equal(false);
      const onAbort = sinon.spy();
      signal.addEventListener('abort', onAbort);
      const reason = new Error('stop');
      op.cancel(reason);
      expect(signal.aborted).to.equal(true);
      expect(signal.reason).to.equal(reason);
      sinon.assert.calledOnce(onAbort);
      op.release();
    });

    it('should abort with a CanceledError when cancel had no reason', () => {
      const op = AsyncOp.create({ context: null });
      const signal = op.signal;
      op.cancel();
      expect(signal.reason).to.be.instanceOf(CanceledError);
      expect(signal.reason).to.equal(op.reason);
      op.release();
    });

    it('should be already aborted when first read after cancel', () => {
      const op = AsyncOp.create({ context: null });
      op.cancel('early');
      expect(op.signal.aborted).to.equal(true);
      expect(op.signal.reason).to.equal('early');
      op.release();
    });

    it('should never abort once the op completed', () => {
      const op = AsyncOp.create({ context: null });
      const signal = op.signal;
      op.complete();
      op.cancel();
      expect(signal.aborted).to.equal(false);
      op.release();
    });
  });

  describe('follow(signal)', () => {
    it('should cancel the op with the signal reason when the signal aborts', () => {
      const controller = new AbortController();
      const cancel = sinon.spy();
      const op = AsyncOp.create({ context: null, cancel });
      op.follow(controller.signal);
      controller.abort('from outside');
      sinon.assert.calledOnce(cancel);
      expect(op.reason).to.equal('from outside');
      expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
      op.release();
    });

    it('should cancel at once, inside follow(), for an already aborted signal', () => {
      const cancel = sinon.spy();
      const op = AsyncOp.create({ context: null, cancel });
      const reason = new Error('already');
      op.follow(AbortSignal.abort(reason));
      sinon.assert.calledOnce(cancel);
      expect(op.reason).to.equal(reason);
      op.release();
    });

    it('should remove its listener when the op completes, is canceled or is released', () => {
      const controller = new AbortController();
      const completed = AsyncOp.create({ context: null });
      completed.follow(controller.signal);
      const canceled = AsyncOp.create({ context: null });
      canceled.follow(controller.signal);
      const released = AsyncOp.create({ context: null });
      released.follow(controller.signal);
      // one listener for all three followers
      expect(getEventListeners(controller.signal, 'abort')).to.have.length(1);
      completed.complete();
      canceled.cancel();
      released.release();
      expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
      completed.release();
      canceled.release();
    });

    it('should refuse a second source and anything that is not a signal or an op', () => {
      const op = AsyncOp.create({ context: null });
      expect(() => op.follow({} as never)).to.throw(
        TypeError,
        'Expected `source` to be an AbortSignal or an AsyncOp, got an object',
      );
      op.follow(new AbortController().signal);
      expect(() => op.follow(new AbortController().signal)).to.throw('already follows');
      op.release();
    });

    it('should retain nothing per finished op in a long-lived signal (after GC)', async () => {
      const controller = new AbortController();
      const contexts = runFinishedFollowers(1000, controller.signal);
      expect(await collectUntilCleared(contexts)).to.have.length(0);
      expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
    });
  });

  describe('follow(parent op)', () => {
    it('should cancel the child with the parent reason, and never the parent from the child', () => {
      const parentCancel = sinon.spy();
      const parent = AsyncOp.create({ context: null, cancel: parentCancel });
      const childCancel = sinon.spy();
      const child = AsyncOp.create({ context: null, cancel: childCancel });
      child.follow(parent);
      child.cancel('child only');
      sinon.assert.notCalled(parentCancel);

      const sibling = AsyncOp.create({ context: null, cancel: childCancel });
      sibling.follow(parent);
      parent.cancel('parent');
      expect(sibling.reason).to.be.instanceOf(CanceledError).and.include({ kind: 'parent', cause: 'parent' });
      sinon.assert.calledTwice(childCancel);
      for (const op of [parent, child, sibling]) op.release();
    });

    it('should cancel at once when the parent was already canceled', () => {
      const parent = AsyncOp.create({ context: null });
      parent.cancel('gone');
      const child = AsyncOp.create({ context: null });
      child.follow(parent);
      expect(child.reason).to.be.instanceOf(CanceledError).and.include({ kind: 'parent', cause: 'gone' });
      parent.release();
      child.release();
    });

    it('should retain nothing per finished child in a long-lived parent (after GC)', async () => {
      const parent = AsyncOp.create({ context: null });
      const contexts = runFinishedFollowers(1000, parent);
      expect(await collectUntilCleared(contexts)).to.have.length(0);
      // the parent still works and cancels nothing finished
      expect(parent.cancel()).to.equal(true);
      parent.release();
    });
  });
});

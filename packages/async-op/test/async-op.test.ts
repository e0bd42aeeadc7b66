import { expect } from 'chai';
import { describe, it } from 'mocha';
import sinon from 'sinon';
import { AsyncOp, AsyncOpReleasedError, CanceledError, CancelCallbackError, ErrorCode } from '../src/index.js';

function expectReleasedError(action: () => unknown): void {
  expect(action).to.throw(AsyncOpReleasedError).with.property('code', ErrorCode.ASYNC_OP_RELEASED);
}

describe('AsyncOp', () => {
  describe('create()', () => {
    it('should return a running reference to an op holding the context', () => {
      const context = { name: 'ctx' };
      const op = AsyncOp.create({ context });
      expect(op.state).to.equal('running');
      expect(op.context).to.equal(context);
      expect(op.isCanceled).to.equal(false);
      expect(op.isCompleted).to.equal(false);
      expect(op.reason).to.equal(undefined);
      op.release();
    });

    it('should throw a TypeError naming the value received for bad options', () => {
      expect(() => AsyncOp.create(null as never)).to.throw(TypeError, 'Expected `options` to be an object, got `null`');
      expect(() => AsyncOp.create(5 as never)).to.throw(TypeError, 'got `5` (number)');
      expect(() => AsyncOp.create({ context: 1, cancel: 'no' as never })).to.throw(
        TypeError,
        'Expected `options.cancel` to be a function or undefined, got `"no"` (string)',
      );
      expect(() => AsyncOp.create({ context: 1, dispose: {} as never })).to.throw(TypeError, 'options.dispose');
    });
  });

  describe('cancel()', () => {
    it('should run the cancel implementation once, synchronously, with the context', () => {
      const cancel = sinon.spy();
      const op = AsyncOp.create({ context: 'ctx', cancel });
      expect(op.cancel()).to.equal(true);
      sinon.assert.calledOnceWithExactly(cancel, 'ctx');
      expect(op.state).to.equal('canceling');
      expect(op.isCanceled).to.equal(true);
      op.release();
    });

    it('should run nothing on a second cancel', () => {
      const cancel = sinon.spy();
      const op = AsyncOp.create({ context: null, cancel });
      op.cancel('first');
      expect(op.cancel('second')).to.equal(false);
      sinon.assert.calledOnce(cancel);
      expect(op.reason).to.equal('first');
      op.release();
    });

    it('should be fine without a cancel implementation', () => {
      const op = AsyncOp.create({ context: null });
      expect(op.cancel()).to.equal(true);
      expect(op.state).to.equal('canceling');
      op.release();
    });

    it('should run nothing after completion', () => {
      const cancel = sinon.spy();
      const op = AsyncOp.create({ context: null, cancel });
      op.complete();
      expect(op.cancel()).to.equal(false);
      sinon.assert.notCalled(cancel);
      expect(op.isCanceled).to.equal(false);
      expect(op.state).to.equal('completed');
      op.release();
    });

    it('should default the reason to a CanceledError created on first read, and keep it', () => {
      const op = AsyncOp.create({ context: null });
      op.cancel();
      const reason = op.reason;
      expect(reason).to.be.instanceOf(CanceledError);
      expect(op.reason).to.equal(reason);
      op.release();
    });

    it('should treat an undefined reason as no reason', () => {
      const op = AsyncOp.create({ context: null });
      op.cancel(undefined);
      expect(op.reason).to.be.instanceOf(CanceledError);
      op.release();
    });

    it('should allow re-entrant cancel, complete and release from inside the implementation', () => {
      const order: string[] = [];
      const dispose = sinon.spy();
      const op: AsyncOp<null> = AsyncOp.create({
        context: null,
        dispose,
        cancel: () => {
          order.push('cancel');
          expect(op.cancel()).to.equal(false);
          expect(op.complete()).to.equal(true);
          op.release();
          order.push('released');
        },
      });
      expect(op.cancel()).to.equal(true);
      order.push('returned');
      expect(order).to.deep.equal(['cancel', 'released', 'returned']);
      sinon.assert.calledOnce(dispose);
      expect(op.isReleased).to.equal(true);
    });

    it('should let the implementation start and cancel other ops', () => {
      const inner = sinon.spy();
      const outer = AsyncOp.create({
        context: null,
        cancel: () => {
          const other = AsyncOp.create({ context: null, cancel: inner });
          other.cancel();
          other.release();
        },
      });
      outer.cancel();
      sinon.assert.calledOnce(inner);
      outer.release();
    });

    it('should run onCancel callbacks even when the implementation completes the op (fake cancel)', () => {
      const order: string[] = [];
      const op: AsyncOp<null> = AsyncOp.create({
        context: null,
        cancel: () => {
          order.push('cancel');
          if (op.complete()) order.push('delivered canceled');
        },
      });
      op.onCancel(() => order.push('registration'));
      op.cancel();
      expect(order).to.deep.equal(['cancel', 'delivered canceled', 'registration']);
      op.release();
    });

    it('should run every function even when some throw, then rethrow one error as is', () => {
      const boom = new Error('boom');
      const after = sinon.spy();
      const op = AsyncOp.create({
        context: null,
        cancel: () => {
          throw boom;
        },
      });
      op.onCancel(after);
      expect(() => op.cancel()).to.throw(boom);
      sinon.assert.calledOnce(after);
      expect(op.state).to.equal('canceling');
      op.release();
    });

    it('should collect several errors into a CancelCallbackError in the order thrown', () => {
      const first = new Error('first');
      const second = new Error('second');
      const op = AsyncOp.create({
        context: null,
        cancel: () => {
          throw first;
        },
      });
      op.onCancel(() => {
        throw second;
      });
      const third = sinon.spy();
      op.onCancel(third);
      let caught: unknown;
      try {
        op.cancel();
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(CancelCallbackError);
      expect((caught as CancelCallbackError).errors).to.deep.equal([first, second]);
      expect((caught as CancelCallbackError).code).to.equal(ErrorCode.CANCEL_CALLBACKS_FAILED);
      sinon.assert.calledOnce(third);
      op.release();
    });
  });

  describe('complete()', () => {
    it('should report that the first call won and later calls lost', () => {
      const op = AsyncOp.create({ context: null });
      expect(op.complete()).to.equal(true);
      expect(op.complete()).to.equal(false);
      expect(op.isCompleted).to.equal(true);
      op.release();
    });

    it('should win once after cancel won (the fake-cancel guard)', () => {
      const op = AsyncOp.create({ context: null });
      op.cancel();
      expect(op.complete()).to.equal(true);
      expect(op.complete()).to.equal(false);
      expect(op.isCanceled).to.equal(true);
      expect(op.state).to.equal('completed');
      op.release();
    });
  });

  describe('ref() and release()', () => {
    it('should run dispose once, on the last release, and only then', () => {
      const dispose = sinon.spy();
      const first = AsyncOp.create({ context: 'ctx', dispose });
      const second = first.ref();
      const third = second.ref();
      first.release();
      third.release();
      sinon.assert.notCalled(dispose);
      second.release();
      sinon.assert.calledOnceWithExactly(dispose, 'ctx');
    });

    it('should give every holder its own reference', () => {
      const first = AsyncOp.create({ context: null });
      const second = first.ref();
      expect(second).to.not.equal(first);
      first.release();
      expect(first.isReleased).to.equal(true);
      expect(second.isReleased).to.equal(false);
      expect(second.state).to.equal('running');
      second.release();
    });

    it('should count the live references of the op on every reference, and refuse the count on a released one', () => {
      const first = AsyncOp.create({ context: null });
      const second = first.ref();
      expect([first.referenceCount, second.referenceCount]).to.deep.equal([2, 2]);
      first.release();
      expect(second.referenceCount).to.equal(1);
      expectReleasedError(() => first.referenceCount);
      second.release();
    });

    it('should throw ERR_ASYNC_OP_RELEASED on a second release without running dispose again', () => {
      const dispose = sinon.spy();
      const op = AsyncOp.create({ context: null, dispose });
      op.release();
      expectReleasedError(() => op.release());
      sinon.assert.calledOnce(dispose);
    });

    it('should throw ERR_ASYNC_OP_RELEASED on every use of a released reference', () => {
      const op = AsyncOp.create({ context: null });
      const other = op.ref();
      op.release();
      expectReleasedError(() => op.cancel());
      expectReleasedError(() => op.complete());
      expectReleasedError(() => op.ref());
      expectReleasedError(() => op.onCancel(() => undefined));
      expectReleasedError(() => op.context);
      expectReleasedError(() => op.state);
      expectReleasedError(() => op.reason);
      expectReleasedError(() => op.signal);
      expectReleasedError(() => op.isCanceled);
      expectReleasedError(() => op.isCompleted);
      expectReleasedError(() => op.throwIfCanceled());
      expectReleasedError(() => op.follow(other));
      expectReleasedError(() => other.follow(op));
      // the misuse changed nothing
      expect(other.state).to.equal('running');
      other.release();
    });

    it('should release through `using`', () => {
      const dispose = sinon.spy();
      {
        using op = AsyncOp.create({ context: null, dispose });
        expect(op.state).to.equal('running');
      }
      sinon.assert.calledOnce(dispose);
    });

    it('should run dispose when the canceller, the callback or the caller releases last, in any order', () => {
      for (const order of [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
      ]) {
        const dispose = sinon.spy();
        const caller = AsyncOp.create({ context: null, dispose });
        const references = [caller, caller.ref(), caller.ref()];
        for (const index of order) references[index]?.release();
        sinon.assert.calledOnce(dispose);
      }
    });

    it('should release the reference even when dispose throws', () => {
      const op = AsyncOp.create({
        context: null,
        dispose: () => {
          throw new Error('dispose failed');
        },
      });
      expect(() => op.release()).to.throw('dispose failed');
      expect(op.isReleased).to.equal(true);
    });
  });

  describe('throwIfCanceled()', () => {
    it('should throw the reason once canceled, and nothing before', () => {
      const op = AsyncOp.create({ context: null });
      op.throwIfCanceled();
      const reason = new Error('stop');
      op.cancel(reason);
      expect(() => op.throwIfCanceled()).to.throw(reason);
      op.release();
    });
  });
});

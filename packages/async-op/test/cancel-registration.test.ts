import { expect } from 'chai';
import { describe, it } from 'mocha';
import sinon from 'sinon';
import { AsyncOp } from '../src/index.js';

describe('CancelRegistration', () => {
  describe('onCancel()', () => {
    it('should run callbacks with the reason, in the order registered, after the implementation', () => {
      const order: string[] = [];
      const op = AsyncOp.create({ context: null, cancel: () => order.push('implementation') });
      op.onCancel((reason) => order.push(`first:${String(reason)}`));
      op.onCancel((reason) => order.push(`second:${String(reason)}`));
      op.cancel('why');
      expect(order).to.deep.equal(['implementation', 'first:why', 'second:why']);
      op.release();
    });

    it('should run a registration made after cancel at once, before onCancel returns', () => {
      const op = AsyncOp.create({ context: null });
      op.cancel('late');
      const callback = sinon.spy();
      const registration = op.onCancel(callback);
      sinon.assert.calledOnceWithExactly(callback, 'late');
      expect(registration.isRegistered).to.equal(false);
      expect(registration.unregister()).to.equal(false);
      op.release();
    });

    it('should run a registration made from inside a cancel callback at once', () => {
      const order: string[] = [];
      const op = AsyncOp.create({ context: null });
      op.onCancel(() => {
        order.push('outer');
        op.onCancel(() => order.push('inner'));
        order.push('outer end');
      });
      op.cancel();
      expect(order).to.deep.equal(['outer', 'inner', 'outer end']);
      op.release();
    });

    it('should run a registration made after a canceled op completed, but never one on an op completed uncanceled', () => {
      const canceled = AsyncOp.create({ context: null });
      canceled.cancel();
      canceled.complete();
      const late = sinon.spy();
      canceled.onCancel(late);
      sinon.assert.calledOnce(late);
      canceled.release();

      const completed = AsyncOp.create({ context: null });
      completed.complete();
      const never = sinon.spy();
      expect(completed.onCancel(never).isRegistered).to.equal(false);
      completed.cancel();
      sinon.assert.notCalled(never);
      completed.release();
    });

    it('should throw a TypeError naming the value for a non-function callback', () => {
      const op = AsyncOp.create({ context: null });
      expect(() => op.onCancel(42 as never)).to.throw(
        TypeError,
        'Expected `callback` to be a function, got `42` (number)',
      );
      op.release();
    });
  });

  describe('unregister()', () => {
    it('should keep an unregistered callback from running, and report whether it removed it', () => {
      const op = AsyncOp.create({ context: null });
      const kept = sinon.spy();
      const removed = sinon.spy();
      op.onCancel(kept);
      const registration = op.onCancel(removed);
      op.onCancel(kept);
      expect(registration.unregister()).to.equal(true);
      expect(registration.unregister()).to.equal(false);
      op.cancel();
      sinon.assert.notCalled(removed);
      sinon.assert.calledTwice(kept);
      op.release();
    });

    it('should unregister head, middle and tail in any order', () => {
      for (const order of [
        [0, 1, 2],
        [2, 1, 0],
        [1, 0, 2],
        [1, 2, 0],
      ]) {
        const op = AsyncOp.create({ context: null });
        const calls: number[] = [];
        const registrations = [0, 1, 2, 3].map((index) => op.onCancel(() => calls.push(index)));
        for (const index of order) registrations[index]?.unregister();
        op.cancel();
        expect(calls).to.deep.equal([3]);
        op.release();
      }
    });

    it('should keep a later callback from running when an earlier one unregisters it during cancel', () => {
      const op = AsyncOp.create({ context: null });
      const second = sinon.spy();
      const third = sinon.spy();
      // eslint-disable-next-line prefer-const
      let secondRegistration: { unregister(): boolean };
      op.onCancel(() => expect(secondRegistration.unregister()).to.equal(true));
      secondRegistration = op.onCancel(second);
      op.onCancel(third);
      op.cancel();
      sinon.assert.notCalled(second);
      sinon.assert.calledOnce(third);
      op.release();
    });

    it('should be a no-op from inside the callback itself', () => {
      const op = AsyncOp.create({ context: null });
      const registration = op.onCancel(() => expect(registration.unregister()).to.equal(false));
      op.cancel();
      op.release();
    });

    it('should work with `using`', () => {
      const op = AsyncOp.create({ context: null });
      const callback = sinon.spy();
      {
        using _registration = op.onCancel(callback);
      }
      op.cancel();
      sinon.assert.notCalled(callback);
      op.release();
    });
  });

  describe('dropping', () => {
    it('should drop every registration when the op completes', () => {
      const op = AsyncOp.create({ context: null });
      const callback = sinon.spy();
      const registration = op.onCancel(callback);
      op.complete();
      expect(registration.isRegistered).to.equal(false);
      expect(registration.unregister()).to.equal(false);
      op.cancel();
      sinon.assert.notCalled(callback);
      op.release();
    });

    it('should drop every registration when the last reference is released', () => {
      const op = AsyncOp.create({ context: null });
      const registrations = [op.onCancel(() => undefined), op.onCancel(() => undefined)];
      op.release();
      expect(registrations.map((registration) => registration.isRegistered)).to.deep.equal([false, false]);
    });

    it('should still run the remaining callbacks when one of them completes and releases the op', () => {
      const op = AsyncOp.create({ context: null });
      const later = sinon.spy();
      op.onCancel(() => {
        op.complete();
        op.release();
      });
      op.onCancel(later);
      op.cancel();
      sinon.assert.calledOnce(later);
    });
  });
});

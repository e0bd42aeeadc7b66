import { getEventListeners } from 'node:events';
import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import sinon from 'sinon';
import { AsyncOp, CanceledError, cancelKindOf } from '../src/index.js';
import { MAX_REFERENCES, ONE_REFERENCE, type OpRecord } from '../src/internal/op-record.js';

/** The record behind a first reference (the first reference is the record). */
function recordOf(op: AsyncOp<unknown>): OpRecord {
  return op as unknown as OpRecord;
}

describe('AsyncOp reliability', () => {
  afterEach(() => sinon.restore());

  describe('a last release inside a cancel callback', () => {
    it('should leave dispose to the end of the firing loop: every callback runs before it', () => {
      const order: string[] = [];
      const op = AsyncOp.create({ context: null, dispose: () => order.push('dispose') });
      const own = op.ref();
      op.onCancel(() => {
        order.push('first callback releases the last reference');
        own.release();
      });
      op.onCancel(() => order.push('second callback'));
      op.signal.addEventListener('abort', () => order.push('signal listener'));
      op.release();
      // the cancel comes through the last reference, from inside cancel() itself
      own.cancel();
      order.push('cancel returned');
      expect(order).to.deep.equal([
        'signal listener',
        'first callback releases the last reference',
        'second callback',
        'dispose',
        'cancel returned',
      ]);
    });

    it('should still run dispose inside cancel() when the cancel implementation releases the last reference', () => {
      const order: string[] = [];
      const op: AsyncOp<null> = AsyncOp.create({
        context: null,
        cancel: () => {
          op.release();
          order.push('released in cancel');
        },
        dispose: () => order.push('dispose'),
      });
      op.onCancel(() => order.push('callback'));
      op.cancel();
      expect(order).to.deep.equal(['released in cancel', 'callback', 'dispose']);
    });

    it("should report a deferred dispose's error from cancel(), after every callback ran", () => {
      const after = sinon.spy();
      const op = AsyncOp.create({
        context: null,
        dispose: () => {
          throw new Error('dispose failed');
        },
      });
      const own = op.ref();
      op.release();
      own.onCancel(() => own.release());
      own.onCancel(after);
      expect(() => own.cancel()).to.throw('dispose failed');
      sinon.assert.calledOnce(after);
    });
  });

  describe('reference count', () => {
    it(`should refuse live reference number ${MAX_REFERENCES + 1} with a RangeError, changing nothing`, () => {
      const op = AsyncOp.create({ context: null });
      const record = recordOf(op);
      const original = record.bits;
      // preset the count to the limit without allocating 2^24 references
      record.bits = original + (MAX_REFERENCES - 1) * ONE_REFERENCE;
      expect(() => op.ref()).to.throw(RangeError, 'live references');
      expect(op.state).to.equal('running');
      record.bits = original;
      op.ref().release();
      op.release();
    });

    it('should keep the packed state a small integer at the limit', () => {
      expect(MAX_REFERENCES * ONE_REFERENCE + ONE_REFERENCE - 1).to.be.below(2 ** 30);
    });
  });

  describe('reason-less cancel', () => {
    it('should create its reason once, when read, without capturing a stack', () => {
      const captured = sinon.spy(Error, 'captureStackTrace');
      const op = AsyncOp.create({ context: null, label: 'job' });
      op.cancel();
      const reason = op.reason as CanceledError;
      expect(reason).to.be.instanceOf(CanceledError).and.include({ kind: 'explicit', origin: 'job' });
      expect(op.reason).to.equal(reason);
      expect(reason.stack).to.not.match(/\n\s+at /);
      sinon.assert.notCalled(captured);
      op.release();
      expect(Error.stackTraceLimit).to.be.a('number').and.above(0);
    });

    it('should give each op its own reason, so one holder marking it cannot affect another op', () => {
      const first = AsyncOp.create({ context: null });
      const second = AsyncOp.create({ context: null });
      first.cancel();
      second.cancel();
      expect(first.reason).to.not.equal(second.reason);
      first.release();
      second.release();
    });

    it('should let a user cancel reason through unchanged (kind user)', () => {
      const op = AsyncOp.create({ context: null });
      const reason = { why: 'mine' };
      op.cancel(reason);
      expect(op.reason).to.equal(reason);
      expect(cancelKindOf(op.reason)).to.equal('user');
      op.release();
    });
  });

  describe('many ops following one AbortSignal', () => {
    it('should add one listener whatever the number of followers, warn nothing, and remove it after', async () => {
      const warning = sinon.spy();
      process.on('warning', warning);
      try {
        const controller = new AbortController();
        const ops = Array.from({ length: 50 }, () => AsyncOp.create({ context: null }));
        for (const op of ops) op.follow(controller.signal);
        expect(getEventListeners(controller.signal, 'abort')).to.have.length(1);
        for (const op of ops.slice(0, 25)) op.complete();
        controller.abort('stop');
        for (const op of ops.slice(25)) expect(op.reason).to.equal('stop');
        expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
        for (const op of ops) op.release();
        // Node emits its warning on a later tick
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off('warning', warning);
      }
      sinon.assert.notCalled(warning);
    });

    it('should let followers leave in any order, the last one removing the listener', () => {
      const controller = new AbortController();
      const ops = Array.from({ length: 5 }, () => AsyncOp.create({ context: null }));
      for (const op of ops) op.follow(controller.signal);
      for (const index of [2, 0, 4, 1]) ops[index]?.release();
      expect(getEventListeners(controller.signal, 'abort')).to.have.length(1);
      ops[3]?.complete();
      expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
      ops[3]?.release();
      // following again after everyone left starts afresh
      const again = AsyncOp.create({ context: null });
      again.follow(controller.signal);
      controller.abort('late');
      expect(again.reason).to.equal('late');
      again.release();
    });
  });
});

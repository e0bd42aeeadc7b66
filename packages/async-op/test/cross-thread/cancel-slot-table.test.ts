import { expect } from 'chai';
import { describe, it } from 'mocha';
import {
  AsyncOp,
  CancelSlotTable,
  CancelSlotsExhaustedError,
  SharedCancelFollower,
  type SharedCancelDescriptor,
} from '../../src/index.js';

function op(): AsyncOp<null> {
  return AsyncOp.create({ context: null });
}

describe('CancelSlotTable', () => {
  describe('constructor', () => {
    it('should throw a RangeError naming the value for a capacity or reasonBytes out of range', () => {
      const bad: [string, unknown][] = [
        ['capacity', 0],
        ['capacity', -1],
        ['capacity', 1.5],
        ['capacity', Number.NaN],
        ['capacity', Number.POSITIVE_INFINITY],
        ['capacity', Number.NEGATIVE_INFINITY],
        ['capacity', 2 ** 31],
        ['capacity', 2 ** 32],
        ['capacity', 65_537],
        ['capacity', '4'],
        ['reasonBytes', 63],
        ['reasonBytes', 65_537],
        ['reasonBytes', null],
      ];
      for (const [name, value] of bad) {
        expect(() => new CancelSlotTable({ [name]: value } as never), `${name} = ${String(value)}`)
          .to.throw(RangeError, `Expected \`options.${name}\` to be an integer in`)
          .with.property('message')
          .that.contains('got `');
      }
    });

    it('should throw a TypeError for options that are not an object', () => {
      expect(() => new CancelSlotTable(null as never)).to.throw(TypeError, 'got `null`');
      expect(() => new CancelSlotTable('big' as never)).to.throw(TypeError, 'got `"big"` (string)');
    });

    it('should start with every slot free and a buffer sized for its slots and reasons', () => {
      const table = new CancelSlotTable({ capacity: 3, reasonBytes: 100 });
      expect(table.capacity).to.equal(3);
      expect(table.inUseCount).to.equal(0);
      expect(table.buffer).to.be.instanceOf(SharedArrayBuffer);
      expect(table.buffer.byteLength).to.equal(64 + 3 * 64 + 3 * 100);
    });
  });

  describe('share()', () => {
    it('should hand out a frozen, cloneable descriptor that shares the table memory', () => {
      const table = new CancelSlotTable({ capacity: 2 });
      const first = op();
      const shared = table.share(first);
      const { descriptor } = shared;
      expect(Object.isFrozen(descriptor)).to.equal(true);
      const clone = structuredClone(descriptor) as SharedCancelDescriptor;
      expect(clone.buffer).to.not.equal(descriptor.buffer);
      const follower = SharedCancelFollower.follow(clone, { watch: false });
      first.cancel('through the clone');
      expect(follower.isCanceled).to.equal(true);
      expect(follower.reason).to.equal('through the clone');
      follower.complete();
      shared.release();
      first.release();
    });

    it('should mark the slot when the op is canceled, once, and never after it completed', () => {
      const table = new CancelSlotTable({ capacity: 2 });
      const canceled = op();
      const completed = op();
      const a = table.share(canceled);
      const b = table.share(completed);
      expect([a.isCanceled, b.isCanceled]).to.deep.equal([false, false]);
      canceled.cancel();
      completed.complete();
      completed.cancel();
      expect([a.isCanceled, b.isCanceled]).to.deep.equal([true, false]);
      for (const shared of [a, b]) shared.release();
      for (const reference of [canceled, completed]) reference.release();
    });

    it('should start the slot canceled for an op canceled before', () => {
      const table = new CancelSlotTable({ capacity: 1 });
      const canceled = op();
      canceled.cancel('early');
      const shared = table.share(canceled);
      expect(shared.isCanceled).to.equal(true);
      shared.release();
      canceled.release();
    });

    it('should throw CancelSlotsExhaustedError when every slot is in use, changing nothing', () => {
      const table = new CancelSlotTable({ capacity: 1 });
      const first = op();
      const second = op();
      const shared = table.share(first);
      expect(() => table.share(second))
        .to.throw(CancelSlotsExhaustedError)
        .with.property('code', 'ERR_CANCEL_SLOTS_EXHAUSTED');
      expect(table.inUseCount).to.equal(1);
      second.cancel();
      expect(shared.isCanceled, "a failed share must not link the op to another's slot").to.equal(false);
      shared.release();
      expect(table.share(second).isCanceled).to.equal(true);
      first.release();
      second.release();
    });

    it('should throw a TypeError for anything but an AsyncOp, and AsyncOpReleasedError for a released one', () => {
      const table = new CancelSlotTable({ capacity: 1 });
      for (const value of [null, undefined, {}, 'op', 0]) {
        expect(() => table.share(value as never)).to.throw(TypeError, 'Expected `op` to be an AsyncOp');
      }
      const released = op();
      released.release();
      expect(() => table.share(released))
        .to.throw()
        .with.property('code', 'ERR_ASYNC_OP_RELEASED');
      expect(table.inUseCount).to.equal(0);
    });

    it('should give a reused slot a new generation', () => {
      const table = new CancelSlotTable({ capacity: 1 });
      const generations: number[] = [];
      for (let use = 0; use < 4; use++) {
        const reference = op();
        const shared = table.share(reference);
        expect(shared.descriptor.index).to.equal(0);
        generations.push(shared.descriptor.generation);
        shared.release();
        reference.release();
      }
      expect(new Set(generations).size).to.equal(4);
      for (const generation of generations) expect(generation % 2).to.equal(0);
    });
  });
});

describe('SharedCancel', () => {
  it('should throw CancelSlotReleasedError on a second release() or any use after it', () => {
    const table = new CancelSlotTable({ capacity: 1 });
    const reference = op();
    const shared = table.share(reference);
    shared.release();
    expect(shared.isReleased).to.equal(true);
    expect(() => shared.release())
      .to.throw('this SharedCancel was released')
      .with.property('code', 'ERR_CANCEL_SLOT_RELEASED');
    expect(() => shared.isCanceled)
      .to.throw()
      .with.property('code', 'ERR_CANCEL_SLOT_RELEASED');
    expect(table.inUseCount).to.equal(0);
    reference.release();
  });

  it("should unlink the op on release: its later cancel never reaches the slot's next operation", () => {
    const table = new CancelSlotTable({ capacity: 1 });
    const old = op();
    let oldDescriptor: SharedCancelDescriptor;
    {
      using sharedOld = table.share(old);
      oldDescriptor = sharedOld.descriptor;
    }
    expect(table.inUseCount, '`using` released the slot').to.equal(0);
    const next = op();
    const sharedNext = table.share(next);
    expect(sharedNext.descriptor.index).to.equal(oldDescriptor.index);
    const follower = SharedCancelFollower.follow(sharedNext.descriptor, { watch: false });
    old.cancel('stale');
    expect(sharedNext.isCanceled).to.equal(false);
    expect(follower.isCanceled).to.equal(false);
    follower.complete();
    sharedNext.release();
    old.release();
    next.release();
  });
});

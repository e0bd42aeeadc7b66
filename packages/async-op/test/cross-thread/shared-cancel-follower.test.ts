import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import {
  AsyncOp,
  CancelSlotTable,
  CanceledError,
  isCanceledError,
  SharedCancelFollower,
  SLOT_RELEASED_KIND,
  type SharedCancel,
} from '../../src/index.js';

/** An op, its slot and a follower of it, on this thread; end() completes and releases all three. */
interface Link {
  readonly op: AsyncOp<null>;
  readonly shared: SharedCancel;
  readonly follower: SharedCancelFollower;
}

const links: Link[] = [];

function link(table: CancelSlotTable, watch = false): Link {
  const op = AsyncOp.create({ context: null });
  const shared = table.share(op);
  const follower = SharedCancelFollower.follow(shared.descriptor, { watch });
  const made = { op, shared, follower };
  links.push(made);
  return made;
}

/** Waits (in turns of the event loop, in which a doorbell's waitAsync may resolve) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the doorbell');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  // and one more turn, for what the doorbell's task queued after the condition became true
  await new Promise((resolve) => setImmediate(resolve));
}

describe('SharedCancelFollower', () => {
  // inside the describe: runs before the root leak check
  afterEach(() => {
    for (const { op, shared, follower } of links.splice(0)) {
      follower.complete();
      if (!shared.isReleased) shared.release();
      op.release();
    }
  });

  describe('follow()', () => {
    it('should throw a TypeError or RangeError naming the value for anything but a descriptor', () => {
      const table = new CancelSlotTable({ capacity: 2 });
      const foreign = new SharedArrayBuffer(table.buffer.byteLength);
      const cases: [unknown, string][] = [
        [null, 'Expected `descriptor` to be a SharedCancelDescriptor object, got `null`'],
        [7, 'got `7` (number)'],
        [{ buffer: new ArrayBuffer(64), index: 0, generation: 0 }, 'an instance of ArrayBuffer'],
        [{ buffer: foreign, index: 0, generation: 0 }, 'another format'],
        [{ buffer: new SharedArrayBuffer(8), index: 0, generation: 0 }, 'too small'],
        [{ buffer: table.buffer, index: -1, generation: 0 }, 'in [0, 2), got `-1`'],
        [{ buffer: table.buffer, index: 2, generation: 0 }, 'got `2`'],
        [{ buffer: table.buffer, index: 0.5, generation: 0 }, 'got `0.5`'],
        [{ buffer: table.buffer, index: Number.NaN, generation: 0 }, 'got `NaN`'],
        [{ buffer: table.buffer, index: '0', generation: 0 }, 'got `"0"` (string)'],
        [{ buffer: table.buffer, index: 0, generation: 1 }, 'even 32-bit integer, got `1`'],
        [{ buffer: table.buffer, index: 0, generation: 2 ** 31 }, `got \`${2 ** 31}\``],
        [{ buffer: table.buffer, index: 0, generation: 2 ** 32 }, `got \`${2 ** 32}\``],
        [{ buffer: table.buffer, index: 0, generation: Number.POSITIVE_INFINITY }, 'got `Infinity`'],
        [{ buffer: table.buffer, index: 0, generation: -Number.MAX_VALUE }, 'even 32-bit integer'],
      ];
      for (const [value, message] of cases) {
        expect(() => SharedCancelFollower.follow(value), message).to.throw(message);
      }
      expect(SharedCancelFollower.followingCount).to.equal(0);
    });

    it('should throw a TypeError for a non-boolean watch option', () => {
      const table = new CancelSlotTable({ capacity: 1 });
      const op = AsyncOp.create({ context: null });
      const shared = table.share(op);
      expect(() => SharedCancelFollower.follow(shared.descriptor, { watch: 1 as never })).to.throw(
        TypeError,
        'Expected `options.watch` to be a boolean, got `1` (number)',
      );
      expect(() => SharedCancelFollower.follow(shared.descriptor, null as never)).to.throw(TypeError, 'got `null`');
      shared.release();
      op.release();
    });

    it('should return an op canceled already when the owner canceled or released the slot before', () => {
      const table = new CancelSlotTable({ capacity: 2 });
      const canceled = AsyncOp.create({ context: null });
      canceled.cancel('before');
      const shared = table.share(canceled);
      const follower = SharedCancelFollower.follow(shared.descriptor);
      expect(follower.op.isCanceled).to.equal(true);
      expect(follower.reason).to.equal('before');
      follower.complete();
      const gone = AsyncOp.create({ context: null });
      const goneShared = table.share(gone);
      const stale = goneShared.descriptor;
      goneShared.release();
      const late = SharedCancelFollower.follow(stale);
      expect(late.op.isCanceled).to.equal(true);
      expect(late.reason).to.be.instanceOf(CanceledError).with.property('kind', SLOT_RELEASED_KIND);
      late.complete();
      shared.release();
      canceled.release();
      gone.release();
    });
  });

  describe('isCanceled', () => {
    it('should be false while running, then cancel the op inside the check that first sees the cancel', () => {
      const { op, follower } = link(new CancelSlotTable({ capacity: 1 }));
      const order: string[] = [];
      follower.op.onCancel(() => order.push('callback'));
      expect(follower.isCanceled).to.equal(false);
      op.cancel('why');
      order.push('owner canceled');
      expect(follower.op.isCanceled, 'not seen before a check (no watch)').to.equal(false);
      order.push('check');
      expect(follower.isCanceled).to.equal(true);
      order.push('checked');
      expect(follower.isCanceled).to.equal(true);
      expect(order).to.deep.equal(['owner canceled', 'check', 'callback', 'checked']);
    });

    it("should carry the reason's name, message, code and kind, whatever its type", () => {
      const table = new CancelSlotTable({ capacity: 16, reasonBytes: 128 });
      const typed = Object.assign(new RangeError('too slow'), { code: 'E_SLOW', kind: 'timeout' });
      const reasons: [unknown, (reason: unknown) => void][] = [
        [
          typed,
          (r) => expect(r).to.include({ name: 'RangeError', message: 'too slow', code: 'E_SLOW', kind: 'timeout' }),
        ],
        ['text', (r) => expect(r).to.equal('text')],
        [42, (r) => expect(r).to.equal(42)],
        [null, (r) => expect(r).to.equal(null)],
        [new DOMException('aborted', 'AbortError'), (r) => expect(isCanceledError(r)).to.equal(true)],
        [
          { kind: 'shutdown', message: 'bye', extra: 1 },
          (r) => expect(r).to.deep.equal({ kind: 'shutdown', message: 'bye' }),
        ],
        [new CanceledError('stop'), (r) => expect(r).to.be.instanceOf(CanceledError).with.property('message', 'stop')],
        [Symbol('s'), (r) => expect(r).to.equal('Symbol(s)')],
        ['x'.repeat(10_000), (r) => expect((r as string).length).to.be.within(1, 128)],
        ['NUL\u0000 and é and 😀', (r) => expect(r).to.equal('NUL\u0000 and é and 😀')],
      ];
      for (const [reason, check] of reasons) {
        const { op, follower } = link(table);
        op.cancel(reason);
        expect(follower.isCanceled).to.equal(true);
        check(follower.reason);
        expect(follower.op.reason).to.equal(follower.reason);
      }
    });

    it('should report a cancel without reason as a CanceledError', () => {
      const { op, follower } = link(new CancelSlotTable({ capacity: 1 }));
      op.cancel();
      expect(follower.isCanceled).to.equal(true);
      expect(isCanceledError(follower.reason)).to.equal(true);
    });

    it('should see the slot released as a cancel of kind cancel-slot-released', () => {
      const { shared, follower } = link(new CancelSlotTable({ capacity: 1 }));
      shared.release();
      expect(follower.isCanceled).to.equal(true);
      expect(follower.reason).to.include({ code: 'ERR_CANCELED', kind: SLOT_RELEASED_KIND });
    });

    it('should be true after a cancel of the op on this thread too', () => {
      const { follower } = link(new CancelSlotTable({ capacity: 1 }));
      follower.op.cancel('local');
      expect(follower.isCanceled).to.equal(true);
      expect(() => follower.throwIfCanceled())
        .to.throw()
        .that.equals('local');
    });

    it('should propagate what a cancel callback throws to the check', () => {
      const { op, follower } = link(new CancelSlotTable({ capacity: 1 }));
      follower.op.onCancel(() => {
        throw new Error('callback failed');
      });
      op.cancel();
      expect(() => follower.isCanceled).to.throw('callback failed');
      expect(follower.isCanceled).to.equal(true);
    });
  });

  describe('throwIfCanceled()', () => {
    it('should do nothing while running and throw the reason once canceled', () => {
      const { op, follower } = link(new CancelSlotTable({ capacity: 1 }));
      follower.throwIfCanceled();
      op.cancel(new Error('enough'));
      expect(() => follower.throwIfCanceled()).to.throw('enough');
    });
  });

  describe('watch', () => {
    it('should cancel an idle follower soon after the owner cancels, without any check', async () => {
      const { op, follower } = link(new CancelSlotTable({ capacity: 1 }), true);
      const seen = new Promise((resolve) => follower.op.onCancel(resolve));
      op.cancel('wake up');
      expect(await seen).to.equal('wake up');
    });

    it('should wake only the followers whose slot was canceled, many on one table', async () => {
      const table = new CancelSlotTable({ capacity: 50 });
      const all = Array.from({ length: 50 }, () => link(table, true));
      all[7]?.op.cancel('seven');
      all[31]?.op.cancel('thirty-one');
      await until(() => all[7]?.follower.op.isCanceled === true && all[31]?.follower.op.isCanceled === true);
      const canceled = all.flatMap((made, index) => (made.follower.op.isCanceled ? [index] : []));
      expect(canceled).to.deep.equal([7, 31]);
    });

    it('should not miss a cancel, or a new follower, made by a callback while the doorbell is being answered', async () => {
      const table = new CancelSlotTable({ capacity: 4 });
      const [first, second, third] = [link(table, true), link(table, true), link(table, true)];
      // the first follower's callback cancels the second owner's op during the check, and follows a new slot
      let fourth: Link | undefined;
      first?.follower.op.onCancel(() => {
        second?.op.cancel('from a callback');
        fourth = link(table, true);
      });
      first?.op.cancel('first');
      await until(() => second?.follower.op.isCanceled === true);
      expect(second?.follower.op.reason).to.equal('from a callback');
      expect(third?.follower.op.isCanceled).to.equal(false);
      expect(fourth?.follower.op.isCanceled).to.equal(false);
      third?.op.cancel('third');
      fourth?.op.cancel('fourth');
      await until(() => third?.follower.op.isCanceled === true && fourth?.follower.op.isCanceled === true);
      expect(third?.follower.op.reason).to.equal('third');
      expect(fourth?.follower.op.reason).to.equal('fourth');
    });

    it('should report a throwing cancel callback as an uncaught exception, and still cancel the others', async () => {
      const table = new CancelSlotTable({ capacity: 2 });
      const [a, b] = [link(table, true), link(table, true)];
      a?.follower.op.onCancel(() => {
        throw new Error('thrown from a watched callback');
      });
      const uncaught: unknown[] = [];
      const saved = process.listeners('uncaughtException');
      process.removeAllListeners('uncaughtException');
      process.on('uncaughtException', (error) => uncaught.push(error));
      try {
        a?.op.cancel();
        b?.op.cancel();
        await until(() => b?.follower.op.isCanceled === true);
      } finally {
        process.removeAllListeners('uncaughtException');
        for (const listener of saved) process.on('uncaughtException', listener);
      }
      expect(uncaught).to.have.length(1);
      expect(String(uncaught[0])).to.contain('thrown from a watched callback');
      expect(b?.follower.op.isCanceled).to.equal(true);
    });
  });

  describe('complete()', () => {
    it('should complete the op once, stop following, release the reference and keep the last answer', () => {
      const table = new CancelSlotTable({ capacity: 2 });
      const before = SharedCancelFollower.followingCount;
      const running = link(table);
      const canceled = link(table);
      expect(SharedCancelFollower.followingCount).to.equal(before + 2);
      canceled.op.cancel('gone');
      expect(canceled.follower.isCanceled).to.equal(true);
      const order = [running.follower.complete(), running.follower.complete(), canceled.follower.complete()];
      expect(order).to.deep.equal([true, false, true]);
      expect(SharedCancelFollower.followingCount).to.equal(before);
      expect(running.follower.op.isReleased).to.equal(true);
      running.op.cancel('too late');
      expect(running.follower.isCanceled).to.equal(false);
      expect(canceled.follower.isCanceled).to.equal(true);
      expect(canceled.follower.reason).to.equal('gone');
      expect(() => canceled.follower.throwIfCanceled())
        .to.throw()
        .that.equals('gone');
    });
  });
});

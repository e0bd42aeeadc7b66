import { expect } from 'chai';
import { after, describe, it } from 'mocha';
import { AsyncOp, LeakTracker, type CollectedReference } from '../src/index.js';

describe('LeakTracker', () => {
  // the root hook turned tracking on for every suite; tests that change it restore it
  after(() => LeakTracker.enable());

  it('should list live references created after a mark, with where they were created', () => {
    const mark = LeakTracker.mark();
    const op = AsyncOp.create({ context: 'tracked' });
    const second = op.ref();
    const live = LeakTracker.liveReferences(mark);
    expect(live.map((reference) => reference.context)).to.deep.equal(['tracked', 'tracked']);
    expect(live[0]?.createdAt).to.match(/leak-tracker\.test\.(ts|js)/);
    op.release();
    expect(LeakTracker.liveReferences(mark)).to.have.length(1);
    second.release();
    expect(LeakTracker.liveReferences(mark)).to.have.length(0);
  });

  it('should forget references it was told to forget', () => {
    const mark = LeakTracker.mark();
    const op = AsyncOp.create({ context: null });
    LeakTracker.forget(LeakTracker.liveReferences(mark));
    expect(LeakTracker.liveReferences(mark)).to.have.length(0);
    op.release();
  });

  it('should report a reference garbage-collected without release', async () => {
    const collected: CollectedReference[] = [];
    LeakTracker.enable({ onCollected: (reference) => collected.push(reference) });
    (() => {
      AsyncOp.create({ context: {} });
    })();
    const gc = (globalThis as { gc?: () => void }).gc;
    for (let round = 0; round < 10 && collected.length === 0; round++) {
      gc?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(collected).to.have.length(1);
    expect(collected[0]?.createdAt).to.match(/leak-tracker\.test\.(ts|js)/);
  });

  it('should track nothing while disabled', () => {
    LeakTracker.disable();
    expect(LeakTracker.isEnabled).to.equal(false);
    const op = AsyncOp.create({ context: null });
    expect(LeakTracker.liveReferences()).to.deep.equal([]);
    op.release();
    LeakTracker.enable();
    expect(LeakTracker.isEnabled).to.equal(true);
  });

  it('should throw a TypeError for a bad onCollected', () => {
    expect(() => LeakTracker.enable({ onCollected: 3 as never })).to.throw(TypeError, 'onCollected');
  });
});

describe('LeakTracker.enable() with hostile options', () => {
  after(() => LeakTracker.enable());

  it('should refuse options that are not an object, naming the value, and keep tracking as it was', () => {
    for (const bad of ['yes', 1, true, null]) {
      expect(() => LeakTracker.enable(bad as never)).to.throw(TypeError, 'Expected `options` to be an object');
    }
    expect(() => LeakTracker.enable({ onCollected: 'no' as never })).to.throw(TypeError, '`"no"` (string)');
    expect(LeakTracker.isEnabled).to.equal(true);
  });
});

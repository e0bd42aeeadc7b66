import { expect } from 'chai';
import { describe, it } from 'mocha';
import { AsyncOp } from '../src/index.js';

describe('AsyncOp.whenReleased()', () => {
  it('should resolve after cancel once the work let go of its last reference, after dispose', async () => {
    const order: string[] = [];
    const op = AsyncOp.create({ context: null, dispose: () => order.push('dispose') });
    // the work (a fake cancel's real completion, say) holds its own reference past the cancel
    const work = op.ref();
    const ended = op.whenReleased().then(() => order.push('ended'));
    expect(op.whenReleased()).to.equal(op.whenReleased());
    op.cancel();
    op.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).to.deep.equal([]);
    work.release();
    await ended;
    expect(order).to.deep.equal(['dispose', 'ended']);
  });

  it('should resolve even when dispose threw', async () => {
    const op = AsyncOp.create({
      context: null,
      dispose: () => {
        throw new Error('dispose failed');
      },
    });
    const ended = op.whenReleased();
    expect(() => op.release()).to.throw('dispose failed');
    await ended;
  });
});

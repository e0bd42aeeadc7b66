import { expect } from 'chai';
import { describe, it } from 'mocha';
import { HIDDEN_CLASS_KEEPERS } from '../src/async-op.js';

// Whether the keepers do their job (V8 keeps AsyncOp's optimized code through a full gc() with no op alive) is read
// from V8's `--trace-deopt` output: bench/checks/hidden-class-keepers.ts, run by `npm run bench` before the async-op
// group. Here: that they exist and stay usable.
describe('hidden-class keepers', () => {
  it('should hold one live instance of each reference class', () => {
    expect(HIDDEN_CLASS_KEEPERS).to.have.length(2);
    const classes = new Set(HIDDEN_CLASS_KEEPERS.map((keeper) => Object.getPrototypeOf(keeper) as object));
    expect(classes.size, 'two different classes').to.equal(2);
    for (const keeper of HIDDEN_CLASS_KEEPERS) expect(keeper.isReleased).to.equal(false);
  });
});

import { expect } from 'chai';
import { describe, it } from 'mocha';
import { countPrimes } from '../../examples/count-primes.js';

describe("the cross-thread guide's example code", () => {
  it('countPrimes() should count on a worker thread', async () => {
    expect(await countPrimes(10_000)).to.equal(1229);
  });

  it('countPrimes() should reject with the reason, unchanged, when its signal aborts during the loop', async () => {
    const controller = new AbortController();
    const reason = new Error('no longer needed');
    setTimeout(() => controller.abort(reason), 50);
    const started = performance.now();
    const error = await countPrimes(1e12, controller.signal).catch((caught: unknown) => caught);
    expect(error).to.equal(reason);
    expect(performance.now() - started, 'stopped long before the loop could end').to.be.below(10_000);
  });
});

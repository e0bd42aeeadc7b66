import { getEventListeners } from 'node:events';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { PENDING_CALLS, PROMISE_CALL_NAMES, promiseCallCases } from '../lib/async-op/promise-calls.js';

/** 'abort' listeners a signal holds now. */
function listeners(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}

describe('bench async-op: the runAsPromise cases', () => {
  it('should keep the calls pending as named, resolve each with its value, and leave nothing on the signals', async () => {
    const signals = Array.from({ length: 4 }, () => new AbortController().signal);
    const cases = promiseCallCases(2 * PENDING_CALLS, signals);
    expect(cases.map((benchCase) => benchCase.name)).to.deep.equal(Object.values(PROMISE_CALL_NAMES));
    // while the first call (or batch) is pending: the subjects' ops share one listener, the hand-written calls add
    // one each
    const pendingListeners = [1, 1, 1, PENDING_CALLS];
    for (const [index, benchCase] of cases.entries()) {
      const signal = signals[index] as AbortSignal;
      const run = benchCase.run('timed');
      expect(listeners(signal), benchCase.name).to.equal(pendingListeners[index]);
      expect(await run, benchCase.name).to.equal(2 * PENDING_CALLS);
      expect(listeners(signal), `${benchCase.name}, once settled`).to.equal(0);
    }
  });
});

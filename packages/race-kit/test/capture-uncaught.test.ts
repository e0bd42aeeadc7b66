import { expect } from 'chai';
import { describe, it } from 'mocha';
import { captureUncaught } from '../src/index.js';

describe('captureUncaught()', () => {
  it('should record what is thrown from a microtask and a later tick, in order, and report nothing', async () => {
    const uncaught = await captureUncaught(() => {
      queueMicrotask(() => {
        throw new Error('from a microtask');
      });
      process.nextTick(() => {
        throw new Error('from the next tick');
      });
    });
    expect(uncaught.map(String)).to.deep.equal(['Error: from the next tick', 'Error: from a microtask']);
  });

  it('should put the runner listeners back, also when run() rejects', async () => {
    const before = process.listeners('uncaughtException');
    let error: unknown;
    try {
      await captureUncaught(() => Promise.reject(new Error('run failed')));
    } catch (caught) {
      error = caught;
    }
    expect(String(error)).to.equal('Error: run failed');
    expect(process.listeners('uncaughtException')).to.deep.equal(before);
  });

  it('should record nothing when nothing was thrown', async () => {
    expect(await captureUncaught(async () => {})).to.deep.equal([]);
  });
});

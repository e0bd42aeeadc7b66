import { expect } from 'chai';
import { describe, it } from 'mocha';
import { ScriptedEngine } from '../../../src/index.js';

describe('ScriptedEngine call log (CallRegistry)', () => {
  it('should keep bounded memory over 300,000 calls, and still count them all', async () => {
    const engine = new ScriptedEngine();
    engine.writeFile('/d/file', '');
    let fd = -1;
    engine.openExisting('/d/file', 'read-write', (_error, opened) => (fd = opened));
    globalThis.gc?.();
    const before = process.memoryUsage();
    for (let i = 0; i < 150_000; i++) {
      // a fresh buffer per write: a log that kept every call would keep every buffer (about 600 MB here)
      engine.write(fd, Buffer.alloc(4096, i), 0, 4096, 0, () => undefined);
      engine.read(fd, Buffer.alloc(16), 0, 16, 0, () => undefined);
    }
    // Node 24 frees array buffers on a background sweep: their count drops only after a turn of the loop
    await new Promise((resolve) => setImmediate(resolve));
    globalThis.gc?.();
    const after = process.memoryUsage();
    expect(engine.callCount).to.equal(300_001);
    expect(engine.calls.length)
      .to.be.at.least(10_000)
      .and.at.most(2 * 10_000 + 64);
    expect(engine.calls.at(-1)?.kind).to.equal('read');
    expect(engine.calls.at(-1)?.id).to.equal(300_001);
    expect(after.arrayBuffers - before.arrayBuffers, 'buffer memory retained').to.be.below(64 * 2 ** 20);
    expect(after.heapUsed - before.heapUsed, 'heap retained').to.be.below(64 * 2 ** 20);
    engine.close(fd, () => undefined);
  });

  it('should keep every call with callHistory: Infinity, and none but the pending with 0 over a short run', () => {
    const all = new ScriptedEngine({ callHistory: Infinity });
    const none = new ScriptedEngine({ callHistory: 0, completion: 'manual' });
    for (let i = 0; i < 30_100; i++) all.stat('/', () => undefined);
    expect(all.calls).to.have.length(30_100);
    for (let i = 0; i < 100; i++) none.stat('/', () => undefined);
    expect(none.calls.length).to.be.below(64);
    expect(none.pendingCalls).to.have.length(100);
    none.completeAll();
  });

  it('should refuse a bad callHistory or maxFileBytes, naming it', () => {
    expect(() => new ScriptedEngine({ callHistory: -1 })).to.throw(RangeError, 'Expected `callHistory`');
    expect(() => new ScriptedEngine({ callHistory: 'all' as never })).to.throw(TypeError, 'got `"all"` (string)');
    expect(() => new ScriptedEngine({ maxFileBytes: Number.NaN })).to.throw(RangeError, 'got `NaN` (number)');
  });
});

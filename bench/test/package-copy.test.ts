import { expect } from 'chai';
import { describe, it } from 'mocha';
import diagnosticsChannel from 'node:diagnostics_channel';
import os from 'node:os';
import { AsyncFileChannels } from 'async-op-file';
import { loadPackageCopy, type PackageCopy } from '../lib/async-file/package-copy.js';

/** How many messages on the `queued` channel one stat through a manager of `copy` publishes, with a subscriber. */
async function queuedMessages(copy: PackageCopy): Promise<number> {
  let count = 0;
  const handler = (): void => void count++;
  diagnosticsChannel.subscribe(AsyncFileChannels.queued, handler);
  try {
    const manager = new copy.module.AsyncFileManager();
    await new Promise<void>((resolve, reject) =>
      manager.stat(os.tmpdir(), (error) => (error ? reject(error) : resolve())).release(),
    );
    await manager.close();
  } finally {
    diagnosticsChannel.unsubscribe(AsyncFileChannels.queued, handler);
  }
  return count;
}

describe('bench: the channels section baseline (lib/async-file/package-copy.ts)', () => {
  it('should load a copy as built that publishes, and a stripped one that publishes nothing', async () => {
    const asBuilt = await loadPackageCopy(false);
    const stripped = await loadPackageCopy(true);
    try {
      expect(stripped.stripped).to.be.above(0);
      expect(await queuedMessages(asBuilt)).to.equal(1);
      expect(await queuedMessages(stripped)).to.equal(0);
    } finally {
      asBuilt.remove();
      stripped.remove();
    }
  });
});

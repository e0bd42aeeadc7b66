import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sinon from 'sinon';
import { AsyncFileManager, FileErrorCode, IoUringEngine, IoUringUnavailableError } from '../src/index.js';

function expectManagerClosed(action: () => unknown): void {
  expect(action).to.throw().with.property('code', FileErrorCode.MANAGER_CLOSED);
}

describe('AsyncFileManager', () => {
  describe('close()', () => {
    let directory: string;

    beforeEach(() => {
      directory = fs.mkdtempSync(path.join(os.tmpdir(), 'async-file-close-'));
      fs.writeFileSync(path.join(directory, 'a'), 'abc');
    });

    afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

    it('should let enqueued actions finish and call back, then resolve', async () => {
      const manager = new AsyncFileManager({ concurrency: 1 });
      const handle = manager.newFileHandle();
      const order: string[] = [];
      handle
        .openExistingFile(path.join(directory, 'a'), 'read', (error) => {
          expect(error).to.equal(null);
          order.push('opened');
          // chained from a callback of an action enqueued before close(): refused too, so abort to close the file
          expectManagerClosed(() => handle.read(0, 3, () => undefined));
          handle.abort();
        })
        .release();
      const closed = manager.close().then(() => order.push('closed'));
      expect(manager.isClosed).to.equal(true);
      await closed;
      expect(order).to.deep.equal(['opened', 'closed']);
      expect(manager.pendingCount).to.equal(0);
    });

    it('should refuse every new action with ERR_FILE_MANAGER_CLOSED, calling nothing back', async () => {
      const manager = new AsyncFileManager();
      const handle = manager.newFileHandle();
      await manager.close();
      const callback = sinon.spy();
      expectManagerClosed(() => manager.newFileHandle());
      expectManagerClosed(() => manager.stat(directory, callback));
      expectManagerClosed(() => manager.unlink(path.join(directory, 'a'), callback));
      expectManagerClosed(() => manager.rename(path.join(directory, 'a'), path.join(directory, 'b'), callback));
      expectManagerClosed(() => handle.openExistingFile(path.join(directory, 'a'), 'read', callback));
      sinon.assert.notCalled(callback);
      expect(fs.readdirSync(directory)).to.deep.equal(['a']);
    });

    it('should return the same promise every time', () => {
      const manager = new AsyncFileManager();
      expect(manager.close()).to.equal(manager.close());
    });

    it('should close an io_uring engine once the actions are done', async function () {
      let engine: IoUringEngine;
      try {
        engine = new IoUringEngine();
      } catch (error) {
        if (!(error instanceof IoUringUnavailableError) || process.env['CI']) throw error;
        this.skip();
      }
      const manager = new AsyncFileManager({ engine });
      const stats = await new Promise((resolve, reject) => {
        manager.stat(path.join(directory, 'a'), (error, value) => (error ? reject(error) : resolve(value))).release();
      });
      expect((stats as { size: number }).size).to.equal(3);
      await manager.close();
      // a closed engine refuses new calls
      expect(() => engine.stat(directory, () => undefined)).to.throw();
    });
  });
});

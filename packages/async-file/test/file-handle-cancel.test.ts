import fs from 'node:fs';
import type { AsyncOp } from 'async-op';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import sinon from 'sinon';
import { AsyncFileManager, FileStateError, type FileStats } from '../src/index.js';
import { descriptorTarget, descriptorsOf, descriptorsUnder } from './support/descriptors.js';
import { CONTENT, useHandleFixture } from './support/handle-fixture.js';
import { outcome, settlesWithin, step } from './support/step.js';

describe('AsyncFileHandle cancel and abort', () => {
  const files = useHandleFixture();

  describe('cancel', () => {
    it('should never run an action canceled while queued', async () => {
      files.manager = new AsyncFileManager({ concurrency: 1 });
      const filePath = files.fixture('a.txt');
      const busy = await files.open(files.fixture('b.txt'), 'read');
      const handle = await files.open(filePath, 'write');
      const callback = sinon.spy();
      const first = outcome<FileStats>((cb) => busy.stat(cb)); // takes the only slot
      const op = handle.truncate(0, callback);
      expect(files.manager.queuedCount).to.equal(1);
      expect(op.cancel()).to.equal(true);
      op.release();
      expect(files.manager.queuedCount).to.equal(0);
      expect(handle.hasPendingAction).to.equal(false);
      await first;
      await files.close(busy, handle);
      sinon.assert.notCalled(callback);
      expect(fs.readFileSync(filePath)).to.deep.equal(CONTENT);
    });

    it('should close the file of an open canceled while it executes', async () => {
      const filePath = files.fixture('a.txt');
      const handle = files.manager.newFileHandle();
      const callback = sinon.spy();
      const op = handle.openExistingFile(filePath, 'read', callback);
      expect(files.manager.activeCount).to.equal(1);
      op.cancel();
      op.release();
      await files.manager.whenIdle();
      expect(handle.isOpen).to.equal(false);
      expect(descriptorsOf(filePath)).to.deep.equal([]);
      sinon.assert.notCalled(callback);
    });

    it('should remove a hard link created by an action canceled while it executes', async () => {
      const handle = await files.createAnonymous();
      const linkPath = files.tmp.join('named.txt');
      const callback = sinon.spy();
      const op = handle.createHardLink(linkPath, callback);
      op.cancel();
      op.release();
      await files.close(handle);
      sinon.assert.notCalled(callback);
      expect(fs.existsSync(linkPath)).to.equal(false);
      expect(fs.readdirSync(files.tmp.path)).to.deep.equal([]);
    });

    it('should run a close only after a canceled read on the same descriptor finished', async () => {
      const order: string[] = [];
      files.manager = new AsyncFileManager({
        trace: (event) => {
          if (event.type !== 'enqueued') order.push(`${event.action} ${event.type}`);
        },
      });
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'read');
      order.length = 0;
      const callback = sinon.spy();
      const op = handle.read(0, 5, callback);
      op.cancel();
      op.release();
      await step<void>((cb) => handle.close(cb));
      await files.manager.whenIdle();
      expect(order).to.deep.equal([
        'read started',
        'read canceled',
        'read finished',
        'read settled',
        'close started',
        'close finished',
        'close callback',
      ]);
      sinon.assert.notCalled(callback);
      expect(descriptorsOf(filePath)).to.deep.equal([]);
    });

    it('should settle a canceled readInto only after its engine read ended; the buffer is not written after that', async () => {
      const order: string[] = [];
      files.manager = new AsyncFileManager({
        trace: (event) => {
          if (event.type !== 'enqueued') order.push(`${event.action} ${event.type}`);
        },
      });
      const handle = await files.open(files.fixture('a.txt'), 'read');
      order.length = 0;
      const buffer = Buffer.alloc(5, '#');
      const callback = sinon.spy();
      const op = handle.readInto(buffer, 0, callback);
      op.cancel();
      op.release();
      await handle.whenSettled().then(() => order.push('settled'));
      // the read was executing: the engine may have filled the buffer (node-fs cannot stop a read the thread pool
      // started) or stopped it first; either way it has ended, and nothing writes into the buffer any more
      expect(order).to.include('readInto finished');
      expect(order.at(-1)).to.equal('settled');
      const settled = buffer.toString();
      expect(['hello', '#####']).to.include(settled);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(buffer.toString()).to.equal(settled);
      expect(handle.isOpen).to.equal(true);
      await files.close(handle);
      sinon.assert.notCalled(callback);
    });

    it('should resolve whenSettled() at once for a handle with no action, open or not', async () => {
      const handle = files.manager.newFileHandle();
      await settlesWithin(handle.whenSettled(), 1000, 'whenSettled() of a new handle');
      await step<void>((callback) => handle.openExistingFile(files.fixture('a.txt'), 'read', callback));
      await settlesWithin(handle.whenSettled(), 1000, 'whenSettled() of an open, idle handle');
      await files.close(handle);
    });

    it('should do nothing when canceled after its callback ran', async () => {
      const handle = await files.open(files.fixture('a.txt'), 'read');
      let op: AsyncOp<unknown> | undefined;
      const bytes = await new Promise<Buffer>((resolve) => {
        op = handle.read(0, 5, (_error, result) => resolve(result));
      });
      expect(op?.cancel()).to.equal(false);
      op?.release();
      expect(bytes.toString()).to.equal('hello');
      await files.close(handle);
    });
  });

  describe('abort()', () => {
    it('should close the open file: its descriptor is gone once disposed', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'read');
      const fds = descriptorsOf(filePath);
      expect(fds).to.have.length(1);
      handle.abort();
      expect(handle.isAborted).to.equal(true);
      expect(handle.isOpen).to.equal(false);
      await handle[Symbol.asyncDispose]();
      for (const fd of fds) expect(descriptorTarget(fd)).to.not.equal(filePath);
      expect(descriptorsOf(filePath)).to.deep.equal([]);
      await files.manager.whenIdle();
    });

    it('should close an unnamed file', async () => {
      const handle = await files.createAnonymous();
      expect(descriptorsUnder(files.tmp.path)).to.have.length(1);
      await handle[Symbol.asyncDispose]();
      expect(descriptorsUnder(files.tmp.path)).to.deep.equal([]);
      await files.manager.whenIdle();
    });

    it('should never run the callback of the action pending at abort', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'read');
      const callback = sinon.spy();
      handle.read(0, 10, callback).release();
      expect(files.manager.activeCount).to.equal(1); // the read is executing
      handle.abort();
      expect(handle.hasPendingAction).to.equal(false);
      await handle[Symbol.asyncDispose]();
      await files.manager.whenIdle();
      await new Promise((resolve) => setImmediate(resolve));
      sinon.assert.notCalled(callback);
      expect(descriptorsOf(filePath)).to.deep.equal([]);
    });

    it('should find the pending action behind one canceled while executing: busy names it, abort cancels it', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'read');
      const canceled = sinon.spy();
      const read = handle.read(0, 10, canceled);
      expect(files.manager.activeCount).to.equal(1); // executing: it stays first in the handle's list until it ends
      read.cancel();
      read.release();
      expect(handle.hasPendingAction).to.equal(false);
      const stat = sinon.spy();
      handle.stat(stat).release(); // waits behind the canceled read: the second in the list
      expect(handle.hasPendingAction).to.equal(true);
      expect(() => handle.read(0, 1, sinon.spy())).to.throw(FileStateError, /already has a pending stat;/);
      handle.abort();
      expect(handle.hasPendingAction).to.equal(false);
      await handle[Symbol.asyncDispose]();
      await files.manager.whenIdle();
      await new Promise((resolve) => setImmediate(resolve));
      sinon.assert.notCalled(canceled);
      sinon.assert.notCalled(stat);
      expect(descriptorsOf(filePath)).to.deep.equal([]);
    });

    it('should close the file of an open still executing at abort', async () => {
      const filePath = files.fixture('a.txt');
      const handle = files.manager.newFileHandle();
      const callback = sinon.spy();
      handle.openExistingFile(filePath, 'read', callback).release();
      handle.abort();
      await handle[Symbol.asyncDispose]();
      await files.manager.whenIdle();
      sinon.assert.notCalled(callback);
      expect(handle.isOpen).to.equal(false);
      expect(descriptorsOf(filePath)).to.deep.equal([]);
    });

    it('should close the new descriptor of a duplicate still executing at abort', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'read');
      const callback = sinon.spy();
      handle.duplicate(callback).release();
      handle.abort();
      await handle[Symbol.asyncDispose]();
      await files.manager.whenIdle();
      sinon.assert.notCalled(callback);
      expect(descriptorsOf(filePath)).to.deep.equal([]);
    });

    it('should be idempotent', async () => {
      const filePath = files.fixture('a.txt');
      const trace: string[] = [];
      files.manager = new AsyncFileManager({
        trace: (event) => {
          if (event.type === 'started') trace.push(event.action);
        },
      });
      const handle = await files.open(filePath, 'read');
      handle.abort();
      handle.abort();
      await handle[Symbol.asyncDispose]();
      handle.abort();
      await handle[Symbol.asyncDispose]();
      await files.manager.whenIdle();
      expect(trace).to.deep.equal(['openExistingFile', 'close']);
      expect(handle.isAborted).to.equal(true);
    });

    it('should resolve at once for a handle that never opened a file', async () => {
      const handle = files.manager.newFileHandle();
      await handle[Symbol.asyncDispose]();
      expect(handle.isAborted).to.equal(true);
    });

    it('should let the callback that calls abort() run to its end, and run nothing chained after it', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'read');
      const order: string[] = [];
      const chained = sinon.spy();
      await new Promise<void>((resolve) => {
        handle
          .read(0, 5, (_error, bytes) => {
            order.push(`read ${bytes.toString()}`);
            handle.stat(chained).release();
            handle.abort();
            order.push('after abort');
            resolve();
          })
          .release();
      });
      await handle.whenIdle();
      await files.manager.whenIdle();
      expect(order).to.deep.equal(['read hello', 'after abort']);
      sinon.assert.notCalled(chained);
      expect(descriptorsOf(filePath)).to.deep.equal([]);
    });

    it('should close the file at the end of an `await using` block', async () => {
      const filePath = files.fixture('a.txt');
      {
        await using handle = await files.open(filePath, 'read');
        expect((await step<Buffer>((callback) => handle.read(0, 5, callback))).toString()).to.equal('hello');
        expect(descriptorsOf(filePath)).to.have.length(1);
      }
      expect(descriptorsOf(filePath)).to.deep.equal([]);
      await files.manager.whenIdle();
    });

    it('should close the file when an `await using` block throws', async () => {
      const filePath = files.fixture('a.txt');
      const failure = new Error('boom');
      let caught: unknown;
      try {
        await using handle = await files.open(filePath, 'read');
        expect(handle.isOpen).to.equal(true);
        throw failure;
      } catch (error) {
        caught = error;
      }
      expect(caught).to.equal(failure);
      expect(descriptorsOf(filePath)).to.deep.equal([]);
      await files.manager.whenIdle();
    });
  });
});

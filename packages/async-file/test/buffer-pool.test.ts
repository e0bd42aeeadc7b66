import { expect } from 'chai';
import { describe, it } from 'mocha';
import fs from 'node:fs';
import sinon from 'sinon';
import { AsyncFileManager, BufferPool, ScriptedEngine } from '../src/index.js';
import { expectArgumentError } from './support/argument-error.js';
import { openHandle } from './support/open-handle.js';
import { step, stepError } from './support/step.js';
import { useTempDir } from './support/temp-dir.js';

const KiB = 1024;

describe('BufferPool', () => {
  it('should hand out a released buffer again, and never one still held', () => {
    const pool = new BufferPool({ bufferSize: 4096 });
    const first = pool.allocate(100);
    const second = pool.allocate(4096);
    expect(first.length).to.equal(4096);
    expect(second).to.not.equal(first);
    expect(pool.outstandingCount).to.equal(2);
    pool.release(first.subarray(0, 100)); // the view a read's callback receives
    expect(pool.freeCount).to.equal(1);
    expect(pool.allocate(1)).to.equal(first);
    expect(pool.created).to.equal(2);
  });

  it('should refuse a buffer released twice or never handed out, with a TypeError', () => {
    const pool = new BufferPool({ bufferSize: 16 });
    const buffer = pool.allocate(16);
    pool.release(buffer);
    expect(() => pool.release(buffer)).to.throw(TypeError, 'not released yet');
    expect(() => pool.release(Buffer.alloc(16))).to.throw(TypeError, 'handed out');
    expectArgumentError(() => pool.release('x' as unknown as Buffer), TypeError, 'buffer', '`"x"` (string)');
  });

  it('should give larger requests an unpooled buffer, and keep at most maxFree released ones', () => {
    const pool = new BufferPool({ bufferSize: 16, maxFree: 1 });
    const large = pool.allocate(17);
    expect(large.length).to.equal(17);
    pool.release(large); // allowed, and dropped
    expect(() => pool.release(large)).to.throw(TypeError);
    const [a, b] = [pool.allocate(1), pool.allocate(1)];
    pool.release(a);
    pool.release(b);
    expect(pool.freeCount).to.equal(1);
  });

  it('should refuse bad options with a TypeError or RangeError naming them', () => {
    expectArgumentError(() => new BufferPool({ bufferSize: 0 }), RangeError, 'bufferSize', '`0` (number)');
    expectArgumentError(() => new BufferPool({ maxFree: -1 }), RangeError, 'maxFree', '`-1` (number)');
    expectArgumentError(() => new BufferPool(null as unknown as object), TypeError, 'options', '`null`');
    expectArgumentError(() => new BufferPool().allocate(-1), RangeError, 'size', '`-1` (number)');
  });

  describe('as the readBuffers of a manager', () => {
    const tmp = useTempDir();

    it('should reach a steady state: 1,000 reads over 4 handles create at most 4 buffers', async () => {
      const pool = new BufferPool({ bufferSize: 4096 });
      const manager = new AsyncFileManager({ readBuffers: pool });
      const file = tmp.join('a.bin');
      fs.writeFileSync(file, Buffer.alloc(64 * KiB, 7));
      const handles = await Promise.all([0, 1, 2, 3].map(() => openHandle(manager, file, 'read')));
      let remaining = 1000;
      await Promise.all(
        handles.map(
          (handle) =>
            new Promise<void>((resolve, reject) => {
              const next = (): void => {
                if (remaining-- <= 0) return resolve();
                handle
                  .read((remaining % 16) * 4096, 4096, (error, bytes) => {
                    if (error !== null) return reject(error);
                    if (bytes.length !== 4096 || bytes[0] !== 7) return reject(new Error('wrong bytes'));
                    manager.releaseBuffer(bytes);
                    next();
                  })
                  .release();
              };
              next();
            }),
        ),
      );
      for (const handle of handles) await step<void>((cb) => handle.close(cb));
      expect(pool.created).to.be.at.most(4);
      expect(pool.outstandingCount).to.equal(0);
    });

    it('should take back the buffer of a failed read by itself', async () => {
      const pool = new BufferPool({ bufferSize: 4096 });
      const manager = new AsyncFileManager({ readBuffers: pool });
      const file = tmp.join('a.txt');
      fs.writeFileSync(file, 'data');
      const handle = await openHandle(manager, file, 'write');
      expect((await stepError<Buffer>((cb) => handle.read(0, 4, cb))).code).to.equal('EBADF');
      expect(pool.outstandingCount).to.equal(0);
      expect(pool.freeCount).to.equal(1);
      await step<void>((cb) => handle.close(cb));
    });

    it('should take back the buffer of a canceled read only once the engine is done with it', async () => {
      // an engine that cannot stop a call (like node-fs): the read keeps writing into the buffer until it completes
      const engine = new ScriptedEngine({ completion: 'manual', cancelable: false });
      engine.writeFile('/a.txt', 'data');
      const pool = new BufferPool({ bufferSize: 16 });
      const manager = new AsyncFileManager({ engine, readBuffers: pool });
      const handle = manager.newFileHandle();
      handle.openExistingFile('/a.txt', 'read', () => undefined).release();
      engine.completeAll();
      const callback = sinon.spy();
      const op = handle.read(0, 4, callback);
      expect(pool.outstandingCount).to.equal(1);
      op.cancel();
      op.release();
      expect(pool.outstandingCount, 'returned while the engine still held it').to.equal(1);
      engine.completeNext();
      expect(pool.outstandingCount).to.equal(0);
      expect(pool.freeCount).to.equal(1);
      sinon.assert.notCalled(callback);
      handle.close(() => undefined).release();
      engine.completeAll();
      await manager.whenIdle();
    });

    it('should fail a read, through its callback, whose allocator returns no usable buffer', async () => {
      const manager = new AsyncFileManager({
        readBuffers: { allocate: () => new Uint8Array(2), release: () => undefined },
      });
      const file = tmp.join('a.txt');
      fs.writeFileSync(file, 'data');
      const handle = await openHandle(manager, file, 'read');
      const error = await stepError<Buffer>((cb) => handle.read(0, 4, cb));
      expect(error).to.be.instanceOf(TypeError);
      expect(error.message).to.contain('readBuffers.allocate(4)');
      await step<void>((cb) => handle.close(cb));
    });

    it('should accept releaseBuffer() without an allocator, and do nothing: the memory is never handed out again', async () => {
      const manager = new AsyncFileManager();
      expect(manager.readBuffers).to.equal(undefined);
      const file = tmp.join('a.txt');
      fs.writeFileSync(file, 'first+second');
      const handle = await openHandle(manager, file, 'read');
      const first = await step<Buffer>((cb) => handle.read(0, 5, cb));
      manager.releaseBuffer(first);
      manager.releaseBuffer(first); // twice: still nothing to give back, nothing to refuse
      // were the memory back in use, the next read (from the same slab) would land on it
      const second = await step<Buffer>((cb) => handle.read(6, 6, cb));
      expect(first.toString()).to.equal('first');
      expect(second.toString()).to.equal('second');
      expect(second.buffer === first.buffer && second.byteOffset < first.byteOffset + first.length).to.equal(false);
      await step<void>((cb) => handle.close(cb));
    });
  });
});

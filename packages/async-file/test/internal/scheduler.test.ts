import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sinon from 'sinon';
import {
  AsyncFileManager,
  FileTraceRecorder,
  NodeFsEngine,
  type AsyncFileHandle,
  type EngineCallback,
  type FileTraceEvent,
} from '../../src/index.js';
import { DEFAULT_ENGINE } from '../support/default-engine.js';
import { descriptorsUnder } from '../support/descriptors.js';

function must(error: NodeJS.ErrnoException | null): void {
  if (error !== null) throw error;
}

function startedOf(events: readonly FileTraceEvent[], handle: AsyncFileHandle): string[] {
  return events
    .filter((event) => event.type === 'started' && event.handleId === handle.id)
    .map((event) => event.action);
}

describe(`AsyncFileManager scheduling (${DEFAULT_ENGINE}, real files)`, () => {
  let directory: string;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'async-file-scheduler-'));
  });

  afterEach(() => {
    fs.rmSync(directory, { recursive: true, force: true });
  });

  function files(count: number): string[] {
    return Array.from({ length: count }, (_, index) => {
      const file = path.join(directory, `file-${index}`);
      fs.writeFileSync(file, '');
      return file;
    });
  }

  describe('chaining', () => {
    it('should run chained requests OPEN-WRITE-CLOSE x5 with concurrency 1', async () => {
      const recorder = new FileTraceRecorder();
      const manager = new AsyncFileManager({ concurrency: 1, trace: recorder.listener });
      for (const [index, file] of files(5).entries()) {
        const handle = manager.newFileHandle();
        handle
          .openExistingFile(file, 'write', (error) => {
            must(error);
            handle
              .write(Buffer.from(`data ${index}`), 0, (writeError) => {
                must(writeError);
                handle.close(must).release();
              })
              .release();
          })
          .release();
      }
      await manager.whenIdle();
      expect(recorder.started()).to.deep.equal(
        Array.from({ length: 5 }, () => ['openExistingFile', 'write', 'close']).flat(),
      );
      expect(fs.readFileSync(path.join(directory, 'file-3'), 'utf8')).to.equal('data 3');
    });

    it('should run unchained requests OPEN x5, WRITE x5, CLOSE x5 with concurrency 1', async () => {
      const recorder = new FileTraceRecorder();
      const manager = new AsyncFileManager({ concurrency: 1, trace: recorder.listener });
      for (const file of files(5)) {
        const handle = manager.newFileHandle();
        handle
          .openExistingFile(file, 'write', (error) => {
            must(error);
            // enqueued after the callback returned: not chained, so it goes to the back of the FIFO
            setImmediate(() => {
              handle
                .write(Buffer.from('x'), 0, (writeError) => {
                  must(writeError);
                  setImmediate(() => handle.close(must).release());
                })
                .release();
            });
          })
          .release();
      }
      await manager.whenIdle();
      // the write/close requests arrive one event-loop turn later, when the FIFO has drained; idle in between
      while (manager.pendingCount > 0 || recorder.started().length < 15) {
        await new Promise((resolve) => setImmediate(resolve));
        await manager.whenIdle();
      }
      expect(recorder.started()).to.deep.equal([
        ...Array<string>(5).fill('openExistingFile'),
        ...Array<string>(5).fill('write'),
        ...Array<string>(5).fill('close'),
      ]);
    });

    it('should keep at most `concurrency` files open with 1,000 chained create requests (counted in /proc/self/fd)', async () => {
      const manager = new AsyncFileManager({ concurrency: 4 });
      const data = Buffer.alloc(512, 1);
      let maxOpen = 0;
      let completed = 0;
      const sample = (): void => {
        maxOpen = Math.max(maxOpen, descriptorsUnder(directory).length);
      };
      for (let index = 0; index < 1000; index++) {
        const handle = manager.newFileHandle();
        handle
          .createAnonymousFile(directory, (error) => {
            must(error);
            sample();
            handle
              .write(data, 0, (writeError) => {
                must(writeError);
                sample();
                handle
                  .close((closeError) => {
                    must(closeError);
                    completed++;
                  })
                  .release();
              })
              .release();
          })
          .release();
      }
      await manager.whenIdle();
      expect(completed).to.equal(1000);
      expect(maxOpen).to.be.within(1, 4);
      expect(descriptorsUnder(directory)).to.deep.equal([]);
    });

    it('should not chain an action of another handle: it goes to the back of the FIFO', async () => {
      const recorder = new FileTraceRecorder();
      const manager = new AsyncFileManager({ concurrency: 1, trace: recorder.listener });
      const [first, second] = files(2) as [string, string];
      const a = manager.newFileHandle();
      const b = manager.newFileHandle();
      const order: string[] = [];
      a.openExistingFile(first, 'read', (error) => {
        must(error);
        order.push('a opened');
        // b's open was queued before; this close of a, enqueued by a's own callback, runs first (chaining)
        a.close(() => order.push('a closed')).release();
      }).release();
      b.openExistingFile(second, 'read', (error) => {
        must(error);
        order.push('b opened');
        b.close(() => order.push('b closed')).release();
      }).release();
      await manager.whenIdle();
      expect(order).to.deep.equal(['a opened', 'a closed', 'b opened', 'b closed']);
      expect(startedOf(recorder.events, a)).to.deep.equal(['openExistingFile', 'close']);
    });
  });

  describe('cancel', () => {
    it('should never run a queued action and never call its callback', async () => {
      const recorder = new FileTraceRecorder();
      const manager = new AsyncFileManager({ concurrency: 1, trace: recorder.listener });
      const [first, second] = files(2) as [string, string];
      const blocker = manager.newFileHandle();
      blocker
        .openExistingFile(first, 'read', (error) => {
          must(error);
          blocker.close(must).release();
        })
        .release();
      const handle = manager.newFileHandle();
      const callback = sinon.spy();
      const op = handle.openExistingFile(second, 'read', callback);
      expect(manager.queuedCount).to.equal(1);
      expect(op.cancel()).to.equal(true);
      expect(manager.queuedCount).to.equal(0);
      expect(handle.hasPendingAction).to.equal(false);
      op.release();
      await manager.whenIdle();
      sinon.assert.notCalled(callback);
      expect(startedOf(recorder.events, handle)).to.deep.equal([]);
      expect(handle.isOpen).to.equal(false);
    });

    it('should close a file whose open was executing when canceled, and never call back', async () => {
      const recorder = new FileTraceRecorder();
      const manager = new AsyncFileManager({ concurrency: 1, trace: recorder.listener });
      const [file] = files(1) as [string];
      const handle = manager.newFileHandle();
      const callback = sinon.spy();
      const op = handle.openExistingFile(file, 'read', callback);
      expect(manager.activeCount).to.equal(1); // started at once: a free slot
      op.cancel();
      op.release();
      await manager.whenIdle();
      sinon.assert.notCalled(callback);
      // node-fs cannot stop the open it issued: it runs, then its descriptor is closed (undone). io_uring turns a
      // request canceled before its submission (the same tick) into a NOP: the open never ran, nothing to undo.
      const undo = DEFAULT_ENGINE === 'io_uring' ? [] : ['undone'];
      expect(recorder.events.map((event) => event.type)).to.deep.equal([
        'enqueued',
        'started',
        'canceled',
        'finished',
        ...undo,
        'settled',
      ]);
      expect(descriptorsUnder(directory)).to.deep.equal([]);
      expect(handle.isOpen).to.equal(false);
    });

    it('should remove a hard link whose creation was executing when canceled', async () => {
      const manager = new AsyncFileManager({ concurrency: 1 });
      const handle = manager.newFileHandle();
      const target = path.join(directory, 'named');
      const linked = sinon.spy();
      await new Promise<void>((resolve) => {
        handle
          .createAnonymousFile(directory, (error) => {
            must(error);
            const op = handle.createHardLink(target, linked);
            op.cancel();
            op.release();
            handle.close(() => resolve()).release();
          })
          .release();
      });
      await manager.whenIdle();
      sinon.assert.notCalled(linked);
      expect(fs.existsSync(target)).to.equal(false);
      expect(fs.readdirSync(directory)).to.deep.equal([]);
    });

    it('should close a duplicated descriptor whose duplicate was executing when canceled', async () => {
      const manager = new AsyncFileManager({ concurrency: 2 });
      const [file] = files(1) as [string];
      const handle = manager.newFileHandle();
      const duplicated = sinon.spy();
      await new Promise<void>((resolve) => {
        handle
          .openExistingFile(file, 'read', (error) => {
            must(error);
            const op = handle.duplicate(duplicated);
            op.cancel();
            op.release();
            handle.close(() => resolve()).release();
          })
          .release();
      });
      await manager.whenIdle();
      sinon.assert.notCalled(duplicated);
      expect(descriptorsUnder(directory)).to.deep.equal([]);
    });

    it('should do nothing when called from inside the callback or after it', async () => {
      const manager = new AsyncFileManager();
      const [file] = files(1) as [string];
      const handle = manager.newFileHandle();
      let insideResult: boolean | undefined;
      let markOpened: () => void = () => undefined;
      const opened = new Promise<void>((resolve) => (markOpened = resolve));
      const op = handle.openExistingFile(file, 'read', (error) => {
        must(error);
        insideResult = op.cancel();
        markOpened();
      });
      await opened;
      expect(insideResult).to.equal(false);
      expect(op.cancel()).to.equal(false);
      expect(handle.isOpen).to.equal(true);
      op.release();
      await handle[Symbol.asyncDispose]();
    });

    it('should still run a canceled close, dropping only its callback', async () => {
      const recorder = new FileTraceRecorder();
      const manager = new AsyncFileManager({ concurrency: 1, trace: recorder.listener });
      const [file] = files(1) as [string];
      const handle = manager.newFileHandle();
      const closed = sinon.spy();
      await new Promise<void>((resolve) => {
        handle
          .openExistingFile(file, 'read', (error) => {
            must(error);
            const op = handle.close(closed);
            op.cancel();
            op.release();
            resolve();
          })
          .release();
      });
      await manager.whenIdle();
      sinon.assert.notCalled(closed);
      expect(startedOf(recorder.events, handle)).to.deep.equal(['openExistingFile', 'close']);
      expect(descriptorsUnder(directory)).to.deep.equal([]);
    });

    it('should never let a canceled write land in a file that reused its descriptor number', async () => {
      const manager = new AsyncFileManager({ concurrency: 1 });
      const [first, second, third] = files(3) as [string, string, string];
      const blocker = manager.newFileHandle();
      const writer = manager.newFileHandle();
      const reuser = manager.newFileHandle();
      await new Promise<void>((resolve) => writer.openExistingFile(first, 'write', () => resolve()).release());
      const writerFd = descriptorsUnder(directory)[0];
      // occupy the only slot, then queue a write behind it, cancel it, abort the handle (queues its close)
      blocker
        .openExistingFile(second, 'read', (error) => {
          must(error);
          blocker.close(must).release();
        })
        .release();
      const write = writer.write(Buffer.from('must never land'), 0, must);
      write.cancel();
      write.release();
      writer.abort();
      // this open runs after the close of the writer's descriptor, so it gets the same number back
      await new Promise<void>((resolve) => reuser.openExistingFile(third, 'write', () => resolve()).release());
      expect(descriptorsUnder(directory)).to.deep.equal([writerFd]);
      await new Promise<void>((resolve) => reuser.close(() => resolve()).release());
      await manager.whenIdle();
      expect(fs.readFileSync(first, 'utf8')).to.equal('');
      expect(fs.readFileSync(third, 'utf8')).to.equal('');
    });
  });

  describe('abort()', () => {
    it('should let the callback run to its end and run nothing it chained', async () => {
      const recorder = new FileTraceRecorder();
      const manager = new AsyncFileManager({ concurrency: 1, trace: recorder.listener });
      const [file] = files(1) as [string];
      const handle = manager.newFileHandle();
      const order: string[] = [];
      const readCallback = sinon.spy();
      handle
        .openExistingFile(file, 'read', (error) => {
          must(error);
          handle.read(0, 10, readCallback).release();
          handle.abort();
          order.push('callback ended');
        })
        .release();
      await manager.whenIdle();
      order.push('idle');
      expect(order).to.deep.equal(['callback ended', 'idle']);
      sinon.assert.notCalled(readCallback);
      expect(startedOf(recorder.events, handle)).to.deep.equal(['openExistingFile', 'close']);
      expect(descriptorsUnder(directory)).to.deep.equal([]);
    });
  });
  describe('engine reports', () => {
    it('should refuse a second report of the same call (an engine bug) with an internal error, and deliver once', async () => {
      const [file] = files(1);
      const thrown: unknown[] = [];
      // node-fs, except that read() reports its result twice
      class TwiceEngine extends NodeFsEngine {
        override read(
          fd: number,
          buffer: Uint8Array,
          offset: number,
          length: number,
          position: number,
          callback: EngineCallback<number>,
        ): undefined {
          super.read(fd, buffer, offset, length, position, (error, bytesRead) => {
            callback(error, bytesRead);
            try {
              callback(error, bytesRead);
            } catch (second) {
              thrown.push(second);
            }
          });
          return undefined;
        }
      }
      const manager = new AsyncFileManager({ concurrency: 1, engine: new TwiceEngine() });
      // through engine.read() even when the test run turns the fast path on
      const handle = manager.newFileHandle({ syncThresholdBytes: 0 });
      await new Promise<void>((resolve, reject) =>
        handle.openExistingFile(file as string, 'read', (error) => (error ? reject(error) : resolve())).release(),
      );
      let calls = 0;
      await new Promise<void>((resolve) =>
        handle
          .read(0, 1, () => {
            calls++;
            resolve();
          })
          .release(),
      );
      expect(calls).to.equal(1);
      expect(thrown).to.have.length(1);
      expect(String(thrown[0])).to.match(/internal: engine node-fs reported in slot 0, where no call is pending/);
      await new Promise<void>((resolve) => handle.close(() => resolve()).release());
    });
  });
});

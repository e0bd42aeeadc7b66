import fs from 'node:fs';
import os from 'node:os';
import { expect } from 'chai';
import { beforeEach, describe, it } from 'mocha';
import sinon from 'sinon';
import {
  AsyncFileHandle,
  AsyncFileManager,
  FileTraceRecorder,
  NodeFsEngine,
  type FileEngine,
  type FileStats,
} from '../src/index.js';
import { descriptorsUnder } from './support/descriptors.js';
import { expectArgumentError } from './support/argument-error.js';
import { outcome, step, stepError } from './support/step.js';
import { useTempDir } from './support/temp-dir.js';

describe('AsyncFileManager', () => {
  const tmp = useTempDir();
  let manager: AsyncFileManager;

  beforeEach(() => {
    manager = new AsyncFileManager();
  });

  function fixture(name: string, content = 'content'): string {
    const filePath = tmp.join(name);
    fs.writeFileSync(filePath, content);
    return filePath;
  }

  describe('constructor', () => {
    it('should default to 4 slots and the engine ASYNC_FILE_ENGINE names (node-fs if unset), with nothing pending', () => {
      expect(manager.concurrency).to.equal(4);
      // npm test sets it to io_uring for its second run (test/support/run-engines.ts); default-engine.test.ts has the rest
      expect(manager.engineName).to.equal(process.env['ASYNC_FILE_ENGINE'] || 'node-fs');
      expect(manager.activeCount).to.equal(0);
      expect(manager.queuedCount).to.equal(0);
      expect(manager.pendingCount).to.equal(0);
    });

    it('should take the concurrency and engine it is given', () => {
      const engine = new NodeFsEngine();
      const custom = new AsyncFileManager({ concurrency: 1, engine });
      expect(custom.concurrency).to.equal(1);
      expect(custom.engineName).to.equal(engine.name);
      expect(new AsyncFileManager({ concurrency: 65_536 }).concurrency).to.equal(65_536);
    });

    it('should throw a RangeError naming the value for a concurrency out of range', () => {
      for (const [concurrency, received] of [
        [0, '`0` (number)'],
        [-1, '`-1` (number)'],
        [1.5, '`1.5` (number)'],
        [65_537, '`65537` (number)'],
        [Number.POSITIVE_INFINITY, '`Infinity` (number)'],
      ] as const) {
        expectArgumentError(() => new AsyncFileManager({ concurrency }), RangeError, 'concurrency', received);
      }
    });

    it('should throw a TypeError naming the value for options of the wrong type', () => {
      expectArgumentError(
        () => new AsyncFileManager({ concurrency: '2' as never }),
        TypeError,
        'concurrency',
        '`"2"` (string)',
      );
      expectArgumentError(() => new AsyncFileManager(null as never), TypeError, 'options', '`null`');
      expectArgumentError(() => new AsyncFileManager({ engine: {} as FileEngine }), TypeError, 'engine', 'an object');
      expectArgumentError(
        () => new AsyncFileManager({ trace: 'yes' as never }),
        TypeError,
        'trace',
        '`"yes"` (string)',
      );
    });
  });

  describe('newFileHandle()', () => {
    it('should return a new closed handle with a unique id each time', () => {
      const first = manager.newFileHandle();
      const second = manager.newFileHandle();
      expect(first).to.be.instanceOf(AsyncFileHandle);
      expect(first).to.not.equal(second);
      expect(first.id).to.not.equal(second.id);
      expect(first.isOpen).to.equal(false);
      expect(first.hasPendingAction).to.equal(false);
      expect(first.isAborted).to.equal(false);
    });
  });

  describe('stat()', () => {
    it('should stat a path', async () => {
      const filePath = fixture('a.txt', 'twelve bytes');
      const stats = await step<FileStats>((callback) => manager.stat(filePath, callback));
      expect(stats.isFile()).to.equal(true);
      expect(stats.size).to.equal(12);
      expect(stats.ino).to.equal(fs.statSync(filePath).ino);
      const directory = await step<FileStats>((callback) => manager.stat(tmp.path, callback));
      expect(directory.isDirectory()).to.equal(true);
    });

    it('should call back later, never before stat() returns', (done) => {
      const order: string[] = [];
      manager
        .stat(tmp.path, (error) => {
          order.push(`stat: ${String(error)}`);
          manager
            .whenIdle()
            .then(() => expect(order).to.deep.equal(['returned', 'stat: null']))
            .then(() => done(), done);
        })
        .release();
      order.push('returned');
    });

    it("should report ENOENT as Node's own error, with code, syscall and path", async () => {
      const filePath = tmp.join('missing.txt');
      const error = await stepError<FileStats>((callback) => manager.stat(filePath, callback));
      expect(error).to.be.instanceOf(Error);
      expect(error.code).to.equal('ENOENT');
      expect(error.syscall).to.equal('stat');
      expect(error.path).to.equal(filePath);
      expect(error.errno).to.equal(-os.constants.errno.ENOENT);
      expect(error.message).to.contain('ENOENT');
    });

    it('should throw a TypeError naming the value for a bad path or callback', () => {
      const callback = sinon.spy();
      expectArgumentError(() => manager.stat('', callback), TypeError, 'path', '`""` (string)');
      expectArgumentError(() => manager.stat(7 as never, callback), TypeError, 'path', '`7` (number)');
      expectArgumentError(() => manager.stat(tmp.path, undefined as never), TypeError, 'callback', '`undefined`');
      expect(manager.pendingCount).to.equal(0);
      sinon.assert.notCalled(callback);
    });
  });

  describe('unlink()', () => {
    it('should remove a name', async () => {
      const filePath = fixture('a.txt');
      const { error, result } = await outcome<void>((callback) => manager.unlink(filePath, callback));
      expect(error).to.equal(null);
      expect(result).to.equal(undefined);
      expect(fs.existsSync(filePath)).to.equal(false);
    });

    it("should report ENOENT as Node's own error", async () => {
      const filePath = tmp.join('missing.txt');
      const error = await stepError<void>((callback) => manager.unlink(filePath, callback));
      expect(error.code).to.equal('ENOENT');
      expect(error.syscall).to.equal('unlink');
      expect(error.path).to.equal(filePath);
    });

    it('should throw a TypeError naming the value for a bad path', () => {
      expectArgumentError(() => manager.unlink(undefined as never, () => undefined), TypeError, 'path', '`undefined`');
    });
  });

  describe('rename()', () => {
    it('should rename a file, replacing an existing target', async () => {
      const from = fixture('from.txt', 'new');
      const to = fixture('to.txt', 'old');
      await step<void>((callback) => manager.rename(from, to, callback));
      expect(fs.existsSync(from)).to.equal(false);
      expect(fs.readFileSync(to, 'utf8')).to.equal('new');
      expect(fs.readdirSync(tmp.path)).to.deep.equal(['to.txt']);
    });

    it("should report ENOENT as Node's own error, with both paths", async () => {
      const from = tmp.join('missing.txt');
      const to = tmp.join('to.txt');
      const error = await stepError<void>((callback) => manager.rename(from, to, callback));
      expect(error.code).to.equal('ENOENT');
      expect(error.syscall).to.equal('rename');
      expect(error.path).to.equal(from);
      expect((error as NodeJS.ErrnoException & { dest?: string }).dest).to.equal(to);
      expect(fs.existsSync(to)).to.equal(false);
    });

    it('should throw a TypeError naming the value for a bad path', () => {
      expectArgumentError(() => manager.rename(tmp.path, '', () => undefined), TypeError, 'to', '`""` (string)');
      expectArgumentError(() => manager.rename(null as never, tmp.path, () => undefined), TypeError, 'from', '`null`');
    });
  });

  describe('cancel', () => {
    it('should never run a manager action canceled while queued', async () => {
      manager = new AsyncFileManager({ concurrency: 1 });
      const filePath = fixture('a.txt');
      const callback = sinon.spy();
      const first = outcome<FileStats>((cb) => manager.stat(tmp.path, cb));
      const op = manager.unlink(filePath, callback);
      expect(manager.queuedCount).to.equal(1);
      expect(manager.pendingCount).to.equal(2);
      expect(op.cancel()).to.equal(true);
      op.release();
      expect(manager.queuedCount).to.equal(0);
      expect(manager.pendingCount).to.equal(1);
      await first;
      await manager.whenIdle();
      sinon.assert.notCalled(callback);
      expect(fs.existsSync(filePath)).to.equal(true);
    });
  });

  describe('whenIdle()', () => {
    it('should resolve at once with nothing pending', async () => {
      await manager.whenIdle();
      expect(manager.pendingCount).to.equal(0);
    });

    it('should wait until every action finished', async () => {
      const order: string[] = [];
      for (let index = 0; index < 3; index++) {
        manager.stat(tmp.path, () => order.push(`stat ${index}`)).release();
      }
      expect(manager.pendingCount).to.equal(3);
      await manager.whenIdle();
      order.push('idle');
      expect(order).to.have.length(4);
      expect(order[3]).to.equal('idle');
      expect(manager.pendingCount).to.equal(0);
    });
  });

  describe('concurrency', () => {
    it('should run at most `concurrency` actions at once, the rest in FIFO order', async () => {
      manager = new AsyncFileManager({ concurrency: 2 });
      const order: string[] = [];
      for (let index = 0; index < 5; index++) {
        manager.stat(tmp.path, () => order.push(`stat ${index}`)).release();
      }
      expect(manager.activeCount).to.equal(2);
      expect(manager.queuedCount).to.equal(3);
      await manager.whenIdle();
      expect(manager.activeCount).to.equal(0);
      expect(order).to.have.members(['stat 0', 'stat 1', 'stat 2', 'stat 3', 'stat 4']);
    });

    /** Runs open, write, close on `count` unnamed files; chained from each callback, or enqueued a turn later. */
    function openWriteClose(count: number, isChained: boolean, openFiles: number[]): Promise<void> {
      const later = (action: () => void): void => {
        if (isChained) action();
        else setImmediate(action);
      };
      const done: Promise<void>[] = [];
      for (let index = 0; index < count; index++) {
        const handle = manager.newFileHandle();
        done.push(
          new Promise((resolve, reject) => {
            handle
              .createAnonymousFile(tmp.path, (openError) => {
                if (openError) return reject(openError);
                openFiles.push(descriptorsUnder(tmp.path).length);
                later(() =>
                  handle
                    .write(Buffer.from(`file ${index}`), 0, (writeError) => {
                      if (writeError) return reject(writeError);
                      later(() =>
                        handle.close((closeError) => (closeError ? reject(closeError) : resolve())).release(),
                      );
                    })
                    .release(),
                );
              })
              .release();
          }),
        );
      }
      return Promise.all(done).then(() => undefined);
    }

    it('should run chained actions in the slot that just finished: OPEN-WRITE-CLOSE x5', async () => {
      const recorder = new FileTraceRecorder();
      manager = new AsyncFileManager({ concurrency: 1, trace: recorder.listener });
      const openFiles: number[] = [];
      await openWriteClose(5, true, openFiles);
      await manager.whenIdle();
      expect(recorder.started()).to.deep.equal(
        Array.from({ length: 5 }, () => ['createAnonymousFile', 'write', 'close']).flat(),
      );
      // chaining bounds the open files by `concurrency`
      expect(openFiles).to.deep.equal([1, 1, 1, 1, 1]);
    });

    it('should run unchained actions through the FIFO: OPEN x5, WRITE x5, CLOSE x5', async () => {
      const recorder = new FileTraceRecorder();
      manager = new AsyncFileManager({ concurrency: 1, trace: recorder.listener });
      const openFiles: number[] = [];
      await openWriteClose(5, false, openFiles);
      await manager.whenIdle();
      expect(recorder.started()).to.deep.equal([
        ...Array.from({ length: 5 }, () => 'createAnonymousFile'),
        ...Array.from({ length: 5 }, () => 'write'),
        ...Array.from({ length: 5 }, () => 'close'),
      ]);
      expect(openFiles).to.deep.equal([1, 2, 3, 4, 5]);
    });

    it('should trace every action from enqueued to callback, with its slot', async () => {
      const recorder = new FileTraceRecorder();
      manager = new AsyncFileManager({ concurrency: 1, trace: recorder.listener });
      const missing = tmp.join('missing.txt');
      await outcome<FileStats>((callback) => manager.stat(missing, callback));
      await manager.whenIdle();
      expect(recorder.events.map((event) => [event.type, event.action, event.handleId, event.slot])).to.deep.equal([
        ['enqueued', 'statPath', undefined, -1],
        ['started', 'statPath', undefined, 0],
        ['finished', 'statPath', undefined, 0],
        ['callback', 'statPath', undefined, 0],
      ]);
      expect(recorder.events[2]?.error).to.equal('ENOENT');
    });
  });
});

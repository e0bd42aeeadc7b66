import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from 'async-op';
import { AsyncFileManager, PromiseFileManager } from 'async-op-file';
import type { Result } from 'async-op-module-kit';
import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import { startAtomicSave } from '../examples/tutorials/atomic-save-task.js';
import { readStart } from '../examples/tutorials/read-start.js';
import { sizeOf } from '../examples/tutorials/size-of.js';
import { startReadStart } from '../examples/tutorials/start-read-start.js';
import { withRetries } from '../examples/tutorials/with-retries.js';

/** The rejection of `promise` (fails the test if it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('the tutorials’ example code on real files', () => {
  let directory: string;
  let manager: AsyncFileManager;
  let file: string;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'tutorials-'));
    manager = new AsyncFileManager();
    file = path.join(directory, 'hello.txt');
    fs.writeFileSync(file, 'hello, tutorial');
  });

  afterEach(async () => {
    await manager.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  describe('1. readStart() and sizeOf()', () => {
    it('should read the start of a file and its size', async () => {
      const files = new PromiseFileManager(manager);
      expect((await readStart(files, file, 5)).toString()).to.equal('hello');
      expect(await sizeOf(manager, file)).to.equal(15);
    });

    it('should reject with the signal’s reason, unchanged, when it aborts (already, or while the action runs)', async () => {
      const files = new PromiseFileManager(manager);
      const reason = new Error('not needed any more');
      expect(await rejectionOf(readStart(files, file, 5, AbortSignal.abort(reason)))).to.equal(reason);
      const controller = new AbortController();
      const reading = readStart(files, file, 5, controller.signal);
      controller.abort(reason);
      expect(await rejectionOf(reading)).to.equal(reason);
      expect(await rejectionOf(sizeOf(manager, file, AbortSignal.abort(reason)))).to.equal(reason);
    });
  });

  describe('2. startReadStart()', () => {
    function run(path: string, cancel: boolean): Promise<{ error: unknown; bytes: Buffer | undefined; calls: number }> {
      return new Promise((resolve) => {
        let calls = 0;
        const op = startReadStart(manager, path, 5, (error, bytes) => {
          calls++;
          setImmediate(() => resolve({ error, bytes, calls }));
        });
        if (cancel) op.cancel('stop');
        op.release();
      });
    }

    it('should call back once with the bytes, or the error', async () => {
      expect(await run(file, false)).to.deep.equal({ error: null, bytes: Buffer.from('hello'), calls: 1 });
      const missing = await run(path.join(directory, 'missing'), false);
      expect(missing.error).to.have.property('code', 'ENOENT');
    });

    it('should call back once with the cancel reason, after the file was closed', async () => {
      expect(await run(file, true)).to.deep.equal({ error: 'stop', bytes: undefined, calls: 1 });
    });

    it('should throw for a bad length or path, leaving nothing behind', () => {
      expect(() => startReadStart(manager, file, 0, () => undefined)).to.throw(RangeError, 'got `0` (number)');
      expect(() => startReadStart(manager, '', 5, () => undefined)).to.throw(TypeError);
    });
  });

  describe('5. startAtomicSave() and withRetries()', () => {
    /** Saves `data`; `cancelAt` gets a cancel function that does nothing once the result is in. */
    function save(data: string, cancelAt?: (cancel: (reason: unknown) => void) => void): Promise<Result<number>> {
      return new Promise((resolve) => {
        let isDone = false;
        const op = startAtomicSave(manager, { path: file, data: Buffer.from(data) }, (result) => {
          isDone = true;
          op.release();
          resolve(result);
        });
        cancelAt?.((reason) => {
          if (!isDone) op.cancel(reason);
        });
      });
    }

    it('should replace the file whole and leave no temporary file', async () => {
      expect(await save('new contents')).to.deep.equal({ status: 'ok', value: 12 });
      expect(fs.readFileSync(file, 'utf8')).to.equal('new contents');
      expect(fs.readdirSync(directory)).to.deep.equal(['hello.txt']);
    });

    it('should leave the old file and no temporary file when canceled before the rename', async () => {
      for (const delay of [0, 1, 2, 3]) {
        const result = await save('never', (cancel) => setTimeout(() => cancel('stop'), delay));
        if (result.status === 'ok') {
          // the cancel came after the rename: the save is done, and says so
          expect(fs.readFileSync(file, 'utf8')).to.equal('never');
          fs.writeFileSync(file, 'hello, tutorial');
        } else {
          expect(result).to.deep.equal({ status: 'canceled', error: 'stop' });
          expect(fs.readFileSync(file, 'utf8')).to.equal('hello, tutorial');
        }
        expect(fs.readdirSync(directory)).to.deep.equal(['hello.txt']);
      }
      const canceledAtOnce = await save('never', (cancel) => cancel('stop'));
      expect(canceledAtOnce, String(canceledAtOnce.error)).to.deep.equal({ status: 'canceled', error: 'stop' });
    });

    it('should retry a transient error, stop at a permanent one, and stop at once on abort', async () => {
      const eagain = Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
      let calls = 0;
      // the backoff waits on a clock that jumps to the next wait whenever nothing else is pending: no real sleep
      const clock = new ManualClock({ autoAdvance: true });
      const value = await withRetries(
        async () => {
          if (++calls < 3) throw eagain;
          return 'third time';
        },
        new AbortController().signal,
        5,
        60_000,
        clock,
      );
      expect(clock.now()).to.equal(60_000 + 120_000);
      expect([value, calls]).to.deep.equal(['third time', 3]);
      const eio = new Error('EIO');
      expect(await rejectionOf(withRetries(() => Promise.reject(eio), new AbortController().signal))).to.equal(eio);
      const controller = new AbortController();
      const waiting = withRetries(() => Promise.reject(eagain), controller.signal, 5, 60_000, new ManualClock());
      setImmediate(() => controller.abort('stop'));
      // the wait rejects with the signal's reason unchanged
      expect(await rejectionOf(waiting)).to.equal('stop');
    });
  });
});

import fs from 'node:fs';
import { expect } from 'chai';
import { beforeEach, describe, it } from 'mocha';
import {
  AsyncFileManager,
  FileErrorCode,
  FileHandleError,
  PromiseFileHandle,
  PromiseFileManager,
} from '../src/index.js';
import { descriptorsOf, descriptorsUnder } from './support/descriptors.js';
import { rejectionOf, settlesWithin } from './support/step.js';
import { useTempDir } from './support/temp-dir.js';

/** How long a promise may take to settle before a test calls it hung (real fs calls take well under 100 ms). */
const SETTLE_MS = 1500;

describe('PromiseFileHandle', () => {
  const tmp = useTempDir();
  let manager: AsyncFileManager;
  let files: PromiseFileManager;

  beforeEach(() => {
    manager = new AsyncFileManager();
    files = new PromiseFileManager(manager);
  });

  function fixture(name: string, content = 'hello, promise'): string {
    const filePath = tmp.join(name);
    fs.writeFileSync(filePath, content);
    return filePath;
  }

  it('should drive the whole life of an unnamed file with async/await', async () => {
    const file = files.newFileHandle();
    expect(file).to.be.instanceOf(PromiseFileHandle);
    expect(await file.createAnonymousFile(tmp.path)).to.equal(undefined);
    expect(file.handle.isOpen).to.equal(true);
    expect(await file.write(Buffer.from('0123456789'), 0)).to.equal(10);
    expect((await file.read(2, 3)).toString()).to.equal('234');
    expect(await file.read(10, 5)).to.have.length(0);
    await file.truncate(4);
    const stats = await file.stat();
    expect(stats.size).to.equal(4);
    expect(stats.mode & 0o777).to.equal(0o600);
    await file.sync();
    const linkPath = tmp.join('named.txt');
    await file.createHardLink(linkPath);
    expect(fs.readFileSync(linkPath, 'utf8')).to.equal('0123');
    expect(await file.close()).to.equal(undefined);
    expect(file.handle.isOpen).to.equal(false);
    await manager.whenIdle();
  });

  it('should open an existing file in each mode', async () => {
    const filePath = fixture('a.txt');
    const file = files.newFileHandle();
    await file.openExistingFile(filePath, 'read-write');
    await file.write(Buffer.from('J'), 0);
    expect((await file.read(0, 5)).toString()).to.equal('Jello');
    await file.close();
    await file.openExistingFile(filePath, 'read');
    expect(((await rejectionOf(file.write(Buffer.from('x'), 0))) as NodeJS.ErrnoException).code).to.equal('EBADF');
    await file.close();
    await file.openExistingFile(filePath, 'write');
    expect(((await rejectionOf(file.read(0, 1))) as NodeJS.ErrnoException).code).to.equal('EBADF');
    await file.close();
    await manager.whenIdle();
  });

  it('should read into a buffer of the caller, and settle an aborted readInto before the buffer is reused', async () => {
    const file = files.newFileHandle();
    await file.openExistingFile(fixture('a.txt'), 'read');
    const buffer = Buffer.alloc(8, '#');
    expect(await file.readInto(buffer, 7)).to.equal(7);
    expect(buffer.toString()).to.equal('promise#');
    const controller = new AbortController();
    const reading = file.readInto(buffer.fill('#'), 0, { signal: controller.signal });
    const reason = new Error('stop');
    controller.abort(reason);
    // a read that was already executing may still resolve with its value; one stopped in time rejects with the reason
    const result = await reading.then(
      (bytesRead) => bytesRead,
      (error: unknown) => error,
    );
    await settlesWithin(file.whenSettled(), SETTLE_MS, 'whenSettled() after the abort');
    const settled = buffer.toString();
    expect([
      result === reason && ['hello, p', '########'].includes(settled),
      result === 8 && settled === 'hello, p',
    ]).to.include(true);
    await file.close();
    await manager.whenIdle();
  });

  it("should reject with Node's own error for a missing file", async () => {
    const file = files.newFileHandle();
    const filePath = tmp.join('missing.txt');
    const error = (await rejectionOf(file.openExistingFile(filePath, 'read'))) as NodeJS.ErrnoException;
    expect(error.code).to.equal('ENOENT');
    expect(error.path).to.equal(filePath);
    expect(fs.existsSync(filePath)).to.equal(false);
    await manager.whenIdle();
  });

  it('should resolve duplicate() with a PromiseFileHandle on the same file; both must be closed', async () => {
    const filePath = fixture('a.txt');
    const file = files.newFileHandle();
    await file.openExistingFile(filePath, 'read');
    const copy = await file.duplicate();
    expect(copy).to.be.instanceOf(PromiseFileHandle);
    expect(copy.handle).to.not.equal(file.handle);
    expect(descriptorsOf(filePath)).to.have.length(2);
    await file.close();
    expect((await copy.read(0, 5)).toString()).to.equal('hello');
    await copy.close();
    expect(descriptorsOf(filePath)).to.deep.equal([]);
    await manager.whenIdle();
  });

  describe('errors', () => {
    it('should reject, not throw, for state errors', async () => {
      const file = files.newFileHandle();
      let promise: Promise<Buffer> | undefined;
      expect(() => (promise = file.read(0, 1))).to.not.throw();
      const error = await rejectionOf(promise as Promise<Buffer>);
      expect(error).to.be.instanceOf(FileHandleError).with.property('code', FileErrorCode.NOT_OPEN);

      await file.createAnonymousFile(tmp.path);
      expect(await rejectionOf(file.createAnonymousFile(tmp.path))).to.have.property(
        'code',
        FileErrorCode.ALREADY_OPEN,
      );
      await file.close();
      await manager.whenIdle();
    });

    it('should reject a second action with ERR_FILE_HANDLE_BUSY while the first still resolves', async () => {
      const file = files.newFileHandle();
      await file.createAnonymousFile(tmp.path);
      const first = file.write(Buffer.from('abc'), 0);
      const second = file.read(0, 3);
      expect(await rejectionOf(second))
        .to.be.instanceOf(FileHandleError)
        .with.property('code', FileErrorCode.HANDLE_BUSY);
      expect(await first).to.equal(3);
      await file.close();
      await manager.whenIdle();
    });

    it('should reject with ERR_FILE_HANDLE_ABORTED after abort()', async () => {
      const file = files.newFileHandle();
      await file.createAnonymousFile(tmp.path);
      file.abort();
      expect(await rejectionOf(file.stat())).to.have.property('code', FileErrorCode.HANDLE_ABORTED);
      await file[Symbol.asyncDispose]();
      expect(descriptorsUnder(tmp.path)).to.deep.equal([]);
      await manager.whenIdle();
    });

    it('should reject, not throw, for bad arguments', async () => {
      const file = files.newFileHandle();
      expect(await rejectionOf(file.read(-1, 10)))
        .to.be.instanceOf(RangeError)
        .with.property('message')
        .that.contains('`-1`');
      expect(await rejectionOf(file.write('x' as never, 0))).to.be.instanceOf(TypeError);
      expect(await rejectionOf(file.openExistingFile(tmp.path, 'append' as never))).to.be.instanceOf(TypeError);
      expect(manager.pendingCount).to.equal(0);
    });
  });

  describe('{ signal }', () => {
    it('should reject with signal.reason and start nothing for an already aborted signal', async () => {
      const reason = new Error('stopped before it started');
      const signal = AbortSignal.abort(reason);
      const filePath = fixture('a.txt');
      const file = files.newFileHandle();
      expect(await rejectionOf(file.openExistingFile(filePath, 'read', { signal }))).to.equal(reason);
      expect(await rejectionOf(file.createAnonymousFile(tmp.path, { signal }))).to.equal(reason);
      expect(manager.pendingCount).to.equal(0);
      expect(file.handle.isOpen).to.equal(false);
      expect(descriptorsUnder(tmp.path)).to.deep.equal([]);
      expect(await rejectionOf(files.unlink(filePath, { signal }))).to.equal(reason);
      expect(fs.existsSync(filePath)).to.equal(true);
      await manager.whenIdle();
    });

    it('should resolve as usual when the signal never aborts', async () => {
      const controller = new AbortController();
      const file = files.newFileHandle();
      await file.openExistingFile(fixture('a.txt'), 'read', { signal: controller.signal });
      expect((await file.read(0, 5, { signal: controller.signal })).toString()).to.equal('hello');
      await file.close({ signal: controller.signal });
      controller.abort(new Error('after the fact'));
      await manager.whenIdle();
    });

    // Regression: with runAsPromise(), which settles only when the callback arrives, this promise never settled (a file
    // action canceled before its callback never calls it) and the action's AsyncOp reference was never released.
    // settlesWithin() turns such a hang into a quick, readable failure.
    it('should reject with signal.reason when the signal aborts while the read is queued behind a busy manager', async () => {
      manager = new AsyncFileManager({ concurrency: 1 });
      files = new PromiseFileManager(manager);
      const busy = files.newFileHandle();
      const file = files.newFileHandle();
      try {
        await busy.createAnonymousFile(tmp.path);
        await file.openExistingFile(fixture('a.txt'), 'read');
        const long = busy.write(Buffer.alloc(4 * 1024 * 1024), 0); // holds the only slot
        const controller = new AbortController();
        const read = file.read(0, 5, { signal: controller.signal });
        expect(manager.queuedCount).to.equal(1);
        const reason = new Error('user pressed stop');
        controller.abort(reason);
        expect(manager.queuedCount).to.equal(0);
        expect(await rejectionOf(settlesWithin(read, SETTLE_MS, 'the read of an aborted signal'))).to.equal(reason);
        expect(await long).to.equal(4 * 1024 * 1024);
        expect(file.handle.isOpen).to.equal(true);
      } finally {
        await busy[Symbol.asyncDispose]();
        await file[Symbol.asyncDispose]();
        await manager.whenIdle();
      }
    });

    // The same regression for an action canceled while it executes: its effect is undone (the opened file is closed)
    // and its callback dropped, so the promise must reject with signal.reason at once.
    it('should reject with signal.reason and close the file when the signal aborts while the open executes', async () => {
      const filePath = fixture('a.txt');
      const file = files.newFileHandle();
      try {
        const controller = new AbortController();
        const opening = file.openExistingFile(filePath, 'read', { signal: controller.signal });
        expect(manager.activeCount).to.equal(1);
        const reason = new Error('too slow');
        controller.abort(reason);
        expect(await rejectionOf(settlesWithin(opening, SETTLE_MS, 'the open of an aborted signal'))).to.equal(reason);
        await manager.whenIdle();
        expect(file.handle.isOpen).to.equal(false);
        expect(descriptorsOf(filePath)).to.deep.equal([]);
      } finally {
        await file[Symbol.asyncDispose]();
        await manager.whenIdle();
      }
    });
  });

  describe('{ signal } while executing', () => {
    it('should still close the file when the signal aborts during close(), rejecting with signal.reason', async () => {
      const filePath = fixture('a.txt');
      const file = files.newFileHandle();
      await file.openExistingFile(filePath, 'read');
      const controller = new AbortController();
      const closing = file.close({ signal: controller.signal });
      const reason = new Error('do not wait for the close');
      controller.abort(reason);
      expect(await rejectionOf(settlesWithin(closing, SETTLE_MS, 'the close of an aborted signal'))).to.equal(reason);
      await file.handle.whenIdle();
      await manager.whenIdle();
      expect(descriptorsOf(filePath)).to.deep.equal([]);
    });

    it('should close the new descriptor when the signal aborts during duplicate()', async () => {
      const filePath = fixture('a.txt');
      const file = files.newFileHandle();
      await file.openExistingFile(filePath, 'read');
      const controller = new AbortController();
      const duplicating = file.duplicate({ signal: controller.signal });
      const reason = new Error('no copy after all');
      controller.abort(reason);
      expect(await rejectionOf(settlesWithin(duplicating, SETTLE_MS, 'the duplicate of an aborted signal'))).to.equal(
        reason,
      );
      await manager.whenIdle();
      expect(descriptorsOf(filePath)).to.have.length(1);
      await file.close();
      await manager.whenIdle();
      expect(descriptorsOf(filePath)).to.deep.equal([]);
    });
  });

  describe('[Symbol.asyncDispose]()', () => {
    it('should close the file at the end of an `await using` block', async () => {
      const filePath = fixture('a.txt');
      {
        await using file = files.newFileHandle();
        await file.openExistingFile(filePath, 'read');
        expect(descriptorsOf(filePath)).to.have.length(1);
      }
      expect(descriptorsOf(filePath)).to.deep.equal([]);
      await manager.whenIdle();
    });

    it('should be idempotent and resolve for a handle that never opened a file', async () => {
      const file = files.newFileHandle();
      await file[Symbol.asyncDispose]();
      await file[Symbol.asyncDispose]();
      expect(file.handle.isAborted).to.equal(true);
    });
  });
});

describe('PromiseFileManager', () => {
  const tmp = useTempDir();
  let manager: AsyncFileManager;
  let files: PromiseFileManager;

  beforeEach(() => {
    manager = new AsyncFileManager();
    files = new PromiseFileManager(manager);
  });

  it('should stat, rename and unlink paths', async () => {
    const from = tmp.join('from.txt');
    const to = tmp.join('to.txt');
    fs.writeFileSync(from, 'abc');
    expect(files.manager).to.equal(manager);
    const stats = await files.stat(from);
    expect(stats.isFile()).to.equal(true);
    expect(stats.size).to.equal(3);
    expect(await files.rename(from, to)).to.equal(undefined);
    expect(fs.readdirSync(tmp.path)).to.deep.equal(['to.txt']);
    expect(await files.unlink(to)).to.equal(undefined);
    expect(fs.readdirSync(tmp.path)).to.deep.equal([]);
    await manager.whenIdle();
  });

  it("should reject with Node's own ENOENT errors", async () => {
    const missing = tmp.join('missing.txt');
    for (const [syscall, promise] of [
      ['stat', files.stat(missing)],
      ['unlink', files.unlink(missing)],
      ['rename', files.rename(missing, tmp.join('to.txt'))],
    ] as const) {
      const error = (await rejectionOf(promise)) as NodeJS.ErrnoException;
      expect(error.code, syscall).to.equal('ENOENT');
      expect(error.syscall, syscall).to.equal(syscall);
      expect(error.path, syscall).to.equal(missing);
    }
    await manager.whenIdle();
  });

  it('should reject, not throw, for a bad path', async () => {
    let promise: Promise<unknown> | undefined;
    expect(() => (promise = files.stat(''))).to.not.throw();
    expect(await rejectionOf(promise as Promise<unknown>)).to.be.instanceOf(TypeError);
  });

  // The same regression as PromiseFileHandle's: a manager action canceled by its signal while queued never settled.
  it('should reject with signal.reason when the signal aborts while the unlink is queued', async () => {
    manager = new AsyncFileManager({ concurrency: 1 });
    files = new PromiseFileManager(manager);
    const filePath = tmp.join('a.txt');
    fs.writeFileSync(filePath, 'keep');
    const first = files.stat(tmp.path);
    const controller = new AbortController();
    const unlink = files.unlink(filePath, { signal: controller.signal });
    expect(manager.queuedCount).to.equal(1);
    const reason = new Error('never mind');
    controller.abort(reason);
    try {
      expect(await rejectionOf(settlesWithin(unlink, SETTLE_MS, 'the unlink of an aborted signal'))).to.equal(reason);
    } finally {
      await first;
      await manager.whenIdle();
    }
    expect(fs.existsSync(filePath)).to.equal(true);
  });
});

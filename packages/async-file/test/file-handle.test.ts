import fs from 'node:fs';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import sinon from 'sinon';
import {
  AsyncFileManager,
  FeatureUnavailableError,
  FileErrorCode,
  FileHandleError,
  FileStateError,
  NodeFsEngine,
  type AsyncFileHandle,
  type FileStats,
} from '../src/index.js';
import { descriptorTarget, descriptorsOf, descriptorsUnder } from './support/descriptors.js';
import { expectArgumentError } from './support/argument-error.js';
import { CONTENT, useHandleFixture } from './support/handle-fixture.js';
import { outcome, step, stepError } from './support/step.js';

function expectHandleError(action: () => unknown, code: FileErrorCode): void {
  expect(action).to.throw(FileStateError).with.property('code', code);
}

describe('AsyncFileHandle', () => {
  const files = useHandleFixture();

  describe('createAnonymousFile()', () => {
    it('should create an unnamed file: directory unchanged, mode 0600, no link', async () => {
      files.fixture('existing.txt');
      const before = fs.readdirSync(files.tmp.path).sort();
      const handle = await files.createAnonymous();
      expect(handle.isOpen).to.equal(true);
      expect(fs.readdirSync(files.tmp.path).sort()).to.deep.equal(before);
      const stats = await step<FileStats>((callback) => handle.stat(callback));
      expect(stats.isFile()).to.equal(true);
      expect(stats.mode & 0o777).to.equal(0o600);
      expect(stats.nlink).to.equal(0);
      expect(stats.size).to.equal(0);
      await files.close(handle);
    });

    it('should open the unnamed file for reading and writing', async () => {
      const handle = await files.createAnonymous();
      expect(await step<number>((callback) => handle.write(CONTENT, 0, callback))).to.equal(CONTENT.length);
      const bytes = await step<Buffer>((callback) => handle.read(0, 100, callback));
      expect(bytes.toString()).to.equal(CONTENT.toString());
      await files.close(handle);
    });

    it('should call back later, never before createAnonymousFile() returns', (done) => {
      const order: string[] = [];
      const handle = files.manager.newFileHandle();
      handle
        .createAnonymousFile(files.tmp.path, (error) => {
          order.push(`created: ${String(error)}`);
          handle
            .close((closeError) => {
              order.push(`closed: ${String(closeError)}`);
              files.manager
                .whenIdle()
                .then(() => expect(order).to.deep.equal(['returned', 'created: null', 'closed: null']))
                .then(() => done(), done);
            })
            .release();
        })
        .release();
      order.push('returned');
    });

    it('should report ENOENT for a missing directory and leave the handle closed', async () => {
      const handle = files.manager.newFileHandle();
      const error = await stepError<void>((callback) =>
        handle.createAnonymousFile(files.tmp.join('missing'), callback),
      );
      expect(error).to.be.instanceOf(Error);
      expect(error.code).to.equal('ENOENT');
      expect(handle.isOpen).to.equal(false);
      expect(handle.hasPendingAction).to.equal(false);
      await files.manager.whenIdle();
    });

    it('should have NodeFsEngine use O_TMPFILE on Linux once the first unnamed file was created', async function () {
      if (process.platform !== 'linux') this.skip(); // O_TMPFILE is Linux-only; elsewhere the fallback is expected
      const engine = new NodeFsEngine();
      files.manager = new AsyncFileManager({ engine });
      expect(engine.usesTmpfile).to.equal(undefined);
      const handle = await files.createAnonymous();
      expect(engine.usesTmpfile).to.equal(true);
      // an O_TMPFILE file appears in /proc as "<dir>/#<inode> (deleted)"
      const targets = descriptorsUnder(files.tmp.path).map((fd) => descriptorTarget(fd));
      expect(targets).to.have.length(1);
      expect(targets[0]).to.match(/\/#\d+ \(deleted\)$/);
      await files.close(handle);
    });

    it('should throw ERR_FILE_ALREADY_OPEN on a handle that holds a file', async () => {
      const handle = await files.createAnonymous();
      expectHandleError(() => handle.createAnonymousFile(files.tmp.path, () => undefined), FileErrorCode.ALREADY_OPEN);
      await files.close(handle);
    });
  });

  describe('openExistingFile()', () => {
    it('should open for reading: read works, write reports EBADF', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'read');
      expect((await step<Buffer>((callback) => handle.read(0, 100, callback))).toString()).to.equal(CONTENT.toString());
      const error = await stepError<number>((callback) => handle.write(Buffer.from('x'), 0, callback));
      expect(error.code).to.equal('EBADF');
      expect(fs.readFileSync(filePath)).to.deep.equal(CONTENT);
      await files.close(handle);
    });

    it('should open for writing: write works, read reports EBADF', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'write');
      await step<number>((callback) => handle.write(Buffer.from('J'), 0, callback));
      const error = await stepError<Buffer>((callback) => handle.read(0, 10, callback));
      expect(error.code).to.equal('EBADF');
      expect(fs.readFileSync(filePath, 'utf8')).to.equal('Jello, async file');
      await files.close(handle);
    });

    it('should open for reading and writing, without truncating', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'read-write');
      await step<number>((callback) => handle.write(Buffer.from('J'), 0, callback));
      expect((await step<Buffer>((callback) => handle.read(0, 5, callback))).toString()).to.equal('Jello');
      await files.close(handle);
      expect(fs.readFileSync(filePath, 'utf8')).to.equal('Jello, async file');
    });

    it('should report ENOENT as Node reports it and never create the file', async () => {
      const filePath = files.tmp.join('missing.txt');
      for (const mode of ['read', 'write', 'read-write'] as const) {
        const handle = files.manager.newFileHandle();
        const error = await stepError<void>((callback) => handle.openExistingFile(filePath, mode, callback));
        expect(error.code, mode).to.equal('ENOENT');
        expect(error.syscall, mode).to.equal('open');
        expect(error.path, mode).to.equal(filePath);
        expect(handle.isOpen, mode).to.equal(false);
      }
      expect(fs.existsSync(filePath)).to.equal(false);
      await files.manager.whenIdle();
    });

    it('should report EISDIR for a directory opened for writing', async () => {
      for (const mode of ['write', 'read-write'] as const) {
        const handle = files.manager.newFileHandle();
        const error = await stepError<void>((callback) => handle.openExistingFile(files.tmp.path, mode, callback));
        expect(error.code, mode).to.equal('EISDIR');
        expect(handle.isOpen, mode).to.equal(false);
      }
      await files.manager.whenIdle();
    });

    it('should report EACCES for a file in a directory without permissions (root: opens it)', async () => {
      const locked = files.tmp.join('locked');
      fs.mkdirSync(locked);
      const filePath = files.fixture('locked/secret.txt');
      fs.chmodSync(locked, 0o000);
      try {
        const handle = files.manager.newFileHandle();
        const { error } = await outcome<void>((callback) => handle.openExistingFile(filePath, 'read', callback));
        if (process.getuid?.() === 0) {
          // root has CAP_DAC_OVERRIDE and walks through a mode-0 directory: the open succeeds. That is the kernel's
          // rule, not the handle's, so assert it rather than skip the test (CI runs as root).
          expect(error).to.equal(null);
          expect(handle.isOpen).to.equal(true);
          await files.close(handle);
        } else {
          expect(error?.code).to.equal('EACCES');
          expect(handle.isOpen).to.equal(false);
        }
      } finally {
        fs.chmodSync(locked, 0o700);
      }
      await files.manager.whenIdle();
    });

    it('should throw ERR_FILE_ALREADY_OPEN when the handle already holds a file', async () => {
      const handle = await files.open(files.fixture('a.txt'), 'read');
      const callback = sinon.spy();
      expectHandleError(
        () => handle.openExistingFile(files.fixture('b.txt'), 'read', callback),
        FileErrorCode.ALREADY_OPEN,
      );
      expect(handle.hasPendingAction).to.equal(false);
      await files.close(handle);
      sinon.assert.notCalled(callback);
    });
  });

  describe('read()', () => {
    it('should read the whole file', async () => {
      const handle = await files.open(files.fixture('a.txt'), 'read');
      const bytes = await step<Buffer>((callback) => handle.read(0, CONTENT.length, callback));
      expect(bytes).to.be.instanceOf(Buffer);
      expect(bytes).to.deep.equal(CONTENT);
      await files.close(handle);
    });

    it('should read at an offset', async () => {
      const handle = await files.open(files.fixture('a.txt'), 'read');
      expect((await step<Buffer>((callback) => handle.read(7, 5, callback))).toString()).to.equal('async');
      await files.close(handle);
    });

    it('should return fewer bytes for a short read at the end of the file', async () => {
      const handle = await files.open(files.fixture('a.txt'), 'read');
      const bytes = await step<Buffer>((callback) => handle.read(13, 100, callback));
      expect(bytes.toString()).to.equal('file');
      expect(bytes.length).to.equal(4);
      await files.close(handle);
    });

    it('should return an empty buffer at and after the end of the file', async () => {
      const handle = await files.open(files.fixture('a.txt'), 'read');
      expect(await step<Buffer>((callback) => handle.read(CONTENT.length, 10, callback))).to.have.length(0);
      expect(await step<Buffer>((callback) => handle.read(CONTENT.length + 1000, 10, callback))).to.have.length(0);
      await files.close(handle);
    });

    it('should return an empty buffer for a length of 0', async () => {
      const handle = await files.open(files.fixture('a.txt'), 'read');
      expect(await step<Buffer>((callback) => handle.read(0, 0, callback))).to.have.length(0);
      await files.close(handle);
    });

    it('should report EBADF for a file opened for writing only', async () => {
      const handle = await files.open(files.fixture('a.txt'), 'write');
      const error = await stepError<Buffer>((callback) => handle.read(0, 10, callback));
      expect(error.code).to.equal('EBADF');
      expect(handle.isOpen).to.equal(true);
      await files.close(handle);
    });

    it('should throw ERR_FILE_NOT_OPEN on a handle that never opened a file', () => {
      const handle = files.manager.newFileHandle();
      const callback = sinon.spy();
      expectHandleError(() => handle.read(0, 10, callback), FileErrorCode.NOT_OPEN);
      expect(files.manager.pendingCount).to.equal(0);
      sinon.assert.notCalled(callback);
    });

    it('should throw a RangeError naming the value for a negative or fractional offset or length', () => {
      const handle = files.manager.newFileHandle();
      const callback = sinon.spy();
      expectArgumentError(() => handle.read(-1, 10, callback), RangeError, 'offset', '`-1` (number)');
      expectArgumentError(() => handle.read(0.5, 10, callback), RangeError, 'offset', '`0.5` (number)');
      expectArgumentError(() => handle.read(Number.NaN, 1, callback), RangeError, 'offset', '`NaN` (number)');
      expectArgumentError(() => handle.read(0, -3, callback), RangeError, 'length', '`-3` (number)');
      expectArgumentError(() => handle.read(0, 2 ** 31, callback), RangeError, 'length', '`2147483648` (number)');
      sinon.assert.notCalled(callback);
    });

    it('should throw a TypeError naming the value for an offset or length that is not a number', () => {
      const handle = files.manager.newFileHandle();
      expectArgumentError(() => handle.read('0' as never, 10, () => undefined), TypeError, 'offset', '`"0"` (string)');
      expectArgumentError(() => handle.read(0, 10n as never, () => undefined), TypeError, 'length', '`10` (bigint)');
    });
  });

  describe('readInto()', () => {
    it("should read into the caller's buffer from its start and call back with the bytes read", async () => {
      const handle = await files.open(files.fixture('a.txt'), 'read');
      const buffer = Buffer.alloc(CONTENT.length + 4, '#');
      const bytesRead = await step<number>((callback) => handle.readInto(buffer, 0, callback));
      expect(bytesRead).to.equal(CONTENT.length);
      expect(buffer.subarray(0, bytesRead)).to.deep.equal(CONTENT);
      expect(buffer.subarray(bytesRead).toString(), 'bytes past the read untouched').to.equal('####');
      await files.close(handle);
    });

    it('should read at an offset into part of a larger buffer, and into a plain Uint8Array', async () => {
      const handle = await files.open(files.fixture('a.txt'), 'read');
      const whole = Buffer.alloc(12, '.');
      expect(await step<number>((callback) => handle.readInto(whole.subarray(2, 7), 7, callback))).to.equal(5);
      expect(whole.toString()).to.equal('..async.....');
      const plain = new Uint8Array(5);
      expect(await step<number>((callback) => handle.readInto(plain, 0, callback))).to.equal(5);
      expect(Buffer.from(plain).toString()).to.equal('hello');
      await files.close(handle);
    });

    it('should read the same buffer again and again, each read seeing only its own bytes', async () => {
      const handle = await files.open(files.fixture('a.txt'), 'read');
      const buffer = Buffer.alloc(5);
      const seen: string[] = [];
      for (const offset of [0, 7, 13]) {
        const bytesRead = await step<number>((callback) => handle.readInto(buffer, offset, callback));
        seen.push(buffer.subarray(0, bytesRead).toString());
      }
      expect(seen).to.deep.equal(['hello', 'async', 'file']);
      await files.close(handle);
    });

    it('should call back with 0 at and after the end of the file, and for an empty buffer', async () => {
      const handle = await files.open(files.fixture('a.txt'), 'read');
      const buffer = Buffer.alloc(4, '#');
      expect(await step<number>((callback) => handle.readInto(buffer, CONTENT.length, callback))).to.equal(0);
      expect(await step<number>((callback) => handle.readInto(buffer, CONTENT.length + 99, callback))).to.equal(0);
      expect(await step<number>((callback) => handle.readInto(Buffer.alloc(0), 0, callback))).to.equal(0);
      expect(buffer.toString()).to.equal('####');
      await files.close(handle);
    });

    it('should report EBADF for a file opened for writing only, leaving the buffer as it was', async () => {
      const handle = await files.open(files.fixture('a.txt'), 'write');
      const buffer = Buffer.alloc(4, '#');
      const error = await stepError<number>((callback) => handle.readInto(buffer, 0, callback));
      expect(error.code).to.equal('EBADF');
      expect(buffer.toString()).to.equal('####');
      await files.close(handle);
    });

    it('should throw ERR_FILE_NOT_OPEN on a handle that never opened a file', () => {
      const handle = files.manager.newFileHandle();
      const callback = sinon.spy();
      expectHandleError(() => handle.readInto(Buffer.alloc(4), 0, callback), FileErrorCode.NOT_OPEN);
      expect(files.manager.pendingCount).to.equal(0);
      sinon.assert.notCalled(callback);
    });

    it('should throw a TypeError or RangeError naming the value for a bad buffer or offset', () => {
      const handle = files.manager.newFileHandle();
      const callback = sinon.spy();
      const buffer = Buffer.alloc(4);
      expectArgumentError(() => handle.readInto('abc' as never, 0, callback), TypeError, 'buffer', '`"abc"` (string)');
      expectArgumentError(
        () => handle.readInto([1] as never, 0, callback),
        TypeError,
        'buffer',
        'an instance of Array',
      );
      expectArgumentError(() => handle.readInto(buffer, -1, callback), RangeError, 'offset', '`-1` (number)');
      expectArgumentError(() => handle.readInto(buffer, 0.5, callback), RangeError, 'offset', '`0.5` (number)');
      expectArgumentError(() => handle.readInto(buffer, '0' as never, callback), TypeError, 'offset', '`"0"` (string)');
      sinon.assert.notCalled(callback);
    });
  });

  describe('write()', () => {
    it('should write at an offset and call back with buffer.length', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'write');
      const written = await step<number>((callback) => handle.write(Buffer.from('ASYNC'), 7, callback));
      expect(written).to.equal(5);
      await files.close(handle);
      expect(fs.readFileSync(filePath, 'utf8')).to.equal('hello, ASYNC file');
    });

    it('should grow the file when writing past its end, leaving a hole of zeros', async () => {
      const filePath = files.fixture('a.txt', Buffer.from('ab'));
      const handle = await files.open(filePath, 'read-write');
      expect(await step<number>((callback) => handle.write(Buffer.from('yz'), 6, callback))).to.equal(2);
      await files.close(handle);
      expect(fs.readFileSync(filePath)).to.deep.equal(Buffer.from('ab\0\0\0\0yz'));
      expect(fs.statSync(filePath).size).to.equal(8);
    });

    it('should accept a plain Uint8Array', async () => {
      const filePath = files.fixture('a.txt', Buffer.alloc(0));
      const handle = await files.open(filePath, 'write');
      expect(await step<number>((callback) => handle.write(new Uint8Array([1, 2, 3]), 0, callback))).to.equal(3);
      await files.close(handle);
      expect([...fs.readFileSync(filePath)]).to.deep.equal([1, 2, 3]);
    });

    it('should write a large buffer whole', async () => {
      const filePath = files.fixture('a.txt', Buffer.alloc(0));
      const big = Buffer.alloc(8 * 1024 * 1024, 0x5a);
      const handle = await files.open(filePath, 'write');
      expect(await step<number>((callback) => handle.write(big, 0, callback))).to.equal(big.length);
      await files.close(handle);
      expect(fs.readFileSync(filePath).equals(big)).to.equal(true);
    });

    // BUG (src/internal/action-steps.ts, WRITE): a 0-byte write reports 0 bytes written, which the no-progress guard
    // turns into EIO; for an empty buffer there is nothing to write and the action should succeed with 0.
    it('should call back with 0 for an empty buffer', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'write');
      const { error, result } = await outcome<number>((callback) => handle.write(Buffer.alloc(0), 3, callback));
      await files.close(handle);
      expect(error).to.equal(null);
      expect(result).to.equal(0);
      expect(fs.readFileSync(filePath)).to.deep.equal(CONTENT);
    });

    it('should report EBADF for a file opened for reading only', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'read');
      const error = await stepError<number>((callback) => handle.write(Buffer.from('x'), 0, callback));
      expect(error.code).to.equal('EBADF');
      await files.close(handle);
      expect(fs.readFileSync(filePath)).to.deep.equal(CONTENT);
    });

    it('should throw a TypeError naming the value for a buffer that is not a Uint8Array', () => {
      const handle = files.manager.newFileHandle();
      const callback = sinon.spy();
      expectArgumentError(() => handle.write('x' as never, 0, callback), TypeError, 'buffer', '`"x"` (string)');
      expectArgumentError(
        () => handle.write([1, 2] as never, 0, callback),
        TypeError,
        'buffer',
        'an instance of Array',
      );
      sinon.assert.notCalled(callback);
    });

    it('should throw a RangeError naming the value for a negative offset', () => {
      const handle = files.manager.newFileHandle();
      expectArgumentError(
        () => handle.write(Buffer.from('x'), -5, () => undefined),
        RangeError,
        'offset',
        '`-5` (number)',
      );
    });
  });

  describe('stat()', () => {
    it('should fstat the open file', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'read');
      const stats = await step<FileStats>((callback) => handle.stat(callback));
      const expected = fs.statSync(filePath);
      expect(stats.isFile()).to.equal(true);
      expect(stats.isDirectory()).to.equal(false);
      expect(stats.size).to.equal(CONTENT.length);
      expect(stats.ino).to.equal(expected.ino);
      expect(stats.dev).to.equal(expected.dev);
      expect(stats.nlink).to.equal(1);
      expect(stats.mtimeMs).to.equal(expected.mtimeMs);
      await files.close(handle);
    });

    it('should still fstat a file whose name was removed', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'read');
      fs.unlinkSync(filePath);
      const stats = await step<FileStats>((callback) => handle.stat(callback));
      expect(stats.nlink).to.equal(0);
      expect(stats.size).to.equal(CONTENT.length);
      await files.close(handle);
    });
  });

  describe('truncate()', () => {
    it('should shrink and grow the file', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'write');
      await step<void>((callback) => handle.truncate(5, callback));
      expect(fs.statSync(filePath).size).to.equal(5);
      expect(fs.readFileSync(filePath, 'utf8')).to.equal('hello');
      await step<void>((callback) => handle.truncate(4096, callback));
      expect(fs.statSync(filePath).size).to.equal(4096);
      await step<void>((callback) => handle.truncate(0, callback));
      expect(fs.statSync(filePath).size).to.equal(0);
      await files.close(handle);
    });

    it('should report EINVAL for a file opened for reading only', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'read');
      const error = await stepError<void>((callback) => handle.truncate(1, callback));
      // ftruncate(2) on a descriptor not open for writing: EINVAL on Linux, EBADF elsewhere
      expect(error.code).to.be.oneOf(['EINVAL', 'EBADF']);
      await files.close(handle);
      expect(fs.statSync(filePath).size).to.equal(CONTENT.length);
    });

    it('should throw a RangeError naming the value for a negative length', () => {
      const handle = files.manager.newFileHandle();
      expectArgumentError(() => handle.truncate(-1, () => undefined), RangeError, 'length', '`-1` (number)');
    });
  });

  describe('sync()', () => {
    it('should flush the file and call back with no error and no value', async () => {
      const handle = await files.createAnonymous();
      await step<number>((callback) => handle.write(CONTENT, 0, callback));
      const { error, result } = await outcome<void>((callback) => handle.sync(callback));
      expect(error).to.equal(null);
      expect(result).to.equal(undefined);
      await files.close(handle);
    });
  });

  describe('duplicate()', () => {
    it('should call back with a new open handle on the same file', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'read');
      const copy = await step<AsyncFileHandle>((callback) => handle.duplicate(callback));
      expect(copy).to.not.equal(handle);
      expect(copy.id).to.not.equal(handle.id);
      expect(copy.isOpen).to.equal(true);
      expect(descriptorsOf(filePath)).to.have.length(2);
      expect((await step<Buffer>((callback) => copy.read(0, 100, callback))).toString()).to.equal(CONTENT.toString());
      await files.close(handle);
      // the copy is independent: still open and readable after the original closed
      expect(copy.isOpen).to.equal(true);
      expect((await step<Buffer>((callback) => copy.read(7, 5, callback))).toString()).to.equal('async');
      await files.close(copy);
      expect(descriptorsOf(filePath)).to.deep.equal([]);
    });

    it('should duplicate an unnamed file: writes through one are read through the other', async () => {
      const handle = await files.createAnonymous();
      const copy = await step<AsyncFileHandle>((callback) => handle.duplicate(callback));
      await step<number>((callback) => handle.write(CONTENT, 0, callback));
      expect(await step<Buffer>((callback) => copy.read(0, 100, callback))).to.deep.equal(CONTENT);
      const [original, duplicated] = await Promise.all([
        step<FileStats>((callback) => handle.stat(callback)),
        step<FileStats>((callback) => copy.stat(callback)),
      ]);
      expect(duplicated.ino).to.equal(original.ino);
      expect(duplicated.nlink).to.equal(0);
      await files.close(handle, copy);
    });

    it('should keep the access mode: a copy of a read-only handle cannot write', async () => {
      const handle = await files.open(files.fixture('a.txt'), 'read');
      const copy = await step<AsyncFileHandle>((callback) => handle.duplicate(callback));
      const error = await stepError<number>((callback) => copy.write(Buffer.from('x'), 0, callback));
      expect(error.code).to.equal('EBADF');
      await files.close(handle, copy);
    });

    it('should throw ERR_FILE_NOT_OPEN on a handle without a file', () => {
      expectHandleError(() => files.manager.newFileHandle().duplicate(() => undefined), FileErrorCode.NOT_OPEN);
    });
  });

  describe('createHardLink()', () => {
    it('should give an unnamed file a name that shows what was written', async () => {
      const handle = await files.createAnonymous();
      await step<number>((callback) => handle.write(CONTENT, 0, callback));
      const linkPath = files.tmp.join('named.txt');
      await step<void>((callback) => handle.createHardLink(linkPath, callback));
      expect(fs.readdirSync(files.tmp.path)).to.deep.equal(['named.txt']);
      expect(fs.readFileSync(linkPath)).to.deep.equal(CONTENT);
      expect((await step<FileStats>((callback) => handle.stat(callback))).nlink).to.equal(1);
      await files.close(handle);
      expect(fs.readFileSync(linkPath)).to.deep.equal(CONTENT);
    });

    it('should add a second name to a named file', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'read');
      await step<void>((callback) => handle.createHardLink(files.tmp.join('b.txt'), callback));
      await files.close(handle);
      expect(fs.statSync(filePath).nlink).to.equal(2);
      expect(fs.statSync(files.tmp.join('b.txt')).ino).to.equal(fs.statSync(filePath).ino);
    });

    it('should report EEXIST when the new name exists, and leave that file alone', async () => {
      const existing = files.fixture('existing.txt', Buffer.from('keep me'));
      const handle = await files.createAnonymous();
      const error = await stepError<void>((callback) => handle.createHardLink(existing, callback));
      expect(error.code).to.equal('EEXIST');
      expect(error.syscall).to.equal('link');
      expect(error.path).to.equal(existing);
      expect(fs.readFileSync(existing, 'utf8')).to.equal('keep me');
      await files.close(handle);
    });

    // Regression: `ln -L -- <source> <dir>` (without -T) took an existing directory as the place to put the link, so
    // the call "succeeded" and created `<dir>/<fd number>`, where link(2) fails with EEXIST.
    it('should report EEXIST when the new name is an existing directory, creating nothing inside it', async () => {
      const directory = files.tmp.join('sub');
      fs.mkdirSync(directory);
      const handle = await files.createAnonymous();
      const { error } = await outcome<void>((callback) => handle.createHardLink(directory, callback));
      await files.close(handle);
      expect(fs.readdirSync(directory)).to.deep.equal([]);
      expect(error?.code).to.equal('EEXIST');
    });

    it('should report ENOENT for a missing directory', async () => {
      const handle = await files.createAnonymous();
      const linkPath = files.tmp.join('missing', 'named.txt');
      const error = await stepError<void>((callback) => handle.createHardLink(linkPath, callback));
      expect(error.code).to.equal('ENOENT');
      expect(error.path).to.equal(linkPath);
      await files.close(handle);
    });

    it('should throw a TypeError naming the value for a bad path', () => {
      const handle = files.manager.newFileHandle();
      expectArgumentError(
        () => handle.createHardLink(42 as never, () => undefined),
        TypeError,
        'path',
        '`42` (number)',
      );
      expectArgumentError(() => handle.createHardLink('', () => undefined), TypeError, 'path', '`""` (string)');
    });
  });

  describe('close()', () => {
    it('should count as closed at once and close the descriptor', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'read');
      const [fd] = descriptorsOf(filePath);
      expect(fd).to.be.a('number');
      const closing = step<void>((callback) => handle.close(callback));
      expect(handle.isOpen).to.equal(false);
      expect(handle.hasPendingAction).to.equal(true);
      expect(await closing).to.equal(undefined);
      expect(handle.hasPendingAction).to.equal(false);
      expect(descriptorTarget(fd as number)).to.not.equal(filePath);
      await files.manager.whenIdle();
    });

    it('should let the handle open another file from the close callback', (done) => {
      const first = files.fixture('a.txt');
      const second = files.fixture('b.txt', Buffer.from('second'));
      const handle = files.manager.newFileHandle();
      const order: string[] = [];
      const fail = (error: unknown): void => done(error);
      handle
        .openExistingFile(first, 'read', () => {
          order.push('opened a');
          handle
            .close(() => {
              order.push('closed a');
              handle
                .openExistingFile(second, 'read', () => {
                  order.push('opened b');
                  handle
                    .read(0, 100, (error, bytes) => {
                      order.push(`read ${String(error ?? bytes.toString())}`);
                      handle
                        .close(() => {
                          order.push('closed b');
                          files.manager
                            .whenIdle()
                            .then(() => {
                              expect(order).to.deep.equal([
                                'opened a',
                                'closed a',
                                'opened b',
                                'read second',
                                'closed b',
                              ]);
                              done();
                            })
                            .catch(fail);
                        })
                        .release();
                    })
                    .release();
                })
                .release();
            })
            .release();
        })
        .release();
    });

    it('should throw ERR_FILE_NOT_OPEN for an action after the close finished', async () => {
      const handle = await files.open(files.fixture('a.txt'), 'read');
      await files.close(handle);
      expectHandleError(() => handle.read(0, 1, () => undefined), FileErrorCode.NOT_OPEN);
      expectHandleError(() => handle.close(() => undefined), FileErrorCode.NOT_OPEN);
    });

    it('should still close the file when the close is canceled, only dropping its callback', async () => {
      const filePath = files.fixture('a.txt');
      const handle = await files.open(filePath, 'read');
      const callback = sinon.spy();
      const op = handle.close(callback);
      expect(op.cancel()).to.equal(true);
      op.release();
      expect(handle.hasPendingAction).to.equal(false);
      expect(handle.isOpen).to.equal(false);
      // no longer busy: an action is accepted at once, and fails as the handle holds no file
      expectHandleError(() => handle.read(0, 1, () => undefined), FileErrorCode.NOT_OPEN);
      await handle.whenIdle();
      await files.manager.whenIdle();
      expect(descriptorsOf(filePath)).to.deep.equal([]);
      sinon.assert.notCalled(callback);
    });
  });

  describe('state errors', () => {
    it('should throw ERR_FILE_HANDLE_BUSY for a second action while one is pending; the first still completes', async () => {
      const handle = await files.open(files.fixture('a.txt'), 'read');
      const second = sinon.spy();
      const first = outcome<Buffer>((callback) => handle.read(0, 5, callback));
      expect(handle.hasPendingAction).to.equal(true);
      expect(() => handle.read(5, 5, second))
        .to.throw(FileStateError, /already has a pending read;/)
        .with.property('code', FileErrorCode.HANDLE_BUSY);
      expectHandleError(() => handle.close(second), FileErrorCode.HANDLE_BUSY);
      const { error, result } = await first;
      expect(error).to.equal(null);
      expect(result?.toString()).to.equal('hello');
      await files.close(handle);
      sinon.assert.notCalled(second);
    });

    it('should throw ERR_FILE_HANDLE_ABORTED for every action after abort()', async () => {
      const handle = await files.open(files.fixture('a.txt'), 'read');
      handle.abort();
      const callback = sinon.spy();
      expectHandleError(() => handle.read(0, 1, callback), FileErrorCode.HANDLE_ABORTED);
      expectHandleError(() => handle.stat(callback), FileErrorCode.HANDLE_ABORTED);
      expectHandleError(() => handle.close(callback), FileErrorCode.HANDLE_ABORTED);
      expectHandleError(
        () => handle.openExistingFile(files.tmp.join('a.txt'), 'read', callback),
        FileErrorCode.HANDLE_ABORTED,
      );
      expectHandleError(() => handle.createAnonymousFile(files.tmp.path, callback), FileErrorCode.HANDLE_ABORTED);
      await handle.whenIdle();
      await files.manager.whenIdle();
      sinon.assert.notCalled(callback);
    });

    it('should have FileStateError name itself, carry a permanent code, and stay a FileHandleError', () => {
      const error = new FileStateError(FileErrorCode.NOT_OPEN, 'message');
      expect(error).to.be.instanceOf(Error);
      expect(error, 'the deprecated common class').to.be.instanceOf(FileHandleError);
      expect(error.name).to.equal('FileStateError');
      expect(error.code).to.equal('ERR_FILE_NOT_OPEN');
      expect(new FeatureUnavailableError(FileErrorCode.DIRECT_IO_UNAVAILABLE, 'm').name).to.equal(
        'FeatureUnavailableError',
      );
      expect(FileErrorCode).to.deep.equal({
        HANDLE_BUSY: 'ERR_FILE_HANDLE_BUSY',
        HANDLE_ABORTED: 'ERR_FILE_HANDLE_ABORTED',
        NOT_OPEN: 'ERR_FILE_NOT_OPEN',
        MANAGER_CLOSED: 'ERR_FILE_MANAGER_CLOSED',
        ALREADY_OPEN: 'ERR_FILE_ALREADY_OPEN',
        CACHE_PROBE_UNAVAILABLE: 'ERR_FILE_CACHE_PROBE_UNAVAILABLE',
        DIRECT_IO_UNAVAILABLE: 'ERR_FILE_DIRECT_IO_UNAVAILABLE',
      });
    });

    it('should never call the callback of an action that threw, and leave nothing pending', async () => {
      const handle = await files.open(files.fixture('a.txt'), 'read');
      const pending = outcome<FileStats>((callback) => handle.stat(callback));
      const callback = sinon.spy();
      const attempts: (() => unknown)[] = [
        () => handle.read(0, 1, callback), // busy
        () => handle.read(-1, 1, callback), // bad offset
        () => handle.openExistingFile(files.tmp.join('a.txt'), 'append' as never, callback), // bad mode
        () => files.manager.newFileHandle().sync(callback), // not open
      ];
      for (const attempt of attempts) expect(attempt).to.throw();
      expect(files.manager.pendingCount).to.equal(1);
      expect((await pending).error).to.equal(null);
      await files.close(handle);
      await new Promise((resolve) => setImmediate(resolve));
      sinon.assert.notCalled(callback);
      expect(files.manager.pendingCount).to.equal(0);
    });
  });

  describe('bad arguments', () => {
    it('should throw a TypeError naming the value for an unknown open mode', () => {
      const handle = files.manager.newFileHandle();
      const callback = sinon.spy();
      const filePath = files.tmp.join('a.txt');
      expectArgumentError(
        () => handle.openExistingFile(filePath, 'append' as never, callback),
        TypeError,
        'mode',
        '`"append"` (string)',
      );
      expectArgumentError(
        () => handle.openExistingFile(filePath, undefined as never, callback),
        TypeError,
        'mode',
        '`undefined`',
      );
      sinon.assert.notCalled(callback);
      expect(handle.hasPendingAction).to.equal(false);
    });

    it('should throw a TypeError naming the value for a bad path', () => {
      const handle = files.manager.newFileHandle();
      expectArgumentError(
        () => handle.openExistingFile('', 'read', () => undefined),
        TypeError,
        'path',
        '`""` (string)',
      );
      expectArgumentError(
        () => handle.openExistingFile('a\0b', 'read', () => undefined),
        TypeError,
        'path',
        '`"a\\u0000b"`',
      );
      expectArgumentError(
        () => handle.createAnonymousFile(undefined as never, () => undefined),
        TypeError,
        'directory',
        '`undefined`',
      );
    });

    it('should throw a TypeError naming the value for a callback that is not a function', () => {
      const handle = files.manager.newFileHandle();
      expectArgumentError(
        () => handle.createAnonymousFile(files.tmp.path, undefined as never),
        TypeError,
        'callback',
        '`undefined`',
      );
      expectArgumentError(
        () => handle.openExistingFile(files.tmp.join('a'), 'read', 'cb' as never),
        TypeError,
        'callback',
        '`"cb"` (string)',
      );
      expectArgumentError(() => handle.read(0, 1, null as never), TypeError, 'callback', '`null`');
      expect(handle.hasPendingAction).to.equal(false);
      expect(files.manager.pendingCount).to.equal(0);
    });
  });
});

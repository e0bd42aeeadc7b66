import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { constants } from 'node:os';
import sinon from 'sinon';
import { ScriptedEngine } from '../../src/engines/scripted-engine.js';
import type { ScriptedCall } from '../../src/engines/scripted/scripted-call.js';
import type { ScriptedEngineOptions } from '../../src/engines/scripted/scripted-engine-options.js';
import type { EngineCallback, EngineError, FileStats, OpenMode } from '../../src/file-engine.js';
import { callNow, type Report } from '../support/engine-call.js';

type Outcome<T> = Report<T>;

/** The result of a call that must succeed at once. */
function valueOf<T>(start: (callback: EngineCallback<T>) => unknown): T {
  const { error, result } = callNow(start);
  expect(error).to.equal(null);
  return result;
}

/** The error of a call that must fail at once. */
function errorOf<T>(start: (callback: EngineCallback<T>) => unknown): EngineError {
  const { error } = callNow(start);
  expect(error).to.be.instanceOf(Error);
  return error as EngineError;
}

function errno(code: string): number {
  const value = (constants.errno as Record<string, number | undefined>)[code];
  if (value === undefined) throw new Error(`unknown errno ${code}`);
  return -value;
}

/** Asserts a Node-style fs error: code, negative errno, syscall, and path only where given. */
function expectErrno(error: EngineError, code: string, syscall: string, path?: string): void {
  expect(error).to.include({ code, errno: errno(code), syscall });
  if (path === undefined) expect(error).not.to.have.property('path');
  else expect(error.path).to.equal(path);
  expect(error.message).to.match(new RegExp(`^${code}: .+, ${syscall}`));
}

/** An engine with `/dir/a.txt` = "hello world". */
function setUp(options?: ScriptedEngineOptions): ScriptedEngine {
  const engine = new ScriptedEngine(options);
  engine.writeFile('/dir/a.txt', 'hello world');
  return engine;
}

function open(engine: ScriptedEngine, path = '/dir/a.txt', mode: OpenMode = 'read-write'): number {
  return valueOf<number>((callback) => engine.openExisting(path, mode, callback));
}

function write(engine: ScriptedEngine, fd: number, text: string, position: number): Outcome<number> {
  const data = Buffer.from(text);
  return callNow<number>((callback) => engine.write(fd, data, 0, data.length, position, callback));
}

function readText(engine: ScriptedEngine, fd: number, length: number, position: number): string {
  const buffer = Buffer.alloc(length);
  const count = valueOf<number>((callback) => engine.read(fd, buffer, 0, length, position, callback));
  return buffer.toString('utf8', 0, count);
}

function fstat(engine: ScriptedEngine, fd: number): FileStats {
  return valueOf<FileStats>((callback) => engine.fstat(fd, callback));
}

describe('ScriptedEngine', () => {
  describe('constructor', () => {
    it('should start with only the root directory, sync completion and cancelable calls', () => {
      const engine = new ScriptedEngine();
      expect(engine.name).to.equal('scripted');
      expect(engine.listDirectory('/')).to.deep.equal([]);
      const callback = sinon.spy();
      const request = engine.stat('/', callback);
      sinon.assert.calledOnce(callback);
      expect(request).to.have.property('cancel').that.is.a('function');
      expect(engine.pendingCalls).to.deep.equal([]);
      expect(engine.violations).to.deep.equal([]);
    });

    it('should throw a RangeError naming a bad maxWriteBytes', () => {
      expect(() => new ScriptedEngine({ maxWriteBytes: 0 })).to.throw(
        RangeError,
        'Expected `maxWriteBytes` to be an integer >= 1, got `0` (number)',
      );
      expect(() => new ScriptedEngine({ maxWriteBytes: 1.5 })).to.throw(RangeError, 'got `1.5` (number)');
      expect(() => new ScriptedEngine({ maxWriteBytes: '2' as never })).to.throw(TypeError, 'got `"2"` (string)');
    });

    it('should throw a TypeError naming any other bad option', () => {
      expect(() => new ScriptedEngine(null as never)).to.throw(TypeError, 'Expected `options` to be an object');
      expect(() => new ScriptedEngine({ completion: 'later' as never })).to.throw(
        TypeError,
        "Expected `completion` to be 'sync', 'async', 'manual' or a function, got `\"later\"` (string)",
      );
      expect(() => new ScriptedEngine({ inject: 'EIO' as never })).to.throw(TypeError, '`inject`');
      expect(() => new ScriptedEngine({ cancelable: 1 as never })).to.throw(TypeError, 'got `1` (number)');
      expect(() => new ScriptedEngine({ cancelDelivery: 'later' as never })).to.throw(TypeError, '`cancelDelivery`');
    });
  });

  describe('test helpers', () => {
    it('should write files (strings as UTF-8) with their missing directories, and read back copies', () => {
      const engine = new ScriptedEngine();
      engine.writeFile('/a/b/text.txt', 'héllo');
      engine.writeFile('/a/bytes.bin', new Uint8Array([1, 2, 3]));
      engine.addDirectory('/a/empty');
      expect(engine.readFile('/a/b/text.txt')?.toString('utf8')).to.equal('héllo');
      const copy = engine.readFile('/a/bytes.bin');
      expect(copy).to.deep.equal(Buffer.from([1, 2, 3]));
      copy?.fill(0);
      expect(engine.readFile('/a/bytes.bin')).to.deep.equal(Buffer.from([1, 2, 3]));
      expect(engine.listDirectory('/a')).to.deep.equal(['b', 'bytes.bin', 'empty']);
      expect(engine.listDirectory('/')).to.deep.equal(['a']);
      expect(engine.readFile('/a/missing')).to.equal(undefined);
    });

    it('should keep the inode when rewriting a file, so open descriptors see the new contents', () => {
      const engine = setUp();
      const fd = open(engine, '/dir/a.txt', 'read');
      const { ino } = fstat(engine, fd);
      engine.writeFile('/dir/a.txt', 'new');
      expect(readText(engine, fd, 20, 0)).to.equal('new');
      expect(fstat(engine, fd).ino).to.equal(ino);
    });

    it('should refuse a file over a directory, a directory over a file, and relative paths', () => {
      const engine = setUp();
      expect(() => engine.writeFile('/dir', 'x')).to.throw(Error, "'/dir': it is a directory");
      expect(() => engine.addDirectory('/dir/a.txt/sub')).to.throw(Error, "'/dir/a.txt' is a file");
      expect(() => engine.writeFile('relative.txt', 'x')).to.throw(TypeError, 'absolute path');
      expect(() => engine.listDirectory('/dir/a.txt')).to.throw(Error, 'not a directory');
    });
  });

  describe('openExisting()', () => {
    it('should open an existing file on descriptor 3, then the next lowest free numbers', () => {
      const engine = setUp();
      expect(open(engine)).to.equal(3);
      expect(open(engine)).to.equal(4);
      expect(engine.openDescriptors()).to.deep.equal([3, 4]);
      expect(engine.openDescriptorCount).to.equal(2);
    });

    it('should reuse the lowest free number after a close (POSIX)', () => {
      const engine = setUp();
      const [a, b, c] = [open(engine), open(engine), open(engine)];
      expect([a, b, c]).to.deep.equal([3, 4, 5]);
      valueOf<void>((callback) => engine.close(4, callback));
      expect(open(engine)).to.equal(4);
      valueOf<void>((callback) => engine.close(3, callback));
      valueOf<void>((callback) => engine.close(5, callback));
      expect(open(engine)).to.equal(3);
      expect(open(engine)).to.equal(5);
      expect(engine.maxOpenDescriptors).to.equal(3);
    });

    it('should fail with ENOENT shaped like a Node fs error', () => {
      const error = errorOf<number>((callback) => setUp().openExisting('/x', 'read', callback));
      expect(error.message).to.equal("ENOENT: no such file or directory, open '/x'");
      expectErrno(error, 'ENOENT', 'open', '/x');
    });

    it('should fail with EISDIR for a directory', () => {
      const error = errorOf<number>((callback) => setUp().openExisting('/dir', 'read', callback));
      expectErrno(error, 'EISDIR', 'open', '/dir');
    });

    it('should record the access mode per descriptor', () => {
      const engine = setUp();
      const reader = open(engine, '/dir/a.txt', 'read');
      const writer = open(engine, '/dir/a.txt', 'write');
      expect(readText(engine, reader, 5, 0)).to.equal('hello');
      expectErrno(write(engine, reader, 'x', 0).error as EngineError, 'EBADF', 'write');
      expect(write(engine, writer, 'J', 0)).to.deep.equal({ error: null, result: 1 });
      const error = errorOf<number>((callback) => engine.read(writer, Buffer.alloc(1), 0, 1, 0, callback));
      expectErrno(error, 'EBADF', 'read');
    });
  });

  describe('createAnonymous()', () => {
    it('should create an unnamed read-write file with nlink 0 and mode 0600', () => {
      const engine = setUp();
      const fd = valueOf<number>((callback) => engine.createAnonymous('/dir', callback));
      expect(fd).to.equal(3);
      expect(write(engine, fd, 'tmp', 0).result).to.equal(3);
      expect(readText(engine, fd, 10, 0)).to.equal('tmp');
      const stats = fstat(engine, fd);
      expect(stats.nlink).to.equal(0);
      expect(stats.mode & 0o777).to.equal(0o600);
      expect(stats.isFile()).to.equal(true);
      expect(engine.listDirectory('/dir')).to.deep.equal(['a.txt']);
    });

    it('should fail with ENOENT for a missing directory and ENOTDIR for a file', () => {
      const engine = setUp();
      expectErrno(
        errorOf<number>((callback) => engine.createAnonymous('/nope', callback)),
        'ENOENT',
        'open',
        '/nope',
      );
      expectErrno(
        errorOf<number>((callback) => engine.createAnonymous('/dir/a.txt', callback)),
        'ENOTDIR',
        'open',
        '/dir/a.txt',
      );
      expect(engine.openDescriptorCount).to.equal(0);
    });
  });

  describe('duplicate()', () => {
    it('should open a second, independent descriptor for the same inode', () => {
      const engine = setUp();
      const fd = open(engine);
      const copy = valueOf<number>((callback) => engine.duplicate(fd, 'read-write', callback));
      expect(copy).to.equal(4);
      expect(fstat(engine, copy).ino).to.equal(fstat(engine, fd).ino);
      valueOf<void>((callback) => engine.close(fd, callback));
      expect(write(engine, copy, 'J', 0).result).to.equal(1);
      expect(engine.readFile('/dir/a.txt')?.toString()).to.equal('Jello world');
    });

    it('should give the copy the access mode asked for', () => {
      const engine = setUp();
      const copy = valueOf<number>((callback) =>
        engine.duplicate(open(engine, '/dir/a.txt', 'read'), 'read', callback),
      );
      expect(readText(engine, copy, 5, 6)).to.equal('world');
      expect(write(engine, copy, 'x', 0).error?.code).to.equal('EBADF');
    });

    it('should fail with EBADF for a descriptor that is not open', () => {
      const engine = setUp();
      expectErrno(
        errorOf<number>((callback) => engine.duplicate(7, 'read', callback)),
        'EBADF',
        'open',
      );
    });
  });

  describe('close()', () => {
    it('should free the descriptor, and fail with EBADF the second time', () => {
      const engine = setUp();
      const fd = open(engine);
      valueOf<void>((callback) => engine.close(fd, callback));
      expect(engine.openDescriptors()).to.deep.equal([]);
      expectErrno(
        errorOf<void>((callback) => engine.close(fd, callback)),
        'EBADF',
        'close',
      );
    });
  });

  describe('read()', () => {
    it('should read at a position into the buffer at an offset', () => {
      const engine = setUp();
      const fd = open(engine);
      const buffer = Buffer.from('..........');
      expect(valueOf<number>((callback) => engine.read(fd, buffer, 2, 5, 6, callback))).to.equal(5);
      expect(buffer.toString()).to.equal('..world...');
    });

    it('should read short at the end of the file and 0 at or after it', () => {
      const engine = setUp();
      const fd = open(engine);
      expect(readText(engine, fd, 100, 6)).to.equal('world');
      expect(valueOf<number>((callback) => engine.read(fd, Buffer.alloc(4), 0, 4, 11, callback))).to.equal(0);
      expect(valueOf<number>((callback) => engine.read(fd, Buffer.alloc(4), 0, 4, 50, callback))).to.equal(0);
    });

    it('should fail with EBADF for a descriptor that is not open', () => {
      const engine = setUp();
      expectErrno(
        errorOf<number>((callback) => engine.read(3, Buffer.alloc(1), 0, 1, 0, callback)),
        'EBADF',
        'read',
      );
    });
  });

  describe('write()', () => {
    it('should write at a position and grow the file, zero-filling a gap', () => {
      const engine = setUp();
      const fd = open(engine);
      const before = fstat(engine, fd).mtimeMs;
      expect(write(engine, fd, 'HELLO', 0)).to.deep.equal({ error: null, result: 5 });
      expect(write(engine, fd, '!', 13)).to.deep.equal({ error: null, result: 1 });
      expect(engine.readFile('/dir/a.txt')).to.deep.equal(Buffer.from('HELLO world\0\0!'));
      expect(fstat(engine, fd).size).to.equal(14);
      expect(fstat(engine, fd).mtimeMs).to.be.greaterThan(before);
    });

    it('should write only the buffer range asked for', () => {
      const engine = setUp();
      const fd = open(engine);
      const count = valueOf<number>((callback) => engine.write(fd, Buffer.from('abcdef'), 2, 3, 0, callback));
      expect(count).to.equal(3);
      expect(engine.readFile('/dir/a.txt')?.toString()).to.equal('cdelo world');
    });

    it('should write at most maxWriteBytes and report that count (a partial write)', () => {
      const engine = setUp({ maxWriteBytes: 4 });
      const fd = open(engine);
      expect(write(engine, fd, 'ABCDEFGHIJ', 0)).to.deep.equal({ error: null, result: 4 });
      expect(engine.readFile('/dir/a.txt')?.toString()).to.equal('ABCDo world');
      expect(write(engine, fd, 'xy', 0).result).to.equal(2);
    });

    it('should fail with EBADF for a descriptor that is not open', () => {
      const engine = setUp();
      expectErrno(write(engine, 9, 'x', 0).error as EngineError, 'EBADF', 'write');
      expect(engine.readFile('/dir/a.txt')?.toString()).to.equal('hello world');
    });

    it('should take the bytes from the buffer when the call completes, not when it is issued', () => {
      const engine = setUp({ completion: 'manual' });
      engine.openExisting('/dir/a.txt', 'write', () => {});
      engine.completeAll();
      const data = Buffer.from('aaaaa');
      engine.write(3, data, 0, 5, 0, () => {});
      data.write('bbbbb');
      expect(engine.readFile('/dir/a.txt')?.toString()).to.equal('hello world');
      engine.completeAll();
      expect(engine.readFile('/dir/a.txt')?.toString()).to.equal('bbbbb world');
    });
  });

  describe('fstat()', () => {
    it('should report size, mode, ino, nlink, dev and mtimeMs of the open file', () => {
      const engine = setUp();
      const stats = fstat(engine, open(engine));
      expect(stats).to.include({ dev: 1, size: 11, nlink: 1, mode: 0o100644 });
      expect(stats.ino).to.be.a('number');
      expect(stats.mtimeMs).to.be.a('number');
      expect(stats.isFile()).to.equal(true);
      expect(stats.isDirectory()).to.equal(false);
    });

    it('should fail with EBADF for a descriptor that is not open', () => {
      expectErrno(
        errorOf<FileStats>((callback) => setUp().fstat(3, callback)),
        'EBADF',
        'fstat',
      );
    });
  });

  describe('stat()', () => {
    it('should report files and directories', () => {
      const engine = setUp();
      const file = valueOf<FileStats>((callback) => engine.stat('/dir/a.txt', callback));
      expect(file).to.include({ size: 11, nlink: 1, dev: 1 });
      expect(file.ino).to.equal(fstat(engine, open(engine)).ino);
      const directory = valueOf<FileStats>((callback) => engine.stat('/dir', callback));
      expect(directory.isDirectory()).to.equal(true);
      expect(directory.isFile()).to.equal(false);
      expect(directory.ino).not.to.equal(file.ino);
    });

    it('should fail with ENOENT for a missing path', () => {
      expectErrno(
        errorOf<FileStats>((callback) => setUp().stat('/dir/none', callback)),
        'ENOENT',
        'stat',
        '/dir/none',
      );
    });
  });

  describe('truncate()', () => {
    it('should cut the file, then grow it with zeros', () => {
      const engine = setUp();
      const fd = open(engine);
      valueOf<void>((callback) => engine.truncate(fd, 5, callback));
      expect(engine.readFile('/dir/a.txt')?.toString()).to.equal('hello');
      valueOf<void>((callback) => engine.truncate(fd, 8, callback));
      expect(engine.readFile('/dir/a.txt')).to.deep.equal(Buffer.from('hello\0\0\0'));
      write(engine, fd, '!', 10);
      expect(engine.readFile('/dir/a.txt')).to.deep.equal(Buffer.from('hello\0\0\0\0\0!'));
    });

    it('should fail with EINVAL for a read-only descriptor and EBADF for one not open', () => {
      const engine = setUp();
      const fd = open(engine, '/dir/a.txt', 'read');
      expectErrno(
        errorOf<void>((callback) => engine.truncate(fd, 0, callback)),
        'EINVAL',
        'ftruncate',
      );
      expectErrno(
        errorOf<void>((callback) => engine.truncate(9, 0, callback)),
        'EBADF',
        'ftruncate',
      );
      expect(engine.readFile('/dir/a.txt')?.toString()).to.equal('hello world');
    });
  });

  describe('sync()', () => {
    it('should succeed on an open descriptor (even read-only) and fail with EBADF otherwise', () => {
      const engine = setUp();
      const fd = open(engine, '/dir/a.txt', 'read');
      expect(callNow<void>((callback) => engine.sync(fd, callback)).error).to.equal(null);
      expectErrno(
        errorOf<void>((callback) => engine.sync(fd + 1, callback)),
        'EBADF',
        'fsync',
      );
    });
  });

  describe('link()', () => {
    it('should give an anonymous file a name, adding a link', () => {
      const engine = setUp();
      const fd = valueOf<number>((callback) => engine.createAnonymous('/dir', callback));
      write(engine, fd, 'saved', 0);
      valueOf<void>((callback) => engine.link(fd, '/dir/saved.txt', callback));
      expect(fstat(engine, fd).nlink).to.equal(1);
      expect(engine.readFile('/dir/saved.txt')?.toString()).to.equal('saved');
      expect(engine.listDirectory('/dir')).to.deep.equal(['a.txt', 'saved.txt']);
    });

    it('should fail with EEXIST if the new name exists, and ENOENT if its directory does not', () => {
      const engine = setUp();
      const fd = open(engine);
      const exists = errorOf<void>((callback) => engine.link(fd, '/dir/a.txt', callback));
      expect(exists.message).to.equal("EEXIST: file already exists, link '/dir/a.txt'");
      expectErrno(exists, 'EEXIST', 'link', '/dir/a.txt');
      expectErrno(
        errorOf<void>((callback) => engine.link(fd, '/dir', callback)),
        'EEXIST',
        'link',
        '/dir',
      );
      expectErrno(
        errorOf<void>((callback) => engine.link(fd, '/nope/b.txt', callback)),
        'ENOENT',
        'link',
        '/nope/b.txt',
      );
      expect(fstat(engine, fd).nlink).to.equal(1);
    });

    it('should fail with EBADF for a descriptor that is not open', () => {
      expectErrno(
        errorOf<void>((callback) => setUp().link(3, '/dir/b.txt', callback)),
        'EBADF',
        'link',
        '/dir/b.txt',
      );
    });
  });

  describe('unlink()', () => {
    it('should remove the name while open descriptors keep the file', () => {
      const engine = setUp();
      const fd = open(engine);
      valueOf<void>((callback) => engine.unlink('/dir/a.txt', callback));
      expect(engine.readFile('/dir/a.txt')).to.equal(undefined);
      expect(engine.listDirectory('/dir')).to.deep.equal([]);
      expect(fstat(engine, fd).nlink).to.equal(0);
      expect(readText(engine, fd, 5, 0)).to.equal('hello');
    });

    it('should fail with ENOENT for a missing name and EISDIR for a directory', () => {
      const engine = setUp();
      expectErrno(
        errorOf<void>((callback) => engine.unlink('/dir/b.txt', callback)),
        'ENOENT',
        'unlink',
        '/dir/b.txt',
      );
      expectErrno(
        errorOf<void>((callback) => engine.unlink('/dir', callback)),
        'EISDIR',
        'unlink',
        '/dir',
      );
    });
  });

  describe('rename()', () => {
    it('should move a file to a new name', () => {
      const engine = setUp();
      engine.addDirectory('/other');
      valueOf<void>((callback) => engine.rename('/dir/a.txt', '/other/b.txt', callback));
      expect(engine.readFile('/dir/a.txt')).to.equal(undefined);
      expect(engine.readFile('/other/b.txt')?.toString()).to.equal('hello world');
    });

    it('should replace the target, whose inode loses a link', () => {
      const engine = setUp();
      engine.writeFile('/dir/b.txt', 'old');
      const oldTarget = open(engine, '/dir/b.txt', 'read');
      valueOf<void>((callback) => engine.rename('/dir/a.txt', '/dir/b.txt', callback));
      expect(engine.readFile('/dir/b.txt')?.toString()).to.equal('hello world');
      expect(engine.listDirectory('/dir')).to.deep.equal(['b.txt']);
      expect(fstat(engine, oldTarget).nlink).to.equal(0);
      expect(readText(engine, oldTarget, 10, 0)).to.equal('old');
    });

    it('should fail with ENOENT naming both paths if the source or the target directory is missing', () => {
      const engine = setUp();
      const missing = errorOf<void>((callback) => engine.rename('/dir/x', '/dir/y', callback));
      expect(missing.message).to.equal("ENOENT: no such file or directory, rename '/dir/x' -> '/dir/y'");
      expectErrno(missing, 'ENOENT', 'rename', '/dir/x');
      expect(missing).to.have.property('dest', '/dir/y');
      expectErrno(
        errorOf<void>((callback) => engine.rename('/dir/a.txt', '/nope/y', callback)),
        'ENOENT',
        'rename',
        '/dir/a.txt',
      );
      expect(engine.readFile('/dir/a.txt')?.toString()).to.equal('hello world');
    });
  });

  describe('argument checks', () => {
    it('should throw at once for bad arguments, record nothing and never call back', () => {
      const engine = setUp({ completion: 'manual' });
      const callback = sinon.spy();
      const buffer = Buffer.alloc(4);
      expect(() => engine.read(-1, buffer, 0, 1, 0, callback)).to.throw(RangeError, '`fd`');
      expect(() => engine.read(3, buffer, 2, 3, 0, callback)).to.throw(RangeError, '`offset + length`');
      expect(() => engine.write(3, 'text' as never, 0, 1, 0, callback)).to.throw(TypeError, '`buffer`');
      expect(() => engine.write(3, buffer, 0, 1, -1, callback)).to.throw(RangeError, '`position`');
      expect(() => engine.truncate(3, 0.5, callback)).to.throw(RangeError, '`length`');
      expect(() => engine.openExisting('/dir/a.txt', 'append' as never, callback)).to.throw(TypeError, '`mode`');
      expect(() => engine.unlink('', callback)).to.throw(TypeError, '`path`');
      expect(() => engine.close(3, 'callback' as never)).to.throw(TypeError, '`callback`');
      sinon.assert.notCalled(callback);
      expect(engine.calls).to.deep.equal([]);
      expect(engine.pendingCalls).to.deep.equal([]);
    });
  });

  describe("completion: 'sync'", () => {
    it('should call back inside the call, before it returns', () => {
      const engine = setUp();
      const order: string[] = [];
      engine.openExisting('/dir/a.txt', 'read', () => order.push('callback'));
      order.push('returned');
      expect(order).to.deep.equal(['callback', 'returned']);
    });

    it('should let a callback issue the next call, which completes inside it', () => {
      const engine = setUp();
      const order: string[] = [];
      engine.openExisting('/dir/a.txt', 'read', (_error, fd) => {
        order.push('opened');
        engine.close(fd, () => order.push('closed'));
        order.push('close returned');
      });
      expect(order).to.deep.equal(['opened', 'closed', 'close returned']);
      expect(engine.openDescriptorCount).to.equal(0);
    });
  });

  describe("completion: 'async'", () => {
    it('should call back in a later macrotask, in issue order', async () => {
      const engine = setUp({ completion: 'async' });
      const order: string[] = [];
      engine.stat('/dir/a.txt', (error) => order.push(`stat 1 ${error === null}`));
      engine.stat('/dir/none', (error) => order.push(`stat 2 ${error === null}`));
      order.push('returned');
      expect(engine.pendingCalls.map((call) => call.kind)).to.deep.equal(['stat', 'stat']);
      await Promise.resolve();
      order.push('microtask');
      await new Promise((resolve) => setImmediate(resolve));
      expect(order).to.deep.equal(['returned', 'microtask', 'stat 1 true', 'stat 2 false']);
      expect(engine.pendingCalls).to.deep.equal([]);
    });

    it('should leave a hung call pending', async () => {
      const engine = setUp({ completion: 'async' });
      const callback = sinon.spy();
      engine.stat('/dir', callback);
      engine.pendingCalls[0]?.hang();
      await new Promise((resolve) => setImmediate(resolve));
      sinon.assert.notCalled(callback);
      expect(engine.pendingCalls).to.have.length(1);
    });
  });

  describe("completion: 'manual'", () => {
    it('should complete nothing until told, and apply the effect only then', () => {
      const engine = setUp({ completion: 'manual' });
      const callback = sinon.spy();
      engine.unlink('/dir/a.txt', callback);
      sinon.assert.notCalled(callback);
      expect(engine.readFile('/dir/a.txt')).not.to.equal(undefined);
      const [call] = engine.pendingCalls;
      call?.complete();
      sinon.assert.calledOnceWithExactly(callback, null, undefined);
      expect(engine.readFile('/dir/a.txt')).to.equal(undefined);
      expect(call?.state).to.equal('completed');
      expect(engine.pendingCalls).to.deep.equal([]);
    });

    it('should complete the oldest pending call with completeNext()', () => {
      const engine = setUp({ completion: 'manual' });
      const order: string[] = [];
      engine.stat('/dir', () => order.push('first'));
      engine.stat('/dir/a.txt', () => order.push('second'));
      expect(engine.completeNext()?.label).to.equal("#1 stat('/dir')");
      expect(order).to.deep.equal(['first']);
      expect(engine.completeNext()?.label).to.equal("#2 stat('/dir/a.txt')");
      expect(engine.completeNext()).to.equal(undefined);
      expect(order).to.deep.equal(['first', 'second']);
    });

    it('should complete with completeAll() the calls that callbacks issue too', () => {
      const engine = setUp({ completion: 'manual' });
      const order: string[] = [];
      engine.openExisting('/dir/a.txt', 'read', (_error, fd) => {
        order.push('open');
        engine.fstat(fd, () => {
          order.push('fstat');
          engine.close(fd, () => order.push('close'));
        });
      });
      engine.stat('/dir', () => order.push('stat'));
      expect(engine.completeAll()).to.equal(4);
      expect(order).to.deep.equal(['open', 'stat', 'fstat', 'close']);
      expect(engine.completeAll()).to.equal(0);
    });

    it('should stop completeAll() at its limit when callbacks issue calls forever', () => {
      const engine = setUp({ completion: 'manual' });
      const again = (): void => void engine.stat('/dir', again);
      again();
      expect(() => engine.completeAll(50)).to.throw(Error, 'completeAll() completed 50 calls and more are pending');
      expect(() => engine.completeAll(0)).to.throw(RangeError, '`limit`');
      engine.pendingCalls[0]?.hang();
      expect(engine.completeAll()).to.equal(0);
    });
  });

  describe('completion: a function', () => {
    it('should hand each new call to the function, already pending', () => {
      const seen: string[] = [];
      const engine = setUp({
        completion: (call) => {
          seen.push(`${call.label} ${call.state} ${engine.pendingCalls.includes(call)}`);
          if (call.kind === 'stat') call.complete();
        },
      });
      const callback = sinon.spy();
      engine.stat('/dir', callback);
      engine.openExisting('/dir/a.txt', 'read', callback);
      expect(seen).to.deep.equal(["#1 stat('/dir') pending true", "#2 openExisting('/dir/a.txt', read) pending true"]);
      sinon.assert.calledOnce(callback);
      expect(engine.pendingCalls.map((call) => call.kind)).to.deep.equal(['openExisting']);
    });

    it("should let fast-check's scheduler order completions, with the detector matching each order", async () => {
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), async (s) => {
          const engine = setUp({
            completion: (call) => void s.schedule(Promise.resolve(call.label)).then(() => call.complete()),
          });
          engine.writeFile('/dir/b.txt', '');
          const fd = await s.waitFor(
            new Promise<number>((resolve) => engine.openExisting('/dir/a.txt', 'read-write', (_e, n) => resolve(n))),
          );
          // a careless caller: closes without waiting for its write, then opens another file
          const order: string[] = [];
          engine.write(fd, Buffer.from('X'), 0, 1, 0, () => order.push('write'));
          engine.close(fd, () => {
            order.push('close');
            engine.openExisting('/dir/b.txt', 'read', (error, other) => {
              order.push('reopen');
              if (error === null) engine.close(other, () => order.push('close other'));
            });
          });
          await s.waitIdle();
          const writeCameLate = order.indexOf('write') > order.indexOf('close');
          expect(engine.violations).to.have.length(writeCameLate ? 1 : 0);
          expect(engine.readFile('/dir/a.txt')?.toString()).to.equal(writeCameLate ? 'hello world' : 'Xello world');
          expect(engine.openDescriptorCount).to.equal(0);
        }),
      );
    });
  });

  describe('ScriptedCall', () => {
    it('should describe the call', () => {
      const engine = setUp({ completion: 'manual' });
      engine.write(4, Buffer.alloc(4096), 0, 4096, 0, () => {});
      engine.rename('/dir/a.txt', '/dir/b.txt', () => {});
      const [write, rename] = engine.pendingCalls as [ScriptedCall, ScriptedCall];
      expect(write).to.include({ id: 1, kind: 'write', fd: 4, path: undefined, syscall: 'write', state: 'pending' });
      expect(write.label).to.equal('#1 write(fd 4, 4096 B @ 0)');
      expect(String(write)).to.equal(write.label);
      expect(rename).to.include({ id: 2, kind: 'rename', fd: undefined, path: '/dir/a.txt', dest: '/dir/b.txt' });
      expect(rename.label).to.equal("#2 rename('/dir/a.txt', '/dir/b.txt')");
      expect(engine.calls).to.deep.equal([write, rename]);
    });

    it('should keep the outcome the callback received', () => {
      const engine = setUp({ completion: 'manual' });
      engine.openExisting('/dir/a.txt', 'read', () => {});
      engine.openExisting('/dir/none', 'read', () => {});
      const [found, missing] = engine.pendingCalls as [ScriptedCall, ScriptedCall];
      expect(found.error).to.equal(undefined);
      engine.completeAll();
      expect(found).to.include({ state: 'completed', error: null, result: 3 });
      expect(missing).to.include({ state: 'completed', result: undefined });
      expect(missing.error?.code).to.equal('ENOENT');
    });

    it('should throw when completed or failed a second time', () => {
      const engine = setUp({ completion: 'manual' });
      const callback = sinon.spy();
      engine.stat('/dir', callback);
      const [call] = engine.pendingCalls as [ScriptedCall];
      call.complete();
      expect(() => call.complete()).to.throw(Error, "Cannot complete #1 stat('/dir'): it already completed");
      expect(() => call.fail('EIO')).to.throw(Error, 'Cannot fail');
      expect(() => call.hang()).to.throw(Error, 'Cannot hang');
      sinon.assert.calledOnce(callback);
    });

    it('should fail with the given errno and no effect', () => {
      const engine = setUp({ completion: 'manual' });
      const callback = sinon.spy();
      engine.unlink('/dir/a.txt', callback);
      const [call] = engine.pendingCalls as [ScriptedCall];
      expect(() => call.fail('ENOPE')).to.throw(
        TypeError,
        'Expected `code` to be an errno name such as \'EIO\', got `"ENOPE"` (string)',
      );
      call.fail('EACCES');
      sinon.assert.calledOnce(callback);
      const [error] = callback.firstCall.args as [EngineError];
      expectErrno(error, 'EACCES', 'unlink', '/dir/a.txt');
      expect(call.state).to.equal('failed');
      expect(engine.readFile('/dir/a.txt')).not.to.equal(undefined);
    });

    it('should hang: stay pending, skipped by completeNext() and completeAll(), until completed explicitly', () => {
      const engine = setUp({ completion: 'manual' });
      const order: string[] = [];
      engine.stat('/dir', () => order.push('hung'));
      engine.stat('/dir', () => order.push('other'));
      const [hung] = engine.pendingCalls as [ScriptedCall];
      hung.hang();
      expect(hung).to.include({ isHung: true, state: 'pending' });
      expect(engine.completeAll()).to.equal(1);
      expect(engine.completeNext()).to.equal(undefined);
      expect(engine.pendingCalls).to.deep.equal([hung]);
      hung.complete();
      expect(order).to.deep.equal(['other', 'hung']);
    });
  });

  describe('inject', () => {
    it('should fail the calls it names with that error and no effect', () => {
      const inject = sinon.spy((call: ScriptedCall) => (call.kind === 'write' ? 'ENOSPC' : undefined));
      const engine = setUp({ inject });
      const fd = open(engine);
      const { error } = write(engine, fd, 'XXXX', 0);
      expectErrno(error as EngineError, 'ENOSPC', 'write');
      expect(engine.readFile('/dir/a.txt')?.toString()).to.equal('hello world');
      expect(engine.calls.map((call) => call.state)).to.deep.equal(['completed', 'failed']);
      sinon.assert.calledTwice(inject);
    });

    it('should apply when the test completes the call, at completion time', () => {
      let isFull = false;
      const engine = setUp({ completion: 'manual', inject: () => (isFull ? 'ENOSPC' : undefined) });
      const callback = sinon.spy();
      engine.truncate(3, 0, callback);
      isFull = true;
      engine.completeNext();
      expect((callback.firstCall.args[0] as EngineError).code).to.equal('ENOSPC');
    });

    it('should release the descriptor of a close it fails, and still report the error (as Linux does)', () => {
      const engine = setUp({ inject: (call) => (call.kind === 'close' ? 'EINTR' : undefined) });
      const fd = open(engine);
      expect(engine.openDescriptorCount).to.equal(1);
      const { error } = callNow<void>((callback) => engine.close(fd, callback));
      expectErrno(error as EngineError, 'EINTR', 'close');
      expect(engine.calls.at(-1)?.state).to.equal('failed');
      expect(engine.openDescriptorCount).to.equal(0);
      // the number is free: a read on it fails with EBADF, and the next open may take it
      expect(callNow<number>((callback) => engine.read(fd, Buffer.alloc(1), 0, 1, 0, callback)).error).to.include({
        code: 'EBADF',
      });
      expect(open(engine)).to.equal(fd);
    });

    it('should release the descriptor when the test fails a close with call.fail()', () => {
      const engine = setUp({ completion: 'manual' });
      engine.openExisting('/dir/a.txt', 'read', () => {});
      engine.completeNext();
      const fd = engine.calls[0]?.result as number;
      const callback = sinon.spy();
      engine.close(fd, callback);
      engine.pendingCalls[0]?.fail('EIO');
      expectErrno(callback.firstCall.args[0] as EngineError, 'EIO', 'close');
      expect(engine.openDescriptorCount).to.equal(0);
      expect(engine.violations).to.deep.equal([]);
    });

    it('should throw a TypeError if it returns something that is not an errno name', () => {
      const engine = setUp({ completion: 'manual', inject: () => 'oops' });
      engine.stat('/dir', () => {});
      expect(() => engine.completeNext()).to.throw(
        TypeError,
        "Expected the result of `inject` for #1 stat('/dir') to be an errno name such as 'EIO', got `\"oops\"` (string)",
      );
    });
  });

  describe('cancel', () => {
    it('should report ECANCELED once, inside cancel(), with no effect', () => {
      const engine = setUp({ completion: 'manual' });
      const callback = sinon.spy();
      const order: string[] = [];
      const request = engine.unlink('/dir/a.txt', (...args) => {
        order.push('callback');
        callback(...args);
      });
      const [call] = engine.pendingCalls as [ScriptedCall];
      request?.cancel();
      order.push('cancel returned');
      expect(order).to.deep.equal(['callback', 'cancel returned']);
      const [error, result] = callback.firstCall.args as [EngineError, unknown];
      expect(error.message).to.equal("ECANCELED: operation canceled, unlink '/dir/a.txt'");
      expectErrno(error, 'ECANCELED', 'unlink', '/dir/a.txt');
      expect(result).to.equal(undefined);
      expect(call.state).to.equal('canceled');
      expect(engine.pendingCalls).to.deep.equal([]);
      request?.cancel();
      call.complete();
      call.fail('EIO');
      sinon.assert.calledOnce(callback);
      expect(engine.readFile('/dir/a.txt')).not.to.equal(undefined);
    });

    it('should do nothing after the call completed', () => {
      const engine = setUp();
      const callback = sinon.spy();
      const request = engine.stat('/dir', callback);
      request?.cancel();
      sinon.assert.calledOnceWithMatch(callback, null);
      expect(engine.calls[0]?.state).to.equal('completed');
    });

    it('should end a hung call', () => {
      const engine = setUp({ completion: 'manual' });
      const callback = sinon.spy();
      const request = engine.stat('/dir', callback);
      engine.pendingCalls[0]?.hang();
      request?.cancel();
      expect((callback.firstCall.args[0] as EngineError).code).to.equal('ECANCELED');
      expect(engine.pendingCalls).to.deep.equal([]);
    });

    it('should return no request when the engine is not cancelable', () => {
      const engine = setUp({ completion: 'manual', cancelable: false });
      expect(engine.stat('/dir', () => {})).to.equal(undefined);
      expect(engine.pendingCalls).to.have.length(1);
    });

    it("should report ECANCELED at the call's next completion with cancelDelivery 'deferred'", () => {
      const engine = setUp({ completion: 'manual', cancelDelivery: 'deferred' });
      const callback = sinon.spy();
      const request = engine.unlink('/dir/a.txt', callback);
      request?.cancel();
      sinon.assert.notCalled(callback);
      const [call] = engine.pendingCalls as [ScriptedCall];
      expect(call).to.include({ state: 'pending', isCancelRequested: true });
      engine.completeAll();
      sinon.assert.calledOnce(callback);
      expect((callback.firstCall.args[0] as EngineError).code).to.equal('ECANCELED');
      expect(call.state).to.equal('canceled');
      expect(engine.readFile('/dir/a.txt')).not.to.equal(undefined);
    });
  });

  describe('violations', () => {
    it('should catch a write that completes after its descriptor was closed and reused', () => {
      const engine = setUp({ completion: 'manual' });
      engine.writeFile('/dir/b.txt', 'other file');
      engine.openExisting('/dir/a.txt', 'read-write', () => {});
      engine.completeAll();
      const writeCallback = sinon.spy();
      engine.write(3, Buffer.from('XX'), 0, 2, 0, writeCallback);
      engine.close(3, () => {});
      const [write, close] = engine.pendingCalls as [ScriptedCall, ScriptedCall];
      close.complete();
      engine.openExisting('/dir/b.txt', 'read-write', () => {});
      engine.pendingCalls.find((call) => call.kind === 'openExisting')?.complete();
      expect(engine.openDescriptors()).to.deep.equal([3]);
      expect(engine.pendingCalls).to.deep.equal([write]);
      expect(engine.violations).to.deep.equal([]);
      write.complete();
      expect(engine.violations).to.have.length(1);
      expect(engine.violations[0]).to.match(
        /^#2 write\(fd 3, 2 B @ 0\) touched descriptor 3 after it was closed: issued for open file #1 \(ino \d+\), now it belongs to open file #2 \(ino \d+\)$/,
      );
      // the write really landed in the wrong file, as it would on a real system
      expect(engine.readFile('/dir/b.txt')?.toString()).to.equal('XXher file');
      sinon.assert.calledOnceWithExactly(writeCallback, null, 2);
    });

    it('should catch a call that completes after its descriptor was closed, even without reuse', () => {
      const engine = setUp({ completion: 'manual' });
      engine.openExisting('/dir/a.txt', 'read', () => {});
      engine.completeAll();
      engine.fstat(3, () => {});
      engine.close(3, () => {});
      const [fstatCall, close] = engine.pendingCalls as [ScriptedCall, ScriptedCall];
      close.complete();
      fstatCall.complete();
      expect(fstatCall.error?.code).to.equal('EBADF');
      expect(engine.violations).to.have.length(1);
      expect(engine.violations[0]).to.include('#2 fstat(fd 3) touched descriptor 3 after it was closed');
      expect(engine.violations[0]).to.include('now nothing is open at that number');
    });

    it('should catch a call issued on a descriptor that is not open', () => {
      const engine = setUp();
      expect(write(engine, 5, 'x', 0).error?.code).to.equal('EBADF');
      expect(engine.violations).to.deep.equal([
        '#1 write(fd 5, 1 B @ 0) was issued on descriptor 5, which was not open',
      ]);
    });

    it('should stay silent in a correct sequence that reuses descriptor numbers', () => {
      const engine = setUp({ completion: 'manual' });
      engine.writeFile('/dir/b.txt', 'b');
      for (const path of ['/dir/a.txt', '/dir/b.txt', '/dir/a.txt']) {
        engine.openExisting(path, 'read-write', (_error, fd) => {
          engine.write(fd, Buffer.from('Z'), 0, 1, 0, () => {
            engine.sync(fd, () => engine.close(fd, () => {}));
          });
        });
        engine.completeAll();
      }
      expect(engine.calls.map((call) => call.fd ?? '-')).to.deep.equal(['-', 3, 3, 3, '-', 3, 3, 3, '-', 3, 3, 3]);
      expect(engine.violations).to.deep.equal([]);
      expect(engine.calls.every((call) => call.error === null)).to.equal(true);
    });

    it('should count open descriptors and their high-water mark', () => {
      const engine = setUp();
      const fds = [open(engine), open(engine), open(engine)];
      for (const fd of fds.slice(1)) valueOf<void>((callback) => engine.close(fd, callback));
      expect(engine.openDescriptorCount).to.equal(1);
      expect(engine.maxOpenDescriptors).to.equal(3);
    });
  });
});

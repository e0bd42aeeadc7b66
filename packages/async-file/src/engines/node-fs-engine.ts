import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FileCallback, EngineError, FileEngine, FileStats, OpenMode } from '../file-engine.js';
import { errnoError, systemError } from '../internal/errno-error.js';
import { currentPlatform, unsupportedOnPlatform } from '../internal/platform.js';
import { loadNativeIo } from '../internal/native-io.js';
import {
  expectBufferRange,
  expectFd,
  expectFunction,
  expectInteger,
  expectIoCall,
  expectOpenMode,
  expectOptionalBoolean,
  expectPath,
  writeLength,
} from '../internal/validate.js';
import { DescriptorEngine, descriptorCapabilities } from './descriptor-engine.js';
import { linkWithLn } from './node-fs/link-with-ln.js';

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL } = fs.constants;
/** O_DIRECT (Linux); 0 where Node does not define it, and the open then runs buffered. */
const O_DIRECT = fs.constants.O_DIRECT ?? 0;

/** Linux's O_TMPFILE (__O_TMPFILE | O_DIRECTORY) on the architectures where it has this value; Node does not export it. */
const O_TMPFILE = 0o20200000;
const HAS_O_TMPFILE_VALUE =
  process.platform === 'linux' && ['x64', 'arm64', 'ia32', 'arm', 'riscv64', 's390x', 'ppc64'].includes(process.arch);

const ACCESS: Record<OpenMode, number> = { read: O_RDONLY, write: O_WRONLY, 'read-write': O_RDWR };

/** Where opening `<dir>/<fd>` opens the file behind descriptor `fd` (duplicate); elsewhere duplicate is ENOTSUP. */
const FD_DIRECTORY: Partial<Record<NodeJS.Platform, string>> = {
  linux: '/proc/self/fd',
  android: '/proc/self/fd',
  darwin: '/dev/fd',
};

/** Errors that mean "this file system or kernel has no O_TMPFILE": fall back to create-exclusive + unlink. */
const NO_TMPFILE = new Set(['EISDIR', 'EOPNOTSUPP', 'ENOTSUP', 'EINVAL']);

/**
 * Passes an FileCallback<void> straight to an fs call that reports only an error: the result argument is then
 * undefined, as the type says. (A wrapping closure would cost an allocation per call.)
 */
function done(callback: FileCallback<void>): (error: EngineError | null) => void {
  return callback as (error: EngineError | null) => void;
}

/** An engine read as node-fs does it: nothing to cancel, so no request. */
type NodeFsRead = (...args: Parameters<FileEngine['read']>) => undefined;

/**
 * {@link NodeFsEngine.read} without its argument checks, for the manager (internal/checked-calls.ts), whose handle
 * checked them when it enqueued the action; fs.read checks them once more.
 */
export const readUnchecked: NodeFsRead = (fd, buffer, offset, length, position, callback) => {
  // fs.read refuses an empty buffer (even for 0 bytes); reading 0 bytes reads nothing wherever it would read
  if (buffer.byteLength === 0) {
    process.nextTick(callback, null, 0);
    return undefined;
  }
  fs.read(fd, buffer, offset, length, position, callback);
  return undefined;
};

/**
 * The default engine: Node's callback fs API, which runs each call on libuv's thread pool.
 *
 * @remarks
 * Calls cannot be stopped once issued (libuv offers no cancel for fs work here), so every method returns undefined and
 * the manager cancels by discarding or undoing the result. Two calls Node's fs lacks are built from what Linux offers:
 * duplicate opens `/proc/self/fd/<fd>`; link is linkat(AT_FDCWD, "/proc/self/fd/<fd>", AT_FDCWD, newPath,
 * AT_SYMLINK_FOLLOW) (the one way to name an unnamed O_TMPFILE file without privileges), run by the native addon on
 * libuv's thread pool, or, where the addon does not load, by `ln -L -T` in a child process (a process spawn per link;
 * its error is the errno `ln` reports, or the spawn's: EMFILE when no descriptor is left for its pipes).
 * createAnonymous probes O_TMPFILE with the first file and falls back to create-exclusive + unlink where a file system
 * lacks it (for every later file if the first one did).
 *
 * Every method checks its arguments first and throws a TypeError/RangeError naming the bad one (a callback is then
 * never called); buffers of reads and writes are limited to 2^31 - 1 bytes, as Node's fs limits them.
 */
export class NodeFsEngine extends DescriptorEngine implements FileEngine {
  readonly name = 'node-fs';
  readonly capabilities = descriptorCapabilities({
    writeNewFile: true,
    linkedChains: 'node-fs issues every call on its own, on the thread pool',
    cancelableCalls: 'libuv cannot stop a file system call it has queued',
  });
  /** undefined until the first anonymous file tells whether O_TMPFILE works here. */
  private hasTmpfile: boolean | undefined = HAS_O_TMPFILE_VALUE ? undefined : false;

  /** Whether unnamed files use O_TMPFILE: undefined before the first createAnonymous() probed it. */
  get usesTmpfile(): boolean | undefined {
    return this.hasTmpfile;
  }

  openExisting(filePath: string, mode: OpenMode, callback: FileCallback<number>, direct = false): undefined {
    expectPath('path', filePath);
    expectOpenMode('mode', mode);
    expectFunction('callback', callback);
    expectOptionalBoolean('direct', direct);
    fs.open(filePath, direct ? ACCESS[mode] | O_DIRECT : ACCESS[mode], callback);
    return undefined;
  }

  createAnonymous(directory: string, callback: FileCallback<number>): undefined {
    expectPath('directory', directory);
    expectFunction('callback', callback);
    if (this.hasTmpfile === false) {
      this.createExclusiveThenUnlink(directory, callback);
      return undefined;
    }
    fs.open(directory, O_TMPFILE | O_RDWR, 0o600, (error, fd) => {
      if (error === null) {
        this.hasTmpfile = true;
        callback(null, fd);
      } else if (NO_TMPFILE.has(error.code ?? '')) {
        // this file system lacks O_TMPFILE; if none seen so far has it, stop trying
        if (this.hasTmpfile === undefined) this.hasTmpfile = false;
        this.createExclusiveThenUnlink(directory, callback);
      } else {
        callback(error, -1);
      }
    });
    return undefined;
  }

  private createExclusiveThenUnlink(directory: string, callback: FileCallback<number>): void {
    const name = path.join(directory, `.async-file-${randomBytes(9).toString('hex')}.tmp`);
    fs.open(name, O_CREAT | O_EXCL | O_RDWR, 0o600, (openError, fd) => {
      if (openError !== null) {
        callback(openError, -1);
        return;
      }
      fs.unlink(name, (unlinkError) => {
        if (unlinkError === null) callback(null, fd);
        else fs.close(fd, () => callback(unlinkError, -1));
      });
    });
  }

  duplicate(fd: number, mode: OpenMode, callback: FileCallback<number>): undefined {
    expectFd('fd', fd);
    expectOpenMode('mode', mode);
    expectFunction('callback', callback);
    const directory = FD_DIRECTORY[currentPlatform()];
    if (directory === undefined) {
      const error = unsupportedOnPlatform(
        'open',
        `/proc/self/fd/${fd}`,
        'duplicating an open file needs /proc or /dev/fd',
      );
      setImmediate(() => callback(error, -1));
      return undefined;
    }
    fs.open(`${directory}/${fd}`, ACCESS[mode], callback);
    return undefined;
  }

  close(fd: number, callback: FileCallback<void>): undefined {
    expectFd('fd', fd);
    expectFunction('callback', callback);
    fs.close(fd, done(callback));
    return undefined;
  }

  read(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
    callback: FileCallback<number>,
  ): undefined {
    expectIoCall(fd, buffer, offset, length, position);
    expectFunction('callback', callback);
    return readUnchecked(fd, buffer, offset, length, position, callback);
  }

  write(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
    callback: FileCallback<number>,
  ): undefined {
    expectIoCall(fd, buffer, offset, length, position);
    expectFunction('callback', callback);
    fs.write(fd, buffer, offset, writeLength(length), position, callback);
    return undefined;
  }

  fstat(fd: number, callback: FileCallback<FileStats>): undefined {
    expectFd('fd', fd);
    expectFunction('callback', callback);
    fs.fstat(fd, callback);
    return undefined;
  }

  truncate(fd: number, length: number, callback: FileCallback<void>): undefined {
    expectFd('fd', fd);
    expectInteger('length', length, 0);
    expectFunction('callback', callback);
    fs.ftruncate(fd, length, done(callback));
    return undefined;
  }

  sync(fd: number, callback: FileCallback<void>): undefined {
    expectFd('fd', fd);
    expectFunction('callback', callback);
    fs.fsync(fd, done(callback));
    return undefined;
  }

  link(fd: number, newPath: string, callback: FileCallback<void>): undefined {
    expectFd('fd', fd);
    expectPath('newPath', newPath);
    expectFunction('callback', callback);
    if (currentPlatform() !== 'linux') {
      const error = unsupportedOnPlatform('link', newPath, "naming an open file needs Linux's /proc/<pid>/fd");
      setImmediate(() => callback(error, undefined));
      return undefined;
    }
    const linkFollow = loadNativeIo().io?.linkFollow;
    if (linkFollow === undefined) {
      linkWithLn(fd, newPath, callback);
      return undefined;
    }
    linkFollow(`/proc/self/fd/${fd}`, newPath, (result) => {
      callback(result === 0 ? null : systemError(result, 'link', newPath), undefined);
    });
    return undefined;
  }

  /**
   * Creates `filePath` exclusively, writes all of `buffer[offset, offset + length)` (repeating partial writes) and
   * closes it, as three pool calls; on a failed write or close the file is removed before the callback (all or
   * nothing, as {@link FileEngine.writeNewFile} requires). Cannot be stopped once issued.
   */
  writeNewFile(
    filePath: string,
    buffer: Uint8Array,
    offset: number,
    length: number,
    callback: FileCallback<number>,
  ): undefined {
    expectPath('path', filePath);
    expectBufferRange(buffer, offset, length);
    expectFunction('callback', callback);
    fs.open(filePath, O_CREAT | O_EXCL | O_WRONLY, 0o666, (openError, fd) => {
      if (openError !== null) return callback(openError, -1);
      const fail = (error: EngineError): void => {
        fs.close(fd, () => fs.unlink(filePath, () => callback(error, -1)));
      };
      const writeFrom = (done: number): void => {
        if (done === length) {
          fs.close(fd, (closeError) => {
            if (closeError === null) return callback(null, length);
            fs.unlink(filePath, () => callback(closeError, -1));
          });
          return;
        }
        try {
          fs.write(fd, buffer, offset + done, length - done, done, (writeError, written) => {
            if (writeError !== null) return fail(writeError);
            if (written === 0) return fail(errnoError('EIO', 'write', filePath, 'write made no progress'));
            writeFrom(done + written);
          });
        } catch (error) {
          // fs.write refuses the buffer now (detached since the call): the file must not stay behind
          fail(error as EngineError);
        }
      };
      writeFrom(0);
    });
    return undefined;
  }

  stat(filePath: string, callback: FileCallback<FileStats>): undefined {
    expectPath('path', filePath);
    expectFunction('callback', callback);
    fs.stat(filePath, callback);
    return undefined;
  }

  unlink(filePath: string, callback: FileCallback<void>): undefined {
    expectPath('path', filePath);
    expectFunction('callback', callback);
    fs.unlink(filePath, done(callback));
    return undefined;
  }

  rename(from: string, to: string, callback: FileCallback<void>): undefined {
    expectPath('from', from);
    expectPath('to', to);
    expectFunction('callback', callback);
    fs.rename(from, to, done(callback));
    return undefined;
  }
}

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FileCallback, EngineError, EngineRequest, FileEngine, FileStats, OpenMode } from '../file-engine.js';
import { systemError } from '../internal/errno-error.js';
import {
  expectFd,
  expectFunction,
  expectInteger,
  expectOpenMode,
  expectOptionalBoolean,
  expectPath,
} from '../internal/validate.js';
import { DescriptorEngine, descriptorCapabilities } from './descriptor-engine.js';
import { expectEngineOptions, IoUringUnavailableError, type IoUringEngineOptions } from './io-uring/engine-options.js';
import { loadNativeAddon, type NativeRing, type NativeRingInfo } from './io-uring/native-ring.js';
import { CompoundCall, LINKED_CLOSE, NEW_FILE_CHAIN, NUMBER, STAT, UringCall, VOID } from './io-uring/uring-call.js';
import {
  closeSurely,
  contain,
  newFileOutcome,
  unlinkSurely,
  writeNewFileInSteps,
  type NewFileCalls,
} from './io-uring/new-file.js';
import { UringRequests } from './io-uring/uring-requests.js';

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_DIRECT } = fs.constants;
/** Linux's O_CLOEXEC and O_TMPFILE (__O_TMPFILE | O_DIRECTORY) on x64/arm64 and most others; Node exports neither. */
const O_CLOEXEC = 0o2000000;
const O_TMPFILE = 0o20200000;
const AT_SYMLINK_FOLLOW = 0x400;
const ACCESS: Record<OpenMode, number> = { read: O_RDONLY, write: O_WRONLY, 'read-write': O_RDWR };
/** Errors that mean "this file system or kernel has no O_TMPFILE": fall back to create-exclusive + unlink. */
const NO_TMPFILE = new Set(['EISDIR', 'EOPNOTSUPP', 'ENOTSUP', 'EINVAL']);
const ECANCELED = -125;

/**
 * The io_uring engine (Linux 5.15+ here; ftruncate through io_uring needs 6.9, else it runs on libuv's pool): every call
 * is one io_uring request submitted by a native addon, shipped prebuilt or built on request (native/, raw syscalls
 * with the kernel's linux/io_uring.h). Completions reach the JS thread through an eventfd watched by Node's own loop,
 * ONE call into JS per batch.
 *
 * @remarks
 * Cancel is real: a request not yet submitted, or still queued in the kernel, never executes and reports ECANCELED; one
 * the kernel already started (or completed during submission, as cached reads do) reports its real outcome, and the
 * manager undoes it. Descriptors are opened with O_CLOEXEC. Call {@link close} (or `using`) when done: pending
 * requests are canceled, and the ring is closed once they have all reported. At process exit the ring is closed anyway,
 * and so it is when the worker thread that made it exits or is terminated (its environment waits until the ring's
 * libuv handles are closed before it unloads the addon).
 */
export class IoUringEngine extends DescriptorEngine implements FileEngine, Disposable {
  readonly name = 'io_uring';
  readonly capabilities = descriptorCapabilities({
    writeNewFile: true,
    linkedChains: true,
    cancelableCalls: true,
  });
  private readonly ring: NativeRing;
  /** The requests in flight, and the delivery of their completions. */
  private readonly requests: UringRequests;
  private readonly hasFtruncate: boolean;
  private hasTmpfile: boolean | undefined = undefined;
  /** What the steps of createAnonymous's fallback and of writeNewFile issue (openat is private). */
  private readonly calls: NewFileCalls = {
    openat: (filePath, flags, mode, callback) => this.openat(filePath, flags, mode, callback),
    write: (fd, buffer, offset, length, position, callback) =>
      this.write(fd, buffer, offset, length, position, callback),
    close: (fd, callback) => this.close(fd, callback),
    unlink: (filePath, callback) => this.unlink(filePath, callback),
  };

  /**
   * @throws TypeError / RangeError for a bad option, naming it and the value (checked first, wherever io_uring is);
   *   IoUringUnavailableError where io_uring or the addon is unavailable (the reason in one line).
   */
  constructor(options: IoUringEngineOptions = {}) {
    super();
    expectEngineOptions(options);
    const addon = loadNativeAddon();
    if (addon.Ring === undefined) throw new IoUringUnavailableError(addon.reason);
    const entries = options.entries ?? 256;
    const directDescriptors = options.directDescriptors ?? 64;
    // room for a (slot, result) pair per CQ entry: the CQ has twice the SQ's entries (at least 4), a power of two
    this.requests = new UringRequests(new Int32Array(4 * 2 ** Math.ceil(Math.log2(Math.max(4, entries)))));
    try {
      this.ring = new addon.Ring(
        entries,
        this.requests.completions,
        this.requests.dispatch,
        options.submit === 'immediate',
        directDescriptors,
      );
    } catch (error) {
      throw new IoUringUnavailableError((error as Error).message);
    }
    this.requests.attach(this.ring);
    this.hasFtruncate = this.ring.info().hasFtruncate;
  }

  /** Whether unnamed files use O_TMPFILE: undefined before the first createAnonymous() probed it. */
  get usesTmpfile(): boolean | undefined {
    return this.hasTmpfile;
  }

  /** The ring's sizes and counters (requests live, batches, io_uring_enter calls, whether it is closed). */
  get info(): NativeRingInfo {
    return this.ring.info();
  }

  /**
   * Shuts the engine down: refuses new calls, cancels the pending ones (each still reports once: ECANCELED, or its real
   * outcome if the kernel had started it) and closes the ring once none is left. Idempotent.
   */
  shutdown(): void {
    this.ring.shutdown();
  }

  /** {@link shutdown}, for `using` and for the manager that closes (FileEngine's optional dispose). */
  [Symbol.dispose](): void {
    this.shutdown();
  }

  openExisting(filePath: string, mode: OpenMode, callback: FileCallback<number>, direct = false): EngineRequest {
    expectOpenMode('mode', mode);
    expectFunction('callback', callback);
    expectOptionalBoolean('direct', direct);
    return this.start(
      new UringCall(this.ring, NUMBER, 'open', callback as FileCallback<never>, filePath),
      this.ring.openat(filePath, ACCESS[mode] | O_CLOEXEC | (direct ? O_DIRECT : 0), 0),
    );
  }

  createAnonymous(directory: string, callback: FileCallback<number>): EngineRequest {
    expectPath('directory', directory);
    expectFunction('callback', callback);
    const compound = new CompoundCall();
    const exclusive = (): void => {
      if (compound.canceled) {
        callback(systemError(ECANCELED, 'open', directory), -1);
        return;
      }
      const name = path.join(directory, `.async-file-${randomBytes(9).toString('hex')}.tmp`);
      const flags = O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC;
      // from a completion (the O_TMPFILE probe's): a ring closed meanwhile refuses it, which is this call's error
      contain(
        () =>
          (compound.current = this.openat(name, flags, 0o600, (openError, fd) => {
            if (openError !== null) return callback(openError, -1);
            // the name exists now: the unlink runs whatever happens (canceling it would leave the file behind)
            compound.current = undefined;
            unlinkSurely(this.calls, name, (unlinkError) => {
              if (unlinkError === null) return callback(null, fd);
              closeSurely(this.calls, fd, () => callback(unlinkError, -1));
            });
          })),
        (error) => callback(error, -1),
      );
    };
    if (this.hasTmpfile === false) {
      exclusive();
      return compound;
    }
    compound.current = this.openat(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, 0o600, (error, fd) => {
      if (error === null) {
        this.hasTmpfile = true;
        callback(null, fd);
      } else if (NO_TMPFILE.has(error.code ?? '')) {
        if (this.hasTmpfile === undefined) this.hasTmpfile = false;
        exclusive();
      } else {
        callback(error, -1);
      }
    });
    return compound;
  }

  duplicate(fd: number, mode: OpenMode, callback: FileCallback<number>): EngineRequest {
    expectFd('fd', fd);
    expectOpenMode('mode', mode);
    expectFunction('callback', callback);
    return this.openat(`/proc/self/fd/${fd}`, ACCESS[mode] | O_CLOEXEC, 0, callback);
  }

  /** Closes `fd` (the FileEngine call). */
  close(fd: number, callback: FileCallback<void>): EngineRequest;
  /**
   * Without arguments: shuts the engine down, as {@link shutdown}.
   *
   * @deprecated Call {@link shutdown} (or dispose the engine): `close` is the descriptor call of FileEngine.
   */
  close(): void;
  close(fd?: number, callback?: FileCallback<void>): EngineRequest | void {
    // the engine's shutdown only without arguments: close(undefined, callback) is a bad descriptor, not a shutdown
    if (fd === undefined && callback === undefined) {
      this.shutdown();
      return;
    }
    expectFd('fd', fd);
    expectFunction('callback', callback);
    return this.start(new UringCall(this.ring, VOID, 'close', callback as FileCallback<never>), this.ring.close(fd));
  }

  /**
   * Closes `fd` after canceling every request still on it, as ONE linked chain in ONE submission:
   * IORING_OP_ASYNC_CANCEL by descriptor with IORING_ASYNC_CANCEL_ALL, hard-linked (IOSQE_IO_HARDLINK) to
   * IORING_OP_CLOSE. The close starts only once the cancel completed, and runs whatever the cancel's result.
   *
   * @remarks
   * The cancel reaches requests that hold the file (read, write, fsync, ftruncate): queued ones report ECANCELED, ones a
   * kernel worker already started finish first (each holds its own file reference, so none can touch a file that later
   * gets the same number). Requests that only name the descriptor in a path (fstat, duplicate, link use `fd` or
   * /proc/self/fd/N) are not canceled: do not close while those are pending. Every canceled request still reports
   * through its own callback, in any order relative to this one.
   *
   * @param callback - the close's outcome; `result` is the number of requests the cancel canceled, or -1 if the
   *   kernel refused the cancel (before Linux 5.19, which lacks IORING_ASYNC_CANCEL_FD; or a bad descriptor) or if its
   *   completion did not arrive before the close's (the hard link rules that out).
   */
  closeAfterCancel(fd: number, callback: FileCallback<number>): EngineRequest {
    expectFunction('callback', callback);
    return this.start(
      new UringCall(this.ring, LINKED_CLOSE, 'close', callback as FileCallback<never>),
      this.ring.closeAfterCancel(fd),
    );
  }

  /**
   * Creates `filePath` (exclusively: EEXIST if it exists; mode 0o666 less the umask), writes `buffer[offset, offset +
   * length)` at position 0 and closes it, as ONE linked chain in ONE submission on a direct (registered) descriptor:
   * OPENAT into a free entry of the table, IOSQE_IO_LINK to the WRITE, IOSQE_IO_HARDLINK to the CLOSE. The callback
   * runs once, after all three completed, in order. Where no table entry is free (or the kernel has no sparse table,
   * before Linux 5.19), the same three run as separate requests.
   *
   * @remarks
   * All or nothing: the callback's success means the file exists with all `length` bytes (the result); on any failure
   * no file is left behind. A failed open cancels the write and the close (nothing was created: EEXIST, ENOENT...); a
   * failed write (ENOSPC, EFBIG) still closes, and the file is then removed before the callback runs. A short write
   * (the disk filled up, the file size limit was reached) is followed, as node-fs does, by writes of the rest on the
   * reopened file until one fails: the callback then gets that error (ENOSPC, EFBIG), not a generic one. Cancel stops
   * the chain while the open has not started (ECANCELED, no file); once it has, the write and the close complete and
   * the outcome is reported as usual.
   */
  writeNewFile(
    filePath: string,
    buffer: Uint8Array,
    offset: number,
    length: number,
    callback: FileCallback<number>,
  ): EngineRequest {
    expectFunction('callback', callback);
    const flags = O_CREAT | O_EXCL | O_WRONLY;
    const slot = this.ring.writeNewFile(filePath, flags, 0o666, buffer, offset, length, 0);
    const outcome = newFileOutcome(this.calls, filePath, buffer, offset, length, callback);
    if (slot < 0) return writeNewFileInSteps(this.calls, filePath, flags, buffer, offset, length, outcome);
    const call = new UringCall(this.ring, NEW_FILE_CHAIN, 'open', outcome as never, filePath);
    call.buffer = buffer;
    return this.start(call, slot);
  }

  read(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
    callback: FileCallback<number>,
  ): EngineRequest {
    expectFunction('callback', callback);
    const call = new UringCall(this.ring, NUMBER, 'read', callback as FileCallback<never>);
    call.buffer = buffer;
    return this.start(call, this.ring.read(fd, buffer, offset, length, position));
  }

  write(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
    callback: FileCallback<number>,
  ): EngineRequest {
    expectFunction('callback', callback);
    const call = new UringCall(this.ring, NUMBER, 'write', callback as FileCallback<never>);
    call.buffer = buffer;
    return this.start(call, this.ring.write(fd, buffer, offset, length, position));
  }

  fstat(fd: number, callback: FileCallback<FileStats>): EngineRequest {
    expectFd('fd', fd);
    expectFunction('callback', callback);
    return this.start(
      new UringCall(this.ring, STAT, 'fstat', callback as FileCallback<never>),
      this.ring.statx(fd, ''),
    );
  }

  truncate(fd: number, length: number, callback: FileCallback<void>): EngineRequest | undefined {
    expectFunction('callback', callback);
    if (!this.hasFtruncate) {
      // kernels before 6.9 have no IORING_OP_FTRUNCATE: libuv's pool does it (and cannot stop it)
      expectFd('fd', fd);
      expectInteger('length', length, 0);
      fs.ftruncate(fd, length, callback as (error: EngineError | null) => void);
      return undefined;
    }
    return this.start(
      new UringCall(this.ring, VOID, 'ftruncate', callback as FileCallback<never>),
      this.ring.ftruncate(fd, length),
    );
  }

  sync(fd: number, callback: FileCallback<void>): EngineRequest {
    expectFunction('callback', callback);
    return this.start(new UringCall(this.ring, VOID, 'fsync', callback as FileCallback<never>), this.ring.fsync(fd));
  }

  link(fd: number, newPath: string, callback: FileCallback<void>): EngineRequest {
    expectFd('fd', fd);
    expectFunction('callback', callback);
    // linkat(AT_FDCWD, "/proc/self/fd/N", AT_FDCWD, newPath, AT_SYMLINK_FOLLOW): names unnamed files too
    return this.start(
      new UringCall(this.ring, VOID, 'link', callback as FileCallback<never>, newPath),
      this.ring.linkat(`/proc/self/fd/${fd}`, newPath, AT_SYMLINK_FOLLOW),
    );
  }

  stat(filePath: string, callback: FileCallback<FileStats>): EngineRequest {
    expectPath('path', filePath);
    expectFunction('callback', callback);
    return this.start(
      new UringCall(this.ring, STAT, 'stat', callback as FileCallback<never>, filePath),
      this.ring.statx(-1, filePath),
    );
  }

  unlink(filePath: string, callback: FileCallback<void>): EngineRequest {
    expectFunction('callback', callback);
    return this.start(
      new UringCall(this.ring, VOID, 'unlink', callback as FileCallback<never>, filePath),
      this.ring.unlinkat(filePath),
    );
  }

  rename(from: string, to: string, callback: FileCallback<void>): EngineRequest {
    expectFunction('callback', callback);
    return this.start(
      new UringCall(this.ring, VOID, 'rename', callback as FileCallback<never>, from, to),
      this.ring.renameat(from, to),
    );
  }

  private openat(filePath: string, flags: number, mode: number, callback: FileCallback<number>): EngineRequest {
    return this.start(
      new UringCall(this.ring, NUMBER, 'open', callback as FileCallback<never>, filePath),
      this.ring.openat(filePath, flags, mode),
    );
  }

  private start(call: UringCall, slot: number): UringCall {
    return this.requests.start(call, slot);
  }
}

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EngineCallback, EngineError, EngineRequest, FileEngine, FileStats, OpenMode } from '../file-engine.js';
import { expectFd, expectFunction, expectOpenMode, expectOptionalBoolean, expectPath } from '../internal/validate.js';
import { DescriptorEngine } from './descriptor-engine.js';
import { expectEngineOptions, IoUringUnavailableError, type IoUringEngineOptions } from './io-uring/engine-options.js';
import { uringError } from './io-uring/errors.js';
import { loadNativeAddon, type NativeRing, type NativeRingInfo } from './io-uring/native-ring.js';
import { STAT_FIELDS, UringStats } from './io-uring/uring-stats.js';
import { CompoundCall, LINKED_CLOSE, NEW_FILE_CHAIN, NUMBER, STAT, UringCall, VOID } from './io-uring/uring-call.js';
import { NodeFsEngine } from './node-fs-engine.js';

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_DIRECT } = fs.constants;
/** Linux's O_CLOEXEC and O_TMPFILE (__O_TMPFILE | O_DIRECTORY) on x64/arm64 and most others; Node exports neither. */
const O_CLOEXEC = 0o2000000;
const O_TMPFILE = 0o20200000;
const AT_SYMLINK_FOLLOW = 0x400;
const ACCESS: Record<OpenMode, number> = { read: O_RDONLY, write: O_WRONLY, 'read-write': O_RDWR };
/** Errors that mean "this file system or kernel has no O_TMPFILE": fall back to create-exclusive + unlink. */
const NO_TMPFILE = new Set(['EISDIR', 'EOPNOTSUPP', 'ENOTSUP', 'EINVAL']);
const ECANCELED = -125;
const EIO = -5;

/** The error of a write that wrote nothing although bytes were left: it would loop forever. */
function noProgress(filePath: string, written: number, length: number): EngineError {
  const error = uringError(EIO, 'write', filePath);
  error.message += ` (no progress after ${written} of ${length} bytes written)`;
  return error;
}

/** Runs `issue`; a throw (the ring refused the request: closed, or an argument it cannot take) goes to `onThrow`. */
function contain(issue: () => void, onThrow: (error: EngineError) => void): void {
  try {
    issue();
  } catch (error) {
    onThrow(error as EngineError);
  }
}

/** How a linked new-file chain reports: the open's error, or the write's outcome and the close's. */
type NewFileOutcome = (
  openError: EngineError | null,
  writeError: EngineError | null,
  written: number,
  closeError: EngineError | null,
) => void;

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
 * requests are canceled, and the ring is closed once they have all reported. At process exit the ring is closed anyway.
 */
export class IoUringEngine extends DescriptorEngine implements FileEngine, Disposable {
  readonly name = 'io_uring';
  private readonly ring: NativeRing;
  private readonly completions: Int32Array;
  /**
   * The requests by slot, each until its completion is dispatched: what keeps a read's or write's buffer alive while the
   * kernel may use it. The native ring keeps this table alive while any request is live: it holds `dispatch` (which
   * closes over the engine) strongly from the first request started to the last completion.
   */
  private readonly calls: (UringCall | undefined)[] = [];
  private readonly statFields = new Float64Array(STAT_FIELDS);
  private readonly hasFtruncate: boolean;
  private hasTmpfile: boolean | undefined = undefined;
  private fallback: NodeFsEngine | undefined;

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
    this.completions = new Int32Array(4 * 2 ** Math.ceil(Math.log2(Math.max(4, entries))));
    try {
      this.ring = new addon.Ring(
        entries,
        this.completions,
        this.dispatch,
        options.submit === 'immediate',
        directDescriptors,
      );
    } catch (error) {
      throw new IoUringUnavailableError((error as Error).message);
    }
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

  [Symbol.dispose](): void {
    this.close();
  }

  openExisting(filePath: string, mode: OpenMode, callback: EngineCallback<number>, direct = false): EngineRequest {
    expectOpenMode('mode', mode);
    expectFunction('callback', callback);
    expectOptionalBoolean('direct', direct);
    return this.start(
      new UringCall(this.ring, NUMBER, 'open', callback as EngineCallback<never>, filePath),
      this.ring.openat(filePath, ACCESS[mode] | O_CLOEXEC | (direct ? O_DIRECT : 0), 0),
    );
  }

  createAnonymous(directory: string, callback: EngineCallback<number>): EngineRequest {
    expectPath('directory', directory);
    expectFunction('callback', callback);
    const compound = new CompoundCall();
    const exclusive = (): void => {
      if (compound.canceled) {
        callback(uringError(ECANCELED, 'open', directory), -1);
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
            this.unlinkSurely(name, (unlinkError) => {
              if (unlinkError === null) return callback(null, fd);
              this.closeSurely(fd, () => callback(unlinkError, -1));
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

  duplicate(fd: number, mode: OpenMode, callback: EngineCallback<number>): EngineRequest {
    expectFd('fd', fd);
    expectOpenMode('mode', mode);
    expectFunction('callback', callback);
    return this.openat(`/proc/self/fd/${fd}`, ACCESS[mode] | O_CLOEXEC, 0, callback);
  }

  /** Closes `fd` (the FileEngine call). */
  close(fd: number, callback: EngineCallback<void>): EngineRequest;
  /**
   * Without arguments: closes the engine. Refuses new calls, cancels the pending ones (each still reports once:
   * ECANCELED, or its real outcome if the kernel had started it) and closes the ring once none is left. Idempotent.
   */
  close(): void;
  close(fd?: number, callback?: EngineCallback<void>): EngineRequest | void {
    // the engine's close only without arguments: close(undefined, callback) is a bad descriptor, not a shutdown
    if (fd === undefined && callback === undefined) {
      this.ring.shutdown();
      return;
    }
    expectFd('fd', fd);
    expectFunction('callback', callback);
    return this.start(new UringCall(this.ring, VOID, 'close', callback as EngineCallback<never>), this.ring.close(fd));
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
  closeAfterCancel(fd: number, callback: EngineCallback<number>): EngineRequest {
    expectFunction('callback', callback);
    return this.start(
      new UringCall(this.ring, LINKED_CLOSE, 'close', callback as EngineCallback<never>),
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
    callback: EngineCallback<number>,
  ): EngineRequest {
    expectFunction('callback', callback);
    const flags = O_CREAT | O_EXCL | O_WRONLY;
    const slot = this.ring.writeNewFile(filePath, flags, 0o666, buffer, offset, length, 0);
    // the outcome: nothing created (a failed open), or the file with all its bytes, or a file removed before the callback
    const outcome: NewFileOutcome = (openError, writeError, written, closeError) => {
      if (openError !== null) return callback(openError, -1);
      const error = writeError ?? closeError;
      if (error === null && written < length)
        return this.writeRest(filePath, buffer, offset, length, written, callback);
      if (error === null) return callback(null, written);
      this.unlinkSurely(filePath, () => callback(error, -1));
    };
    if (slot >= 0) {
      const call = new UringCall(this.ring, NEW_FILE_CHAIN, 'open', outcome as never, filePath);
      call.buffer = buffer;
      return this.start(call, slot);
    }
    // no free table entry: open, write, close one after the other (the cancel reaches the open only, as in the chain)
    const compound = new CompoundCall();
    compound.current = this.openat(filePath, flags | O_CLOEXEC, 0o666, (openError, fd) => {
      compound.current = undefined;
      if (openError !== null) return outcome(openError, null, 0, null);
      const closeThen = (writeError: EngineError | null, written: number): void =>
        this.closeSurely(fd, (closeError) => outcome(null, writeError, written, closeError));
      contain(
        () => this.write(fd, buffer, offset, length, 0, (writeError, written) => closeThen(writeError, written)),
        (error) => closeThen(error, 0),
      );
    });
    return compound;
  }

  /**
   * After a short write of a new file: reopens it and writes the rest from `written`, chunk after chunk, as node-fs
   * does; the first failure (ENOSPC, EFBIG: the reason the write was short) removes the file and is reported.
   */
  private writeRest(
    filePath: string,
    buffer: Uint8Array,
    offset: number,
    length: number,
    written: number,
    callback: EngineCallback<number>,
  ): void {
    const fail = (error: EngineError): void => this.unlinkSurely(filePath, () => callback(error, -1));
    const reopen = (): void => {
      this.openat(filePath, O_WRONLY | O_CLOEXEC, 0, (openError, fd) => {
        if (openError !== null) return fail(openError);
        const closeThen = (error: EngineError | null): void =>
          this.closeSurely(fd, (closeError) => {
            const failure = error ?? closeError;
            if (failure === null) callback(null, length);
            else fail(failure);
          });
        const writeFrom = (done: number): void => {
          if (done === length) return closeThen(null);
          const issue = (): void => {
            this.write(fd, buffer, offset + done, length - done, done, (writeError, count) => {
              if (writeError !== null) return closeThen(writeError);
              if (count === 0) return closeThen(noProgress(filePath, done, length));
              writeFrom(done + count);
            });
          };
          contain(issue, closeThen);
        };
        writeFrom(written);
      });
    };
    contain(reopen, fail);
  }

  /** Unlinks `filePath` through the ring, or through node's fs where the ring refuses (closed): cleanup must happen. */
  private unlinkSurely(filePath: string, callback: (error: EngineError | null) => void): void {
    contain(
      () => this.unlink(filePath, (error) => callback(error)),
      () => fs.unlink(filePath, (error) => callback(error)),
    );
  }

  /** Closes `fd` through the ring, or through node's fs where the ring refuses (closed): a descriptor must not leak. */
  private closeSurely(fd: number, callback: (error: EngineError | null) => void): void {
    contain(
      () => this.close(fd, (error) => callback(error)),
      () => fs.close(fd, (error) => callback(error)),
    );
  }

  read(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
    callback: EngineCallback<number>,
  ): EngineRequest {
    expectFunction('callback', callback);
    const call = new UringCall(this.ring, NUMBER, 'read', callback as EngineCallback<never>);
    call.buffer = buffer;
    return this.start(call, this.ring.read(fd, buffer, offset, length, position));
  }

  write(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
    callback: EngineCallback<number>,
  ): EngineRequest {
    expectFunction('callback', callback);
    const call = new UringCall(this.ring, NUMBER, 'write', callback as EngineCallback<never>);
    call.buffer = buffer;
    return this.start(call, this.ring.write(fd, buffer, offset, length, position));
  }

  fstat(fd: number, callback: EngineCallback<FileStats>): EngineRequest {
    expectFd('fd', fd);
    expectFunction('callback', callback);
    return this.start(
      new UringCall(this.ring, STAT, 'fstat', callback as EngineCallback<never>),
      this.ring.statx(fd, ''),
    );
  }

  truncate(fd: number, length: number, callback: EngineCallback<void>): EngineRequest | undefined {
    expectFunction('callback', callback);
    if (!this.hasFtruncate) {
      // kernels before 6.9 have no IORING_OP_FTRUNCATE: libuv's pool does it (and cannot stop it)
      (this.fallback ??= new NodeFsEngine()).truncate(fd, length, callback);
      return undefined;
    }
    return this.start(
      new UringCall(this.ring, VOID, 'ftruncate', callback as EngineCallback<never>),
      this.ring.ftruncate(fd, length),
    );
  }

  sync(fd: number, callback: EngineCallback<void>): EngineRequest {
    expectFunction('callback', callback);
    return this.start(new UringCall(this.ring, VOID, 'fsync', callback as EngineCallback<never>), this.ring.fsync(fd));
  }

  link(fd: number, newPath: string, callback: EngineCallback<void>): EngineRequest {
    expectFd('fd', fd);
    expectFunction('callback', callback);
    // linkat(AT_FDCWD, "/proc/self/fd/N", AT_FDCWD, newPath, AT_SYMLINK_FOLLOW): names unnamed files too
    return this.start(
      new UringCall(this.ring, VOID, 'link', callback as EngineCallback<never>, newPath),
      this.ring.linkat(`/proc/self/fd/${fd}`, newPath, AT_SYMLINK_FOLLOW),
    );
  }

  stat(filePath: string, callback: EngineCallback<FileStats>): EngineRequest {
    expectPath('path', filePath);
    expectFunction('callback', callback);
    return this.start(
      new UringCall(this.ring, STAT, 'stat', callback as EngineCallback<never>, filePath),
      this.ring.statx(-1, filePath),
    );
  }

  unlink(filePath: string, callback: EngineCallback<void>): EngineRequest {
    expectFunction('callback', callback);
    return this.start(
      new UringCall(this.ring, VOID, 'unlink', callback as EngineCallback<never>, filePath),
      this.ring.unlinkat(filePath),
    );
  }

  rename(from: string, to: string, callback: EngineCallback<void>): EngineRequest {
    expectFunction('callback', callback);
    return this.start(
      new UringCall(this.ring, VOID, 'rename', callback as EngineCallback<never>, from, to),
      this.ring.renameat(from, to),
    );
  }

  private openat(filePath: string, flags: number, mode: number, callback: EngineCallback<number>): EngineRequest {
    return this.start(
      new UringCall(this.ring, NUMBER, 'open', callback as EngineCallback<never>, filePath),
      this.ring.openat(filePath, flags, mode),
    );
  }

  private start(call: UringCall, slot: number): UringCall {
    call.slot = slot;
    this.calls[slot] = call;
    return call;
  }

  /** Called by the addon once per batch of completions: `count` (slot, result) pairs in `completions`. */
  private readonly dispatch = (count: number): void => {
    const completions = this.completions;
    const calls = this.calls;
    let failed = false;
    let firstError: unknown;
    for (let i = 0; i < count; i++) {
      const slot = completions[2 * i] as number;
      const result = completions[2 * i + 1] as number;
      const call = calls[slot];
      calls[slot] = undefined;
      if (call === undefined) continue;
      call.done = true;
      try {
        this.deliver(call, slot, result);
      } catch (error) {
        // every completion of the batch is still delivered; the first throw surfaces as an uncaught exception
        if (!failed) {
          failed = true;
          firstError = error;
        } else {
          process.nextTick(() => {
            throw error;
          });
        }
      }
    }
    if (failed) throw firstError;
  };

  private deliver(call: UringCall, slot: number, result: number): void {
    const callback = call.callback as EngineCallback<unknown>;
    if (call.kind === NEW_FILE_CHAIN) {
      // result: the open's; the write's and the close's are kept beside it. The callback is writeNewFile's outcome
      // (which removes a file whose write or close failed).
      const report = call.callback as unknown as NewFileOutcome;
      if (result < 0) return report(uringError(result, 'open', call.path), null, 0, null);
      const written = this.ring.chainResult(slot, 1);
      const closed = this.ring.chainResult(slot, 2);
      report(
        null,
        written < 0 ? uringError(written, 'write', call.path) : null,
        Math.max(written, 0),
        closed < 0 ? uringError(closed, 'close', call.path) : null,
      );
    } else if (call.kind === LINKED_CLOSE) {
      const canceled = this.ring.linkedResult(slot);
      const error = result < 0 ? uringError(result, call.syscall) : null;
      callback(error, canceled === undefined || canceled < 0 ? -1 : canceled);
    } else if (result < 0) {
      const error: EngineError = uringError(result, call.syscall, call.path, call.dest);
      callback(error, call.kind === NUMBER ? -1 : undefined);
    } else if (call.kind === NUMBER) {
      callback(null, result);
    } else if (call.kind === VOID) {
      callback(null, undefined);
    } else {
      this.ring.readStat(slot, this.statFields);
      callback(null, new UringStats(this.statFields));
    }
  }
}

import { posix } from 'node:path';
import {
  WOULD_BLOCK,
  type EngineCallback,
  type EngineRequest,
  type FileEngine,
  type FileStats,
  type OpenMode,
} from '../file-engine.js';
import { expectBufferRange, expectFd, expectInteger, expectOpenMode, expectPath } from '../internal/validate.js';
import { CallRegistry, rememberRecent } from './scripted/call-registry.js';
import { createErrnoError, isErrnoCode } from './scripted/errno-error.js';
import { MemoryFileSystem } from './scripted/memory-file-system.js';
import type { ScriptedCall } from './scripted/scripted-call.js';
import {
  resolveOptions,
  type ResolvedScriptedEngineOptions,
  type ScriptedEngineOptions,
} from './scripted/scripted-engine-options.js';

/** The bound of completeAll(): far above any sane test, low enough to stop a callback that loops forever. */
const DEFAULT_COMPLETE_ALL_LIMIT = 10_000;

/**
 * A deterministic FileEngine for tests: an in-memory file system whose calls complete when, and how, the test decides;
 * with fault injection and a detector of descriptor misuse.
 *
 * @remarks
 * Every call becomes a {@link ScriptedCall} in `pendingCalls` (issue order) and takes effect when it COMPLETES, not
 * when it is issued, so the order of completions is the interleaving. When that happens depends on the `completion`
 * option: `sync` (default) runs the callback inside the call, before it returns; `async` in a later macrotask
 * (setImmediate), in issue order; `manual` when the test calls `call.complete()`, {@link ScriptedEngine.completeNext}
 * or {@link ScriptedEngine.completeAll}; a function decides per call. Each callback runs exactly once.
 *
 * Cancel: with `cancelable` (default true) each call returns an EngineRequest; cancel() of a pending call reports
 * ECANCELED with no effect, by default synchronously inside cancel() (`cancelDelivery: 'sync'`), or at the call's next
 * completion (`'deferred'`). cancel() of a call that ended is a no-op. With `cancelable: false` calls return undefined.
 *
 * Safety: `violations` lists every call issued on a descriptor that was not open, every call that reached a descriptor
 * number whose open file changed since the call was issued (closed, maybe reused), and any second callback.
 *
 * Engine methods throw TypeError/RangeError at once for bad arguments (like fs.read); a call that throws never calls
 * its callback and is not recorded.
 *
 * @example
 * ```ts
 * const engine = new ScriptedEngine({ completion: 'manual' });
 * engine.writeFile('/data.txt', 'hello');
 * engine.openExisting('/data.txt', 'read', (error, fd) => console.log(error, fd));
 * engine.completeAll(); // logs: null 3
 * ```
 */
export class ScriptedEngine implements FileEngine {
  /** Always `scripted`. */
  readonly name = 'scripted';
  /** The calls that have not ended, in issue order (hung ones included). The engine owns it: read it, do not edit. */
  readonly pendingCalls: readonly ScriptedCall[];
  /**
   * The most recent calls, in issue order: every call ever issued with `callHistory: Infinity`, else at least the last
   * `callHistory` (default 10000), so that a long run keeps bounded memory. {@link callCount} counts them all.
   */
  readonly calls: readonly ScriptedCall[];
  /** Readable descriptions of every safety violation seen; empty in a correct run. */
  readonly violations: readonly string[];
  /**
   * The fast-path calls done at once (not declined), in order, as labels: `now read(fd 3, 4096 B @ 0)`; bounded as
   * {@link calls} is.
   */
  readonly nowCalls: readonly string[] = [];
  readonly #fs: MemoryFileSystem;
  readonly #options: ResolvedScriptedEngineOptions;
  readonly #registry: CallRegistry;

  /**
   * Creates an engine with an empty file system (only `/` exists).
   *
   * @param options - completion policy, fault injection, cancel support, partial writes; all optional.
   * @throws TypeError or RangeError naming the option and the value received.
   */
  constructor(options?: ScriptedEngineOptions) {
    this.#options = resolveOptions(options);
    this.#fs = new MemoryFileSystem(this.#options.maxFileBytes);
    this.#registry = new CallRegistry(this.#options, (fd) => this.#fs.openFile(fd));
    this.pendingCalls = this.#registry.pending;
    this.calls = this.#registry.all;
    this.violations = this.#registry.violations;
  }

  /** How many calls were issued so far (all of them, whatever `calls` still holds). */
  get callCount(): number {
    return this.#registry.count;
  }

  /** How many descriptors are open now. */
  get openDescriptorCount(): number {
    return this.#fs.openCount;
  }

  /** The most descriptors that were open at the same time (a high-water mark). */
  get maxOpenDescriptors(): number {
    return this.#fs.maxOpenCount;
  }

  /**
   * Adds a directory, and any missing ancestors, at once (not a call).
   *
   * @param path - an absolute path.
   * @throws TypeError if the path is not absolute; Error if it or an ancestor is a file.
   */
  addDirectory(path: string): void {
    this.#fs.addDirectory(path);
  }

  /**
   * Sets a file's contents at once (not a call), creating it (mode 0644, nlink 1) and missing directories.
   *
   * @param path - an absolute path.
   * @param data - the bytes, or a string written as UTF-8.
   * @remarks An existing file keeps its inode: descriptors open on it see the new contents.
   * @throws TypeError if the path is not absolute; Error if it is a directory.
   */
  writeFile(path: string, data: Uint8Array | string): void {
    this.#fs.writeFile(path, data);
  }

  /**
   * Reads a file's contents at once (not a call).
   *
   * @param path - the file's name.
   * @returns a copy of the bytes, or undefined if no file has that name.
   */
  readFile(path: string): Buffer | undefined {
    return this.#fs.readFile(path);
  }

  /**
   * Lists a directory at once (not a call). Anonymous (unlinked) files do not show.
   *
   * @param path - the directory.
   * @returns the names of its files and subdirectories, sorted.
   * @throws Error if `path` is not a directory.
   */
  listDirectory(path: string): string[] {
    return this.#fs.listDirectory(path);
  }

  /** @returns the descriptor numbers open now, ascending. */
  openDescriptors(): number[] {
    return this.#fs.descriptors();
  }

  /**
   * Completes the oldest pending call that is not hung.
   *
   * @returns the call completed, or undefined if there was none.
   * @remarks Its callback runs before completeNext() returns. Works under any completion policy.
   */
  completeNext(): ScriptedCall | undefined {
    return this.#registry.completeNext();
  }

  /**
   * Completes pending calls, oldest first, until none is left but hung ones, including calls that callbacks issue
   * meanwhile.
   *
   * @param limit - the most calls to complete (default 10000): a guard against callbacks that issue calls forever.
   * @returns how many calls it completed.
   * @throws Error if `limit` calls were completed and more are pending; RangeError for a bad `limit`.
   */
  completeAll(limit: number = DEFAULT_COMPLETE_ALL_LIMIT): number {
    return this.#registry.completeAll(limit);
  }

  /**
   * Opens an existing file on the lowest free descriptor, recording `mode` for it.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: ENOENT, EISDIR (`open`, with `path`).
   */
  openExisting(path: string, mode: OpenMode, callback: EngineCallback<number>): EngineRequest | undefined {
    expectPath('path', path);
    expectOpenMode('mode', mode);
    const spec = { kind: 'openExisting', syscall: 'open', args: `'${path}', ${mode}`, path } as const;
    return this.#registry.issue(spec, callback, () => this.#fs.openExisting(path, mode));
  }

  /**
   * Creates an unnamed read-write file in `directory` (nlink 0, mode 0600) on the lowest free descriptor.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: ENOENT, ENOTDIR (`open`, with `path`).
   */
  createAnonymous(directory: string, callback: EngineCallback<number>): EngineRequest | undefined {
    expectPath('directory', directory);
    const spec = { kind: 'createAnonymous', syscall: 'open', args: `'${directory}'`, path: directory } as const;
    return this.#registry.issue(spec, callback, () => this.#fs.createAnonymous(directory));
  }

  /**
   * Opens a new descriptor (the lowest free) for the file open at `fd`, recording `mode` for it.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError or RangeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: EBADF (`open`).
   */
  duplicate(fd: number, mode: OpenMode, callback: EngineCallback<number>): EngineRequest | undefined {
    expectFd('fd', fd);
    expectOpenMode('mode', mode);
    const spec = { kind: 'duplicate', syscall: 'open', args: `fd ${fd}, ${mode}`, fd } as const;
    return this.#registry.issue(spec, callback, () => this.#fs.duplicate(fd, mode));
  }

  /**
   * Closes `fd`, freeing its number for the next open.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError or RangeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: EBADF (`close`).
   */
  close(fd: number, callback: EngineCallback<void>): EngineRequest | undefined {
    expectFd('fd', fd);
    const spec = { kind: 'close', syscall: 'close', args: `fd ${fd}`, fd } as const;
    return this.#registry.issue(spec, callback, () => this.#fs.close(fd));
  }

  /**
   * Reads up to `length` bytes at `position` into `buffer[offset...]`, when the call completes.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError or RangeError (a range outside `buffer`) for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: EBADF, also for a write-only descriptor (`read`). Result: bytes read, short at the end, 0 at or after it.
   */
  read(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
    callback: EngineCallback<number>,
  ): EngineRequest | undefined {
    this.#expectIo(fd, buffer, offset, length, position);
    const spec = { kind: 'read', syscall: 'read', args: `fd ${fd}, ${length} B @ ${position}`, fd } as const;
    return this.#registry.issue(spec, callback, () => this.#fs.read(fd, buffer, offset, length, position));
  }

  /**
   * Writes `buffer[offset, offset + length)` at `position`, reading the buffer when the call completes; grows the file.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError or RangeError (a range outside `buffer`) for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: EBADF, also for a read-only descriptor; EFBIG at or past `maxFileBytes` (`write`). Result: min(length,
   * `maxWriteBytes`, `maxFileBytes - position`) bytes written.
   */
  write(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
    callback: EngineCallback<number>,
  ): EngineRequest | undefined {
    this.#expectIo(fd, buffer, offset, length, position);
    const spec = { kind: 'write', syscall: 'write', args: `fd ${fd}, ${length} B @ ${position}`, fd } as const;
    const { maxWriteBytes } = this.#options;
    const execute = (): number => this.#fs.write(fd, buffer, offset, length, position, maxWriteBytes);
    return this.#registry.issue(spec, callback, execute);
  }

  /**
   * Reports size, mode (with S_IFREG), ino, nlink, dev 1 and a logical mtimeMs of the file open at `fd`.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError or RangeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: EBADF (`fstat`).
   */
  fstat(fd: number, callback: EngineCallback<FileStats>): EngineRequest | undefined {
    expectFd('fd', fd);
    const spec = { kind: 'fstat', syscall: 'fstat', args: `fd ${fd}`, fd } as const;
    return this.#registry.issue(spec, callback, () => this.#fs.fstat(fd));
  }

  /**
   * Sets the length of the file open at `fd`: cuts it, or extends it with zeros.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError or RangeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: EBADF, EINVAL for a read-only descriptor, EFBIG past `maxFileBytes` (`ftruncate`).
   */
  truncate(fd: number, length: number, callback: EngineCallback<void>): EngineRequest | undefined {
    expectFd('fd', fd);
    expectInteger('length', length, 0);
    const spec = { kind: 'truncate', syscall: 'ftruncate', args: `fd ${fd}, ${length}`, fd } as const;
    return this.#registry.issue(spec, callback, () => this.#fs.truncate(fd, length));
  }

  /**
   * Checks `fd` (there is nothing to flush).
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError or RangeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: EBADF (`fsync`).
   */
  sync(fd: number, callback: EngineCallback<void>): EngineRequest | undefined {
    expectFd('fd', fd);
    const spec = { kind: 'sync', syscall: 'fsync', args: `fd ${fd}`, fd } as const;
    return this.#registry.issue(spec, callback, () => this.#fs.sync(fd));
  }

  /**
   * Gives the file open at `fd` (anonymous too) the name `newPath`, adding a link.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError or RangeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: EBADF, EEXIST, ENOENT (`link`, with `path` newPath).
   */
  link(fd: number, newPath: string, callback: EngineCallback<void>): EngineRequest | undefined {
    expectFd('fd', fd);
    expectPath('newPath', newPath);
    const spec = { kind: 'link', syscall: 'link', args: `fd ${fd}, '${newPath}'`, fd, path: newPath } as const;
    return this.#registry.issue(spec, callback, () => this.#fs.link(fd, newPath));
  }

  /**
   * Reports a file or directory by path.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: ENOENT (`stat`, with `path`).
   */
  stat(path: string, callback: EngineCallback<FileStats>): EngineRequest | undefined {
    expectPath('path', path);
    const spec = { kind: 'stat', syscall: 'stat', args: `'${path}'`, path } as const;
    return this.#registry.issue(spec, callback, () => this.#fs.stat(path));
  }

  /**
   * Removes a name, taking a link from its file; open descriptors keep the file.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: ENOENT, EISDIR (`unlink`, with `path`).
   */
  unlink(path: string, callback: EngineCallback<void>): EngineRequest | undefined {
    expectPath('path', path);
    const spec = { kind: 'unlink', syscall: 'unlink', args: `'${path}'`, path } as const;
    return this.#registry.issue(spec, callback, () => this.#fs.unlink(path));
  }

  /**
   * Renames a file, replacing `to` if it exists (directories cannot be renamed here).
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: ENOENT, EISDIR (`rename`, with `path` from and `dest` to).
   */
  rename(from: string, to: string, callback: EngineCallback<void>): EngineRequest | undefined {
    expectPath('from', from);
    expectPath('to', to);
    const spec = { kind: 'rename', syscall: 'rename', args: `'${from}', '${to}'`, path: from, dest: to } as const;
    return this.#registry.issue(spec, callback, () => this.#fs.rename(from, to));
  }

  /**
   * Creates `path` exclusively, writes `buffer[offset, offset + length)` at position 0 and closes it, all at the
   * call's completion; all or nothing: a short write (`maxWriteBytes` below `length`) removes the file again and
   * reports EIO, or EFBIG where `length` is past `maxFileBytes`.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError or RangeError for a bad argument; the callback is then never called.
   * @remarks Errors: EEXIST, ENOENT (a missing directory) as `open`; EIO as `write`. Result: `length`.
   */
  writeNewFile(
    path: string,
    buffer: Uint8Array,
    offset: number,
    length: number,
    callback: EngineCallback<number>,
  ): EngineRequest | undefined {
    expectPath('path', path);
    expectBufferRange(buffer, offset, length);
    const spec = { kind: 'writeNewFile', syscall: 'open', args: `'${path}', ${length} B`, path } as const;
    return this.#registry.issue(spec, callback, () => {
      const memory = this.#fs;
      if (memory.exists(path)) throw createErrnoError('EEXIST', 'open', path);
      let fd: number;
      try {
        fd = memory.createAnonymous(posix.dirname(path));
      } catch {
        throw createErrnoError('ENOENT', 'open', path);
      }
      try {
        memory.link(fd, path);
        let written: number;
        try {
          written = memory.write(fd, buffer, offset, length, 0, this.#options.maxWriteBytes);
        } catch (error) {
          memory.unlink(path); // all or nothing
          throw error;
        }
        if (written < length) {
          memory.unlink(path);
          // short at the size limit: the next write would fail with EFBIG, which is what node-fs and io_uring report
          throw createErrnoError(length > memory.maxFileBytes ? 'EFBIG' : 'EIO', 'write', path);
        }
        return written;
      } finally {
        memory.close(fd);
      }
    });
  }

  /**
   * The fast path of a manager's `syncThresholdBytes`: a read done at once, or declined, as the `now` option says.
   *
   * @returns the bytes read, or WOULD_BLOCK (-1) when declined.
   * @throws TypeError or RangeError for a bad argument; an errno error for a failure (EBADF, or what `now` returned).
   * @remarks A call done at once is checked like any call (a descriptor that is not open is a violation) and listed
   *   in `nowCalls`; a declined one leaves no trace.
   */
  readNow(fd: number, buffer: Uint8Array, offset: number, length: number, position: number, noWait: boolean): number {
    return this.#now('read', fd, buffer, offset, length, position, noWait);
  }

  /** The fast path of a write: as {@link readNow}; writes at most `maxWriteBytes`. */
  writeNow(fd: number, buffer: Uint8Array, offset: number, length: number, position: number, noWait: boolean): number {
    return this.#now('write', fd, buffer, offset, length, position, noWait);
  }

  #now(
    kind: 'read' | 'write',
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
    noWait: boolean,
  ): number {
    this.#expectIo(fd, buffer, offset, length, position);
    const policy = this.#options.now;
    const decision = typeof policy === 'function' ? policy({ kind, fd, length, position, noWait }) : policy;
    if (decision === 'decline') return WOULD_BLOCK;
    if (decision !== 'complete' && !isErrnoCode(decision)) {
      throw new TypeError(
        `Expected the \`now\` policy to return 'decline', 'complete' or an errno name, got \`${String(decision)}\``,
      );
    }
    const label = `now ${kind}(fd ${fd}, ${length} B @ ${position})`;
    rememberRecent(this.nowCalls as string[], label, this.#options.callHistory);
    if (this.#fs.openFile(fd) === undefined) {
      (this.violations as string[]).push(`${label} was done on descriptor ${fd}, which was not open`);
    }
    if (decision !== 'complete') throw createErrnoError(decision, kind);
    return kind === 'read'
      ? this.#fs.read(fd, buffer, offset, length, position)
      : this.#fs.write(fd, buffer, offset, length, position, this.#options.maxWriteBytes);
  }

  #expectIo(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): void {
    expectFd('fd', fd);
    expectBufferRange(buffer, offset, length);
    expectInteger('position', position, 0);
  }
}

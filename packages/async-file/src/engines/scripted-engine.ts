import {
  type FileCallback,
  type EngineRequest,
  type FileEngine,
  type FileStats,
  type OpenMode,
} from '../file-engine.js';
import { expectBufferRange, expectFd, expectInteger, expectOpenMode, expectPath } from '../internal/validate.js';
import type { EngineCapabilities } from '../engine-capabilities.js';
import { runNowCall } from './scripted/now-call.js';
import { ScriptedEngineControls } from './scripted/scripted-engine-controls.js';
import type { ScriptedEngineOptions } from './scripted/scripted-engine-options.js';

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
export class ScriptedEngine extends ScriptedEngineControls implements FileEngine {
  /** Always `scripted`. */
  readonly name = 'scripted';
  /** What it can do: the fast path (with `noWait` too), writeNewFile; no O_DIRECT; cancel unless `cancelable: false`. */
  readonly capabilities: EngineCapabilities;

  /**
   * Creates an engine with an empty file system (only `/` exists).
   *
   * @param options - completion policy, fault injection, cancel support, partial writes; all optional.
   * @throws TypeError or RangeError naming the option and the value received.
   */
  constructor(options?: ScriptedEngineOptions) {
    super(options);
    this.capabilities = {
      syncCalls: true,
      noWaitCalls: true,
      directIo: 'the scripted engine has no O_DIRECT',
      writeNewFile: true,
      linkedChains: 'the scripted engine completes every call on its own',
      cancelableCalls: this.options.cancelable ? true : 'the scripted engine was created with `cancelable: false`',
    };
  }

  /**
   * Opens an existing file on the lowest free descriptor, recording `mode` for it.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: ENOENT, EISDIR (`open`, with `path`).
   */
  openExisting(path: string, mode: OpenMode, callback: FileCallback<number>): EngineRequest | undefined {
    expectPath('path', path);
    expectOpenMode('mode', mode);
    const spec = { kind: 'openExisting', syscall: 'open', args: `'${path}', ${mode}`, path } as const;
    return this.registry.issue(spec, callback, () => this.memory.openExisting(path, mode));
  }

  /**
   * Creates an unnamed read-write file in `directory` (nlink 0, mode 0600) on the lowest free descriptor.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: ENOENT, ENOTDIR (`open`, with `path`).
   */
  createAnonymous(directory: string, callback: FileCallback<number>): EngineRequest | undefined {
    expectPath('directory', directory);
    const spec = { kind: 'createAnonymous', syscall: 'open', args: `'${directory}'`, path: directory } as const;
    return this.registry.issue(spec, callback, () => this.memory.createAnonymous(directory));
  }

  /**
   * Opens a new descriptor (the lowest free) for the file open at `fd`, recording `mode` for it.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError or RangeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: EBADF (`open`).
   */
  duplicate(fd: number, mode: OpenMode, callback: FileCallback<number>): EngineRequest | undefined {
    expectFd('fd', fd);
    expectOpenMode('mode', mode);
    const spec = { kind: 'duplicate', syscall: 'open', args: `fd ${fd}, ${mode}`, fd } as const;
    return this.registry.issue(spec, callback, () => this.memory.duplicate(fd, mode));
  }

  /**
   * Closes `fd`, freeing its number for the next open.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError or RangeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: EBADF (`close`). An injected failure (`inject`, `call.fail()`) still releases the descriptor, as a close
   * on Linux does whatever it reports, and then reports the error.
   */
  close(fd: number, callback: FileCallback<void>): EngineRequest | undefined {
    expectFd('fd', fd);
    const spec = { kind: 'close', syscall: 'close', args: `fd ${fd}`, fd } as const;
    return this.registry.issue(spec, callback, () => this.memory.close(fd));
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
    callback: FileCallback<number>,
  ): EngineRequest | undefined {
    this.#expectIo(fd, buffer, offset, length, position);
    const spec = { kind: 'read', syscall: 'read', args: `fd ${fd}, ${length} B @ ${position}`, fd } as const;
    return this.registry.issue(spec, callback, () => this.memory.read(fd, buffer, offset, length, position));
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
    callback: FileCallback<number>,
  ): EngineRequest | undefined {
    this.#expectIo(fd, buffer, offset, length, position);
    const spec = { kind: 'write', syscall: 'write', args: `fd ${fd}, ${length} B @ ${position}`, fd } as const;
    const { maxWriteBytes } = this.options;
    const execute = (): number => this.memory.write(fd, buffer, offset, length, position, maxWriteBytes);
    return this.registry.issue(spec, callback, execute);
  }

  /**
   * Reports size, mode (with S_IFREG), ino, nlink, dev 1 and a logical mtimeMs of the file open at `fd`.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError or RangeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: EBADF (`fstat`).
   */
  fstat(fd: number, callback: FileCallback<FileStats>): EngineRequest | undefined {
    expectFd('fd', fd);
    const spec = { kind: 'fstat', syscall: 'fstat', args: `fd ${fd}`, fd } as const;
    return this.registry.issue(spec, callback, () => this.memory.fstat(fd));
  }

  /**
   * Sets the length of the file open at `fd`: cuts it, or extends it with zeros.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError or RangeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: EBADF, EINVAL for a read-only descriptor, EFBIG past `maxFileBytes` (`ftruncate`).
   */
  truncate(fd: number, length: number, callback: FileCallback<void>): EngineRequest | undefined {
    expectFd('fd', fd);
    expectInteger('length', length, 0);
    const spec = { kind: 'truncate', syscall: 'ftruncate', args: `fd ${fd}, ${length}`, fd } as const;
    return this.registry.issue(spec, callback, () => this.memory.truncate(fd, length));
  }

  /**
   * Checks `fd` (there is nothing to flush).
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError or RangeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: EBADF (`fsync`).
   */
  sync(fd: number, callback: FileCallback<void>): EngineRequest | undefined {
    expectFd('fd', fd);
    const spec = { kind: 'sync', syscall: 'fsync', args: `fd ${fd}`, fd } as const;
    return this.registry.issue(spec, callback, () => this.memory.sync(fd));
  }

  /**
   * Gives the file open at `fd` (anonymous too) the name `newPath`, adding a link.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError or RangeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: EBADF, EEXIST, ENOENT (`link`, with `path` newPath).
   */
  link(fd: number, newPath: string, callback: FileCallback<void>): EngineRequest | undefined {
    expectFd('fd', fd);
    expectPath('newPath', newPath);
    const spec = { kind: 'link', syscall: 'link', args: `fd ${fd}, '${newPath}'`, fd, path: newPath } as const;
    return this.registry.issue(spec, callback, () => this.memory.link(fd, newPath));
  }

  /**
   * Reports a file or directory by path.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: ENOENT (`stat`, with `path`).
   */
  stat(path: string, callback: FileCallback<FileStats>): EngineRequest | undefined {
    expectPath('path', path);
    const spec = { kind: 'stat', syscall: 'stat', args: `'${path}'`, path } as const;
    return this.registry.issue(spec, callback, () => this.memory.stat(path));
  }

  /**
   * Removes a name, taking a link from its file; open descriptors keep the file.
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: ENOENT, EISDIR (`unlink`, with `path`).
   */
  unlink(path: string, callback: FileCallback<void>): EngineRequest | undefined {
    expectPath('path', path);
    const spec = { kind: 'unlink', syscall: 'unlink', args: `'${path}'`, path } as const;
    return this.registry.issue(spec, callback, () => this.memory.unlink(path));
  }

  /**
   * Renames a file, replacing `to` if it exists (directories cannot be renamed here).
   *
   * @returns a request whose cancel() ends the call with ECANCELED while it is pending; undefined if not cancelable.
   * @throws TypeError for a bad argument; the callback is then never called.
   * @remarks The effect applies when the call completes; the callback runs once, per the completion policy.
   * Errors: ENOENT, EISDIR (`rename`, with `path` from and `dest` to).
   */
  rename(from: string, to: string, callback: FileCallback<void>): EngineRequest | undefined {
    expectPath('from', from);
    expectPath('to', to);
    const spec = { kind: 'rename', syscall: 'rename', args: `'${from}', '${to}'`, path: from, dest: to } as const;
    return this.registry.issue(spec, callback, () => this.memory.rename(from, to));
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
    callback: FileCallback<number>,
  ): EngineRequest | undefined {
    expectPath('path', path);
    expectBufferRange(buffer, offset, length);
    const spec = { kind: 'writeNewFile', syscall: 'open', args: `'${path}', ${length} B`, path } as const;
    const { maxWriteBytes } = this.options;
    return this.registry.issue(spec, callback, () =>
      this.memory.writeNewFile(path, buffer, offset, length, maxWriteBytes),
    );
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
    const request = { kind, fd, length, position, noWait };
    return runNowCall(this.memory, this.options, this.nowCalls, this.violations, request, buffer, offset);
  }

  #expectIo(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): void {
    expectFd('fd', fd);
    expectBufferRange(buffer, offset, length);
    expectInteger('position', position, 0);
  }
}

import { describeValue, type AsyncOp } from 'async-op';
import type { BufferAllocator } from './buffer-pool.js';
import type { AsyncFileManagerOptions, NewFileHandleOptions } from './file-manager-options.js';
import type { FileCallback } from './file-callback.js';
import type { FileStats } from './file-engine.js';
import { AsyncFileHandle } from './file-handle.js';
import { FileErrorCode } from './file-handle-error.js';
import { FileStateError } from './file-state-error.js';
import type { ManagerActionOptions } from './action-settlement.js';
import { RENAME, STAT_PATH, UNLINK, WRITE_NEW_FILE } from './internal/action-steps.js';
import type { ActionStep, FileAction } from './internal/file-action.js';
import { expectHandleThreshold, managerSetup } from './internal/manager-settings.js';
import type { ReadBufferSource } from './internal/read-buffer-source.js';
import { Scheduler } from './internal/scheduler.js';

import { expectFunction, expectIoBuffer, expectPath } from './internal/validate.js';

/**
 * Runs file actions with at most `concurrency` in flight, in FIFO order, with chaining per handle.
 *
 * @remarks
 * Long-lived: one per process is typical. Every action is an enqueue: it returns the caller's AsyncOp reference at
 * once (or throws), and its callback runs exactly once later unless it is canceled first. Whatever the engine does,
 * a call that throws is contained: it becomes that action's error (see FileActionError), its slot is freed, and
 * whenIdle() and close() still resolve. An action enqueued from
 * inside a callback of the same handle takes over the slot that just finished, ahead of the FIFO, so with chaining at
 * most `concurrency` files are open at once, whatever the number of requests.
 *
 * @example
 * ```ts
 * const manager = new AsyncFileManager({ concurrency: 4 });
 * const file = manager.newFileHandle();
 * file.openExistingFile('/etc/hostname', 'read', (error) => {
 *   if (error) return console.error(error);
 *   file.read(0, 100, (readError, bytes) => {
 *     console.log(readError ?? bytes.toString());
 *     file.close(() => undefined).release(); // chained: runs next in this slot
 *   }).release();
 * }).release();
 * ```
 */
export class AsyncFileManager {
  private readonly scheduler: Scheduler;
  /** Where read results come from and go back to (releaseBuffer). */
  private readonly buffers: ReadBufferSource;
  /** The promise of the first close(), returned by every later one. */
  private closing: Promise<void> | undefined;
  /** Why this engine runs the actions, in one line (with `'auto'`: why io_uring was or was not chosen). */
  readonly engineReason: string;

  /**
   * @param options - concurrency, engine, trace and the fast path; every one optional.
   * @throws TypeError/RangeError for a bad option, naming the value received; TypeError for an engine that does not
   *   implement FileEngine, naming the first method missing.
   */
  constructor(options: AsyncFileManagerOptions = {}) {
    const { engine, engineReason, settings } = managerSetup(options);
    this.engineReason = engineReason;
    this.buffers = settings.buffers;
    this.scheduler = new Scheduler(engine, settings);
  }

  /** The fast-path threshold of new handles, in bytes (0: off). */
  get syncThresholdBytes(): number {
    return this.scheduler.syncThreshold;
  }

  /** Whether the fast path uses the never-blocking cache probe. */
  get cacheProbe(): boolean {
    return this.scheduler.noWait;
  }

  /** The read buffer allocator, or undefined (the built-in slabs). */
  get readBuffers(): BufferAllocator | undefined {
    return this.buffers.allocator;
  }

  /**
   * Gives a read's result back to the `readBuffers` allocator once you are done with it: the memory may then be handed
   * to another read at once, so do not touch the buffer afterwards. Without an allocator it does nothing (the
   * built-in buffers are never reused), nor for an O_DIRECT read's result (allocated aligned, outside the allocator).
   *
   * @throws TypeError for a value that is not a Uint8Array; the allocator's error for a buffer it did not hand out
   *   or that was released already (BufferPool throws a TypeError).
   */
  releaseBuffer(buffer: Uint8Array): void {
    if (!(buffer instanceof Uint8Array)) {
      throw new TypeError(`Expected \`buffer\` to be a Uint8Array or Buffer, got ${describeValue(buffer)}`);
    }
    this.buffers.release(buffer);
  }

  /**
   * This manager's id, unique in the process: the `managerId` of its trace events and of the messages on
   * {@link AsyncFileChannels}.
   */
  get id(): number {
    return this.scheduler.events.managerId;
  }

  /** The engine's name: `node-fs`, `scripted`, ... */
  get engineName(): string {
    return this.scheduler.engine.name;
  }

  /** The maximum number of actions in flight. */
  get concurrency(): number {
    return this.scheduler.concurrency;
  }

  /** Actions executing now (slots in use). */
  get activeCount(): number {
    return this.scheduler.activeCount;
  }

  /** Actions waiting in the FIFO for a slot. */
  get queuedCount(): number {
    return this.scheduler.queuedCount;
  }

  /** Actions not finished yet, in any phase (waiting, queued, executing, canceled but still running, undoing). */
  get pendingCount(): number {
    return this.scheduler.outstandingCount;
  }

  /**
   * A new handle, holding no file yet.
   *
   * @param options - its own `syncThresholdBytes` (default: the manager's).
   * @throws FileStateError (`ERR_FILE_MANAGER_CLOSED`) after close(); TypeError/RangeError for a bad option.
   */
  newFileHandle(options: NewFileHandleOptions = {}): AsyncFileHandle {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
    }
    const { syncThresholdBytes } = options;
    expectHandleThreshold(syncThresholdBytes, this.scheduler.engine);
    this.expectOpen('newFileHandle');
    return new AsyncFileHandle(this.scheduler, this.scheduler.nextHandleId(), syncThresholdBytes);
  }

  /** Whether close() was called. */
  get isClosed(): boolean {
    return this.scheduler.isClosed;
  }

  /**
   * Refuses every new action from now on (they throw `ERR_FILE_MANAGER_CLOSED`), resolves once every action already
   * enqueued has finished, then disposes of the engine (FileEngine's optional `[Symbol.dispose]`: an io_uring engine
   * closes its ring; node-fs has nothing to release).
   *
   * @remarks Idempotent: every call returns the same promise. Actions already enqueued run and call back as usual,
   *   and handles can still be aborted (their close runs). Close or abort your handles first: an open file keeps its
   *   descriptor until its handle closes it.
   */
  close(): Promise<void> {
    if (this.closing === undefined) {
      this.scheduler.refuseNewActions();
      this.closing = this.scheduler.whenIdle().then(() => {
        const engine = this.scheduler.engine;
        engine[Symbol.dispose]?.();
      });
    }
    return this.closing;
  }

  private expectOpen(action: string): void {
    if (this.scheduler.isClosed) {
      throw new FileStateError(FileErrorCode.MANAGER_CLOSED, `Cannot ${action}: the file manager was closed`);
    }
  }

  /**
   * stat(2) by path.
   *
   * @throws TypeError for a bad path, options or callback; FileHandleError `ERR_FILE_MANAGER_CLOSED` after close().
   */
  stat(path: string, callback: FileCallback<FileStats>): AsyncOp<unknown>;
  /**
   * stat(2) by path.
   *
   * @param options - optional (an object before the callback): `onSettledAfterCancel` (see
   *   {@link ManagerActionOptions}).
   * @throws TypeError for a bad path, options or callback; FileStateError `ERR_FILE_MANAGER_CLOSED` after close().
   */
  stat(path: string, options: ManagerActionOptions, callback: FileCallback<FileStats>): AsyncOp<unknown>;
  stat(path: string, ...rest: [unknown, unknown?]): AsyncOp<unknown> {
    expectPath('path', path);
    const action = this.createAction(STAT_PATH, 'stat', rest);
    action.path = path;
    return this.scheduler.enqueue(action);
  }

  /**
   * unlink(2).
   *
   * @throws TypeError for a bad path, options or callback; FileHandleError `ERR_FILE_MANAGER_CLOSED` after close().
   * @remarks Canceled while executing, the system call may still take effect (it cannot be undone).
   */
  unlink(path: string, callback: FileCallback<void>): AsyncOp<unknown>;
  /**
   * unlink(2).
   *
   * @param options - optional (an object before the callback): `onSettledAfterCancel` tells, after a cancel, whether
   *   the name was removed after all (see {@link ManagerActionOptions}).
   * @throws TypeError for a bad path, options or callback; FileStateError `ERR_FILE_MANAGER_CLOSED` after close().
   * @remarks Canceled while executing, the system call may still take effect (it cannot be undone).
   */
  unlink(path: string, options: ManagerActionOptions, callback: FileCallback<void>): AsyncOp<unknown>;
  unlink(path: string, ...rest: [unknown, unknown?]): AsyncOp<unknown> {
    expectPath('path', path);
    const action = this.createAction(UNLINK, 'unlink', rest);
    action.path = path;
    return this.scheduler.enqueue(action);
  }

  /**
   * rename(2): atomically replaces `to` if it exists.
   *
   * @throws TypeError for a bad path, options or callback; FileHandleError `ERR_FILE_MANAGER_CLOSED` after close().
   * @remarks Canceled while executing, the system call may still take effect (it cannot be undone).
   */
  rename(from: string, to: string, callback: FileCallback<void>): AsyncOp<unknown>;
  /**
   * rename(2): atomically replaces `to` if it exists.
   *
   * @param options - optional (an object before the callback): `onSettledAfterCancel` tells, after a cancel, whether
   *   the rename happened after all (see {@link ManagerActionOptions}).
   * @throws TypeError for a bad path, options or callback; FileStateError `ERR_FILE_MANAGER_CLOSED` after close().
   * @remarks Canceled while executing, the system call may still take effect (it cannot be undone).
   */
  rename(from: string, to: string, options: ManagerActionOptions, callback: FileCallback<void>): AsyncOp<unknown>;
  rename(from: string, to: string, ...rest: [unknown, unknown?]): AsyncOp<unknown> {
    expectPath('from', from);
    expectPath('to', to);
    const action = this.createAction(RENAME, 'rename', rest);
    action.path = from;
    action.toPath = to;
    return this.scheduler.enqueue(action);
  }

  /**
   * Creates `path` (it must not exist), writes all of `data` and closes it, as ONE action in one slot. On io_uring the
   * three steps go to the kernel as one linked chain on a direct descriptor, in one submission.
   *
   * @param callback - receives the bytes written (`data.length`), or the error: EEXIST (the existing file is left
   *   alone), ENOENT (no such directory), EACCES, ENOSPC, EFBIG...
   * @throws TypeError for a bad path, options or callback, data that is not a Uint8Array or is detached, or an engine
   *   without writeNewFile (the scripted engine, node-fs and io_uring have it); RangeError for data over 2^31 - 1
   *   bytes; FileHandleError `ERR_FILE_MANAGER_CLOSED` after close().
   * @remarks All or nothing: on success the file exists with every byte; on a failure no file is left behind. Canceled
   *   before it started, nothing happens; canceled while executing, there is no callback and a file it created is
   *   removed again. The file gets mode 0o666 less the umask. Data detached before the action starts fails it with a
   *   FileActionError `ERR_FILE_BUFFER_DETACHED` (no file is created).
   */
  writeNewFile(path: string, data: Uint8Array, callback: FileCallback<number>): AsyncOp<unknown>;
  /**
   * Creates `path` (it must not exist), writes all of `data` and closes it, as ONE action in one slot. On io_uring the
   * three steps go to the kernel as one linked chain on a direct descriptor, in one submission.
   *
   * @param options - optional (an object before the callback): `onSettledAfterCancel` (see
   *   {@link ManagerActionOptions}; `undone` when the file was created and then removed).
   * @param callback - receives the bytes written (`data.length`), or the error: EEXIST (the existing file is left
   *   alone), ENOENT (no such directory), EACCES, ENOSPC, EFBIG...
   * @throws TypeError for a bad path, options or callback, data that is not a Uint8Array or is detached, or an engine
   *   without the capability `writeNewFile` (the scripted engine, node-fs and io_uring have it); RangeError for data
   *   over 2^31 - 1 bytes; FileStateError `ERR_FILE_MANAGER_CLOSED` after close().
   * @remarks All or nothing: on success the file exists with every byte; on a failure no file is left behind. Canceled
   *   before it started, nothing happens; canceled while executing, there is no callback and a file it created is
   *   removed again. The file gets mode 0o666 less the umask. Data detached before the action starts fails it with a
   *   FileActionError `ERR_FILE_BUFFER_DETACHED` (no file is created).
   */
  writeNewFile(
    path: string,
    data: Uint8Array,
    options: ManagerActionOptions,
    callback: FileCallback<number>,
  ): AsyncOp<unknown>;
  writeNewFile(path: string, data: Uint8Array, ...rest: [unknown, unknown?]): AsyncOp<unknown> {
    expectPath('path', path);
    expectIoBuffer('data', data);
    const engine = this.scheduler.engine;
    const support = engine.capabilities.writeNewFile;
    if (support !== true) {
      throw new TypeError(
        `Expected the engine to implement writeNewFile (capability \`writeNewFile\`), got engine '${engine.name}' without it: ${support}`,
      );
    }
    const action = this.createAction(WRITE_NEW_FILE, 'writeNewFile', rest);
    action.path = path;
    action.buffer = data;
    action.length = data.length;
    return this.scheduler.enqueue(action);
  }

  /**
   * The action of a manager-level method, from its trailing arguments: `(callback)` or `(options, callback)` (an
   * object is the options, anything else the callback, checked as such).
   *
   * @throws TypeError for bad options or callback; FileStateError after close().
   */
  private createAction(step: ActionStep, kind: string, rest: [unknown, unknown?]): FileAction {
    const [first, second] = rest;
    const hasOptions = typeof first === 'object' && first !== null;
    const callback = hasOptions ? second : first;
    const onSettled = hasOptions ? (first as ManagerActionOptions).onSettledAfterCancel : undefined;
    if (onSettled !== undefined && typeof onSettled !== 'function') {
      throw new TypeError(
        `Expected \`onSettledAfterCancel\` to be a function or undefined, got ${describeValue(onSettled)}`,
      );
    }
    expectFunction('callback', callback);
    this.expectOpen(kind);
    const action = this.scheduler.create(step, null, callback as FileCallback<unknown>);
    action.onSettled = onSettled;
    return action;
  }

  /** Resolves once no action of this manager is left in any phase (useful before a process or test ends). */
  whenIdle(): Promise<void> {
    return this.scheduler.whenIdle();
  }
}

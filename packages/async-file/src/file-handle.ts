import type { AsyncOp } from 'async-op';
import type { FileCallback } from './file-callback.js';
import type { DirectIoAlignment, FileStats, OpenMode } from './file-engine.js';
import { FileErrorCode } from './file-handle-error.js';
import { FileStateError } from './file-state-error.js';
import {
  CLOSE,
  CREATE_ANONYMOUS,
  CREATE_HARD_LINK,
  DUPLICATE,
  FSTAT,
  OPEN_EXISTING,
  READ,
  READ_INTO,
  SYNC,
  TRUNCATE,
  WRITE,
} from './internal/action-steps.js';
import { expectAligned, expectOpenOptions } from './internal/direct-io-rules.js';
import type { ActionHandle, ActionStep, FileAction } from './internal/file-action.js';
import { HandleRecord } from './internal/handle-record.js';
import type { Scheduler } from './internal/scheduler.js';
import { expectFunction, expectInteger, expectIoBuffer, expectOpenMode, expectPath } from './internal/validate.js';

export type { FileCallback } from './file-callback.js';

/** Options of {@link AsyncFileHandle.openExistingFile}. */
export interface OpenFileOptions {
  /**
   * Open with O_DIRECT: reads and writes bypass the page cache and go straight between the disk and the buffer. Every
   * offset and length must then be a multiple of the file's {@link DirectIoAlignment.offset}, and a write's buffer must
   * start at a multiple of {@link DirectIoAlignment.memory} in memory ({@link allocateAlignedBuffer} makes such
   * buffers); read buffers are allocated aligned. Both are checked when the action is called (a RangeError saying
   * what is required). Reads and writes of such a file never take the fast path. Needs the native addon and an
   * engine with `directIoAlignment` (node-fs and io_uring); a file system without O_DIRECT fails the open (EINVAL).
   * Default false.
   */
  readonly direct?: boolean | undefined;
}

/** The largest read one action allocates for: 2 GiB - 1, as Node's fs.read allows. */
const MAX_READ_LENGTH = 0x7fffffff;

/**
 * A context that holds at most one open file, and runs actions on it through its manager.
 *
 * @remarks
 * Every action returns the caller's AsyncOp reference (cancel with it, release it once) or throws synchronously:
 * a TypeError/RangeError for bad arguments, a {@link FileStateError} when the handle is aborted, already has an action
 * pending, or is not in the right open/closed state, or its manager was closed. If it returned, its callback runs exactly once, later (never
 * before the action method returns with the node-fs engine), unless the action is canceled first: after cancel()
 * returns, the callback never runs. An engine that throws instead of reporting does not break this: the action fails
 * with that error (or a `FileActionError` `ERR_FILE_ENGINE_FAILED`), through the callback, later. One action at a
 * time: the next one is best enqueued from inside the callback, which chains it into the slot that just finished.
 *
 * Cancel by phase: still queued, the action never runs; executing, it finishes (the engine may skip it) and its
 * effect is undone where an undo exists (an opened or duplicated file is closed, a created hard link removed); after its
 * callback, cancel does nothing. A close always runs; canceling it only drops its callback.
 */
export class AsyncFileHandle implements AsyncDisposable {
  /** The open descriptor and the actions of this handle: written by the scheduler and the steps, read here. */
  private readonly record: ActionHandle;
  private isAbortedFlag = false;

  /** @internal Created by AsyncFileManager.newFileHandle() or by duplicate(). */
  constructor(
    private readonly scheduler: Scheduler,
    id: number,
    /** This handle's own fast-path threshold; undefined: the manager's. */
    private readonly syncThreshold?: number | undefined,
  ) {
    this.record = new HandleRecord<FileAction>(id, this);
  }

  /** Unique per manager; appears in trace events. */
  get id(): number {
    return this.record.id;
  }

  /** Reads and writes of at most this many bytes take the fast path (0: off): the handle's own, else its manager's. */
  get syncThresholdBytes(): number {
    return this.syncThreshold ?? this.scheduler.syncThreshold;
  }

  /** Whether the handle holds an open file (false once its close was requested). */
  get isOpen(): boolean {
    return this.record.fd !== null;
  }

  /** What direct I/O on the open file requires, if it was opened with `{ direct: true }`; else undefined. */
  get directIoAlignment(): DirectIoAlignment | undefined {
    return this.record.alignment ?? undefined;
  }

  /** Whether an action was enqueued and neither delivered nor canceled yet. */
  get hasPendingAction(): boolean {
    return this.record.pendingId !== 0;
  }

  /** Whether abort() was called. */
  get isAborted(): boolean {
    return this.isAbortedFlag;
  }

  /**
   * Creates an unnamed file (mode 0600) in `directory` and holds it open for reading and writing.
   *
   * @param directory - an existing directory.
   * @param callback - receives null, or the engine's error (ENOENT, EACCES, ...).
   * @returns the caller's reference to the action.
   * @throws TypeError for a bad path; FileStateError if aborted, busy or already open.
   * @remarks Canceled while executing, the file is closed (and, being unnamed, gone).
   */
  createAnonymousFile(directory: string, callback: FileCallback<void>): AsyncOp<unknown> {
    expectPath('directory', directory);
    const action = this.prepare(CREATE_ANONYMOUS, 'closed', callback);
    action.path = directory;
    action.mode = 'read-write';
    return this.scheduler.enqueue(action);
  }

  /**
   * Opens an existing file (never creates one).
   *
   * @param path - the file.
   * @param mode - `read`, `write` or `read-write`.
   * @param callback - receives null, or the engine's error (ENOENT, EACCES, EISDIR, ...).
   * @throws TypeError for a bad path or mode; FileStateError if aborted, busy or already open.
   * @remarks Canceled while executing, the opened file is closed.
   */
  openExistingFile(path: string, mode: OpenMode, callback: FileCallback<void>): AsyncOp<unknown>;
  /**
   * Opens an existing file (never creates one), with options.
   *
   * @param path - the file.
   * @param mode - `read`, `write` or `read-write`.
   * @param options - `{ direct: true }` for O_DIRECT (see {@link OpenFileOptions}).
   * @param callback - receives null, or the engine's error (ENOENT, EACCES, EISDIR, EINVAL for O_DIRECT where the
   *   file system lacks it, ...).
   * @throws TypeError for a bad path, mode or option; FileStateError if aborted, busy or already open;
   *   FeatureUnavailableError `ERR_FILE_DIRECT_IO_UNAVAILABLE` for `direct` where the engine or the native addon
   *   cannot do it.
   * @remarks Canceled while executing, the opened file is closed.
   */
  openExistingFile(
    path: string,
    mode: OpenMode,
    options: OpenFileOptions,
    callback: FileCallback<void>,
  ): AsyncOp<unknown>;
  openExistingFile(
    path: string,
    mode: OpenMode,
    optionsOrCallback: OpenFileOptions | FileCallback<void>,
    maybeCallback?: FileCallback<void>,
  ): AsyncOp<unknown> {
    expectPath('path', path);
    expectOpenMode('mode', mode);
    // an object is the options; anything else is the callback, checked as such
    const hasOptions = typeof optionsOrCallback === 'object' && optionsOrCallback !== null;
    const callback = hasOptions ? maybeCallback : optionsOrCallback;
    const direct = hasOptions ? expectOpenOptions(optionsOrCallback as OpenFileOptions, this.scheduler.engine) : false;
    const action = this.prepare(OPEN_EXISTING, 'closed', callback);
    action.path = path;
    action.mode = mode;
    action.direct = direct;
    return this.scheduler.enqueue(action);
  }

  /** fstat(2) of the open file. @throws FileStateError if aborted, busy or not open. */
  stat(callback: FileCallback<FileStats>): AsyncOp<unknown> {
    return this.scheduler.enqueue(this.prepare(FSTAT, 'open', callback));
  }

  /**
   * One positioned read: up to `length` bytes at `offset`.
   *
   * @param length - the most bytes to read; a buffer of this size is allocated up front.
   * @param callback - receives the bytes read: fewer than `length` for a short read, empty at end of file; EBADF if
   *   the file was opened write-only.
   * @throws RangeError/TypeError for a bad offset or length; FileStateError if aborted, busy or not open.
   */
  read(offset: number, length: number, callback: FileCallback<Buffer>): AsyncOp<unknown> {
    expectInteger('offset', offset, 0);
    expectInteger('length', length, 0, MAX_READ_LENGTH);
    const action = this.prepare(READ, 'open', callback);
    const alignment = this.record.alignment;
    if (alignment !== null) expectAligned(alignment, 'read', offset, length, undefined);
    action.position = offset;
    action.length = length;
    const threshold = this.syncThreshold ?? this.scheduler.syncThreshold;
    action.fast = threshold > 0 && length <= threshold && alignment === null;
    return this.scheduler.enqueue(action);
  }

  /**
   * One positioned read into the caller's memory: up to `buffer.length` bytes at `offset`, into `buffer` from its
   * start. Like fs.read with a reused buffer, it allocates nothing per read ({@link AsyncFileHandle.read} hands out
   * new memory for each read instead).
   *
   * @param buffer - where the bytes go (a Buffer or any Uint8Array; pass a `subarray` for part of a larger one). On an
   *   O_DIRECT file it must start at a multiple of the file's memory alignment ({@link allocateAlignedBuffer}).
   * @param offset - where in the file to start reading.
   * @param callback - receives the number of bytes read: fewer than `buffer.length` for a short read, 0 at end of
   *   file; EBADF if the file was opened write-only. Only that many bytes of `buffer` were written.
   * @throws TypeError for a buffer that is not a Uint8Array or is detached; RangeError for a buffer over 2^31 - 1
   *   bytes or a bad offset (or, on an O_DIRECT file, a misaligned offset, length or buffer); FileStateError if
   *   aborted, busy or not open.
   * @remarks The buffer is lent to the action until its callback runs; detached (or shrunk) before the read starts, the
   *   read fails with a `FileActionError` `ERR_FILE_BUFFER_DETACHED` through the callback. Canceled while executing, the read may still
   *   be writing into it after cancel() returns (node-fs cannot stop a read the thread pool started), and no callback
   *   will say when it stopped: the buffer is free again once {@link AsyncFileHandle.whenSettled} resolves, or once
   *   the next action of this handle calls back (a handle's actions run one after the other). Until then, do not
   *   reuse it.
   */
  readInto(buffer: Uint8Array, offset: number, callback: FileCallback<number>): AsyncOp<unknown> {
    return this.enqueueWithBuffer(READ_INTO, buffer, offset, callback);
  }

  /**
   * Writes all of `buffer` at `offset`, repeating partial writes until every byte is written.
   *
   * @param callback - receives the number of bytes written (`buffer.length`); EBADF if the file was opened read-only.
   * @throws TypeError for a buffer that is not a Uint8Array or is detached; RangeError for a buffer over 2^31 - 1
   *   bytes or a bad offset; FileStateError if aborted, busy or not open.
   * @remarks Canceled while executing, no further chunk is written (bytes already written stay). Do not modify the
   *   buffer until the callback runs or, after a cancel, until {@link AsyncFileHandle.whenSettled} resolves (a chunk
   *   may still be in flight). A buffer detached (or shrunk) before a chunk is issued fails the write with a
   *   `FileActionError` `ERR_FILE_BUFFER_DETACHED` through the callback (chunks already written stay).
   */
  write(buffer: Uint8Array, offset: number, callback: FileCallback<number>): AsyncOp<unknown> {
    return this.enqueueWithBuffer(WRITE, buffer, offset, callback);
  }

  /** readInto() and write(): checks the buffer and offset, and enqueues `step` on them (the fast path if small). */
  private enqueueWithBuffer(
    step: ActionStep,
    buffer: Uint8Array,
    offset: number,
    callback: FileCallback<number>,
  ): AsyncOp<unknown> {
    expectIoBuffer('buffer', buffer);
    expectInteger('offset', offset, 0);
    const action = this.prepare(step, 'open', callback);
    const alignment = this.record.alignment;
    if (alignment !== null) expectAligned(alignment, step === WRITE ? 'write' : 'read', offset, buffer.length, buffer);
    action.buffer = buffer;
    action.position = offset;
    action.length = buffer.length;
    const threshold = this.syncThreshold ?? this.scheduler.syncThreshold;
    action.fast = threshold > 0 && buffer.length <= threshold && alignment === null;
    return this.scheduler.enqueue(action);
  }

  /** Sets the open file's size (ftruncate). @throws RangeError for a bad length; FileStateError as for read. */
  truncate(length: number, callback: FileCallback<void>): AsyncOp<unknown> {
    expectInteger('length', length, 0);
    const action = this.prepare(TRUNCATE, 'open', callback);
    action.length = length;
    return this.scheduler.enqueue(action);
  }

  /** Flushes the open file to storage (fsync). @throws FileStateError if aborted, busy or not open. */
  sync(callback: FileCallback<void>): AsyncOp<unknown> {
    return this.scheduler.enqueue(this.prepare(SYNC, 'open', callback));
  }

  /**
   * Opens a second descriptor for the same file, held by a new handle of the same manager.
   *
   * @param callback - receives the new handle, which the caller then owns (close or abort it).
   * @remarks Canceled while executing, the new descriptor is closed and the new handle is never handed out. The new
   *   descriptor has the same access mode but is always buffered: a duplicate of an O_DIRECT file goes through the page
   *   cache (its `directIoAlignment` is undefined). It keeps this handle's own `syncThresholdBytes`, if any.
   */
  duplicate(callback: FileCallback<AsyncFileHandle>): AsyncOp<unknown> {
    const action = this.prepare(DUPLICATE, 'open', callback);
    action.target = new AsyncFileHandle(this.scheduler, this.scheduler.nextHandleId(), this.syncThreshold).record;
    return this.scheduler.enqueue(action);
  }

  /**
   * Gives the open file a new name (a hard link); works for unnamed files too.
   *
   * @param path - the new name; must not exist (EEXIST).
   * @remarks Canceled while executing, the link is removed again.
   */
  createHardLink(path: string, callback: FileCallback<void>): AsyncOp<unknown> {
    expectPath('path', path);
    const action = this.prepare(CREATE_HARD_LINK, 'open', callback);
    action.toPath = path;
    return this.scheduler.enqueue(action);
  }

  /**
   * Closes the open file. From this call on the handle counts as closed: `isOpen` is false and every action that needs
   * the file throws ERR_FILE_NOT_OPEN. The close is the pending action, so the next open is enqueued from its callback.
   *
   * @remarks The close always executes, even if canceled (only the callback is dropped), and only after every earlier
   *   action on the descriptor finished, so no action ever touches the descriptor after it was closed.
   */
  close(callback: FileCallback<void>): AsyncOp<unknown> {
    return this.scheduler.enqueueClose(this.prepare(CLOSE, 'open', callback));
  }

  /**
   * Cancels the pending action, queues the close of the open file, and refuses every later action.
   *
   * @remarks Synchronous and idempotent. Called from inside one of this handle's callbacks, that callback runs to its
   *   end and nothing chained from it runs. The close runs after any action still executing on the descriptor.
   */
  abort(): void {
    if (this.isAbortedFlag) return;
    this.isAbortedFlag = true;
    this.record.pendingAction()?.own?.cancel();
    if (this.record.fd !== null)
      this.scheduler.enqueueClose(this.scheduler.create(CLOSE, this.record, undefined)).release();
  }

  /** Aborts, then resolves once the handle's file is closed and none of its actions is left. */
  [Symbol.asyncDispose](): Promise<void> {
    this.abort();
    return this.whenIdle();
  }

  /** Resolves once the handle has no open file and no action left (whether or not it was aborted). */
  whenIdle(): Promise<void> {
    return this.record.whenIdle();
  }

  /**
   * Resolves once none of the handle's actions is queued or executing, whether the file is open or not: a canceled
   * action that was executing has then ended too, so the buffer it was given (readInto, write) is the caller's again.
   */
  whenSettled(): Promise<void> {
    return this.record.whenSettled();
  }

  /** Checks the callback and the handle's state, and creates the action with the handle's descriptor and mode. */
  private prepare(step: ActionStep, needs: 'open' | 'closed', callback: unknown): FileAction {
    expectFunction('callback', callback);
    const record = this.record;
    // one test on the way every action takes; the error is built elsewhere, so that V8 inlines this into each method
    if (
      this.scheduler.isClosed ||
      this.isAbortedFlag ||
      record.pendingId !== 0 ||
      (needs === 'open' ? record.fd === null : record.fd !== null)
    ) {
      throw this.refusal(step, needs);
    }
    // the descriptor is captured now; close() then takes it from the handle (Scheduler.enqueueClose), at once
    return this.scheduler.create(step, record, callback as FileCallback<unknown>);
  }

  /** Why prepare() refuses `step`: the first of its checks that fails, as a FileStateError. */
  private refusal(step: ActionStep, needs: 'open' | 'closed'): FileStateError {
    const record = this.record;
    if (this.scheduler.isClosed) {
      return new FileStateError(FileErrorCode.MANAGER_CLOSED, `Cannot ${step.kind}: the file manager was closed`);
    }
    if (this.isAbortedFlag) {
      return new FileStateError(FileErrorCode.HANDLE_ABORTED, `Cannot ${step.kind}: the file handle was aborted`);
    }
    if (record.pendingId !== 0) {
      return new FileStateError(
        FileErrorCode.HANDLE_BUSY,
        `Cannot ${step.kind}: the file handle already has a pending ${record.pendingAction()?.step.kind ?? 'action'}; enqueue the next action from its callback`,
      );
    }
    if (needs === 'open') {
      return new FileStateError(FileErrorCode.NOT_OPEN, `Cannot ${step.kind}: the file handle holds no open file`);
    }
    return new FileStateError(
      FileErrorCode.ALREADY_OPEN,
      `Cannot ${step.kind}: the file handle already holds an open file; close it first`,
    );
  }
}

/**
 * @internal One AsyncFileHandle (and so one HandleRecord) alive for as long as this module, so that a full GC after
 * every handle of a burst was dropped (one handle per file, as small-file writers do) does not free the classes'
 * hidden classes and the optimized code built on them (see HIDDEN_CLASS_KEEPER in internal/file-action).
 */
export const HIDDEN_CLASS_KEEPER: AsyncFileHandle = new AsyncFileHandle(null as unknown as Scheduler, 0);

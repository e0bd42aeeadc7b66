import { describeValue, type RunAsPromiseOptions } from 'async-op';
import type { FileStats, OpenMode } from './file-engine.js';
import { AsyncFileHandle, HIDDEN_CLASS_KEEPER as HANDLE_KEEPER, type OpenFileOptions } from './file-handle.js';
import { runAction, type StartAction } from './internal/promise-call.js';

/** `{ signal }`: aborting it cancels the action; the promise then rejects with `signal.reason`. */
export type FileActionOptions = RunAsPromiseOptions;

// One module-level start function per action (no closure per call); the unused arguments are undefined.
type Start<A, B, C, T> = StartAction<AsyncFileHandle, A, B, C, T>;
const CREATE_ANONYMOUS: Start<string, undefined, undefined, void> = (handle, directory, _, __, callback) =>
  handle.createAnonymousFile(directory, callback);
const OPEN_EXISTING: Start<string, OpenMode, (FileActionOptions & OpenFileOptions) | undefined, void> = (
  handle,
  path,
  mode,
  options,
  callback,
) => {
  // read here, inside the start: a bad `options` rejects, as every bad argument does
  const direct = options?.direct;
  return direct === undefined
    ? handle.openExistingFile(path, mode, callback)
    : handle.openExistingFile(path, mode, { direct }, callback);
};
const STAT: Start<undefined, undefined, undefined, FileStats> = (handle, _, __, ___, callback) => handle.stat(callback);
const READ: Start<number, number, undefined, Buffer> = (handle, offset, length, _, callback) =>
  handle.read(offset, length, callback);
const READ_INTO: Start<Uint8Array, number, undefined, number> = (handle, buffer, offset, _, callback) =>
  handle.readInto(buffer, offset, callback);
const WRITE: Start<Uint8Array, number, undefined, number> = (handle, buffer, offset, _, callback) =>
  handle.write(buffer, offset, callback);
const TRUNCATE: Start<number, undefined, undefined, void> = (handle, length, _, __, callback) =>
  handle.truncate(length, callback);
const SYNC: Start<undefined, undefined, undefined, void> = (handle, _, __, ___, callback) => handle.sync(callback);
const DUPLICATE: Start<undefined, undefined, undefined, AsyncFileHandle> = (handle, _, __, ___, callback) =>
  handle.duplicate(callback);
const CREATE_HARD_LINK: Start<string, undefined, undefined, void> = (handle, path, _, __, callback) =>
  handle.createHardLink(path, callback);
const CLOSE: Start<undefined, undefined, undefined, void> = (handle, _, __, ___, callback) => handle.close(callback);

/**
 * The Promise face of an {@link AsyncFileHandle}: the same actions, on the same handle and the same core, for
 * async/await code.
 *
 * @remarks
 * Each method enqueues the callback action and settles when its callback arrives. With `{ signal }`, an abort cancels
 * the action with the signal's reason; a cancel that came too late to stop the action still resolves with its value
 * (nothing it produced is lost), otherwise the promise rejects with `signal.reason` unchanged, at once (an
 * already-aborted signal rejects without enqueuing anything). Any number of pending actions add one 'abort' listener
 * to a signal between them, and a settled action leaves nothing on it. An action canceled by the handle's abort()
 * rejects with the cancel's CanceledError (`ERR_CANCELED`). Every argument and state error (TypeError, RangeError, FileStateError, FeatureUnavailableError), a bad `options` or `signal` included,
 * rejects the promise: no method throws, as with Node's fs/promises. One action at a time per handle, as with
 * callbacks: await each before starting the next.
 *
 * @example
 * ```ts
 * const manager = new AsyncFileManager();
 * await using file = new PromiseFileHandle(manager.newFileHandle());
 * await file.openExistingFile('/etc/hostname', 'read');
 * const bytes = await file.read(0, 100, { signal: AbortSignal.timeout(1000) });
 * ```
 */
export class PromiseFileHandle implements AsyncDisposable {
  /**
   * @param handle - the callback handle to drive; this wrapper owns it from now on.
   * @throws TypeError if `handle` is not an AsyncFileHandle.
   */
  constructor(readonly handle: AsyncFileHandle) {
    if (!(handle instanceof AsyncFileHandle)) {
      throw new TypeError(`Expected \`handle\` to be an AsyncFileHandle, got ${describeValue(handle)}`);
    }
  }

  createAnonymousFile(directory: string, options?: FileActionOptions): Promise<void> {
    return runAction(CREATE_ANONYMOUS, this.handle, directory, undefined, undefined, options);
  }

  /** Opens an existing file; `options` takes `signal` and, as AsyncFileHandle's, `direct` (O_DIRECT). */
  openExistingFile(path: string, mode: OpenMode, options?: FileActionOptions & OpenFileOptions): Promise<void> {
    return runAction(OPEN_EXISTING, this.handle, path, mode, options, options);
  }

  stat(options?: FileActionOptions): Promise<FileStats> {
    return runAction(STAT, this.handle, undefined, undefined, undefined, options);
  }

  read(offset: number, length: number, options?: FileActionOptions): Promise<Buffer> {
    return runAction(READ, this.handle, offset, length, undefined, options);
  }

  /**
   * Reads up to `buffer.length` bytes at `offset` into `buffer`; resolves with the number of bytes read. After an
   * abort, the buffer is free again once {@link PromiseFileHandle.whenSettled} resolves (see AsyncFileHandle.readInto).
   */
  readInto(buffer: Uint8Array, offset: number, options?: FileActionOptions): Promise<number> {
    return runAction(READ_INTO, this.handle, buffer, offset, undefined, options);
  }

  write(buffer: Uint8Array, offset: number, options?: FileActionOptions): Promise<number> {
    return runAction(WRITE, this.handle, buffer, offset, undefined, options);
  }

  truncate(length: number, options?: FileActionOptions): Promise<void> {
    return runAction(TRUNCATE, this.handle, length, undefined, undefined, options);
  }

  sync(options?: FileActionOptions): Promise<void> {
    return runAction(SYNC, this.handle, undefined, undefined, undefined, options);
  }

  /** Resolves with a PromiseFileHandle holding the new descriptor. */
  async duplicate(options?: FileActionOptions): Promise<PromiseFileHandle> {
    const handle = await runAction(DUPLICATE, this.handle, undefined, undefined, undefined, options);
    return new PromiseFileHandle(handle);
  }

  createHardLink(path: string, options?: FileActionOptions): Promise<void> {
    return runAction(CREATE_HARD_LINK, this.handle, path, undefined, undefined, options);
  }

  /** Closes the file; the close runs even if the signal aborts (only the promise then rejects). */
  close(options?: FileActionOptions): Promise<void> {
    return runAction(CLOSE, this.handle, undefined, undefined, undefined, options);
  }

  /** Resolves once none of the handle's actions is queued or executing (see AsyncFileHandle.whenSettled()). */
  whenSettled(): Promise<void> {
    return this.handle.whenSettled();
  }

  /** See AsyncFileHandle.abort(); the pending action's promise rejects with a CanceledError (`ERR_CANCELED`). */
  abort(): void {
    this.handle.abort();
  }

  /** Aborts and resolves once the file is closed and no action is left. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.handle[Symbol.asyncDispose]();
  }
}

/** @internal One PromiseFileHandle alive for as long as this module (see HIDDEN_CLASS_KEEPER in file-handle). */
export const HIDDEN_CLASS_KEEPER: PromiseFileHandle = new PromiseFileHandle(HANDLE_KEEPER);

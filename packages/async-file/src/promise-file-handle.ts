import { describeValue, type RunAsPromiseOptions } from 'async-op';
import type { FileStats, OpenMode } from './file-engine.js';
import { AsyncFileHandle, HIDDEN_CLASS_KEEPER as HANDLE_KEEPER, type OpenFileOptions } from './file-handle.js';
import { runAsPromise } from './internal/run-as-promise.js';

/** `{ signal }`: aborting it cancels the action; the promise then rejects with `signal.reason`. */
export type FileActionOptions = RunAsPromiseOptions;

/**
 * The Promise face of an {@link AsyncFileHandle}: the same actions, on the same handle and the same core, for
 * async/await code.
 *
 * @remarks
 * Each method enqueues the callback action and settles when its callback arrives. With `{ signal }`, an abort cancels
 * the action with the signal's reason; a cancel that came too late to stop the action still resolves with its value
 * (nothing it produced is lost), otherwise the promise rejects with `signal.reason` unchanged. Every argument and
 * state error (TypeError, RangeError, FileStateError, FeatureUnavailableError), a bad `options` or `signal` included,
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
    return runAsPromise<void>((callback) => this.handle.createAnonymousFile(directory, callback), options);
  }

  /** Opens an existing file; `options` takes `signal` and, as AsyncFileHandle's, `direct` (O_DIRECT). */
  openExistingFile(path: string, mode: OpenMode, options?: FileActionOptions & OpenFileOptions): Promise<void> {
    return runAsPromise<void>((callback) => {
      // read inside: a bad `options` rejects, as every bad argument does
      const direct = options?.direct;
      return direct === undefined
        ? this.handle.openExistingFile(path, mode, callback)
        : this.handle.openExistingFile(path, mode, { direct }, callback);
    }, options);
  }

  stat(options?: FileActionOptions): Promise<FileStats> {
    return runAsPromise<FileStats>((callback) => this.handle.stat(callback), options);
  }

  read(offset: number, length: number, options?: FileActionOptions): Promise<Buffer> {
    return runAsPromise<Buffer>((callback) => this.handle.read(offset, length, callback), options);
  }

  /**
   * Reads up to `buffer.length` bytes at `offset` into `buffer`; resolves with the number of bytes read. After an
   * abort, the buffer is free again once {@link PromiseFileHandle.whenSettled} resolves (see AsyncFileHandle.readInto).
   */
  readInto(buffer: Uint8Array, offset: number, options?: FileActionOptions): Promise<number> {
    return runAsPromise<number>((callback) => this.handle.readInto(buffer, offset, callback), options);
  }

  write(buffer: Uint8Array, offset: number, options?: FileActionOptions): Promise<number> {
    return runAsPromise<number>((callback) => this.handle.write(buffer, offset, callback), options);
  }

  truncate(length: number, options?: FileActionOptions): Promise<void> {
    return runAsPromise<void>((callback) => this.handle.truncate(length, callback), options);
  }

  sync(options?: FileActionOptions): Promise<void> {
    return runAsPromise<void>((callback) => this.handle.sync(callback), options);
  }

  /** Resolves with a PromiseFileHandle holding the new descriptor. */
  async duplicate(options?: FileActionOptions): Promise<PromiseFileHandle> {
    const handle = await runAsPromise<AsyncFileHandle>((callback) => this.handle.duplicate(callback), options);
    return new PromiseFileHandle(handle);
  }

  createHardLink(path: string, options?: FileActionOptions): Promise<void> {
    return runAsPromise<void>((callback) => this.handle.createHardLink(path, callback), options);
  }

  /** Closes the file; the close runs even if the signal aborts (only the promise then rejects). */
  close(options?: FileActionOptions): Promise<void> {
    return runAsPromise<void>((callback) => this.handle.close(callback), options);
  }

  /** Resolves once none of the handle's actions is queued or executing (see AsyncFileHandle.whenSettled()). */
  whenSettled(): Promise<void> {
    return this.handle.whenSettled();
  }

  /** See AsyncFileHandle.abort(). */
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

import { runAsPromiseRejectingOnCancel as runAsPromise } from 'async-op';
import type { FileStats } from './file-engine.js';
import type { AsyncFileManager, NewFileHandleOptions } from './file-manager.js';
import { PromiseFileHandle, type FileActionOptions } from './promise-file-handle.js';

/**
 * The Promise face of an {@link AsyncFileManager}: manager-level actions and handles for async/await code, on the same
 * core (see PromiseFileHandle for how `{ signal }` behaves).
 */
export class PromiseFileManager {
  /** @param manager - the manager whose queue and slots the promises use. */
  constructor(readonly manager: AsyncFileManager) {}

  /** A new PromiseFileHandle over a new handle of the manager (options as AsyncFileManager.newFileHandle takes). */
  newFileHandle(options?: NewFileHandleOptions): PromiseFileHandle {
    return new PromiseFileHandle(this.manager.newFileHandle(options));
  }

  stat(path: string, options?: FileActionOptions): Promise<FileStats> {
    return runAsPromise<FileStats>((callback) => this.manager.stat(path, callback), options);
  }

  unlink(path: string, options?: FileActionOptions): Promise<void> {
    return runAsPromise<void>((callback) => this.manager.unlink(path, callback), options);
  }

  rename(from: string, to: string, options?: FileActionOptions): Promise<void> {
    return runAsPromise<void>((callback) => this.manager.rename(from, to, callback), options);
  }

  /** AsyncFileManager.writeNewFile: resolves with the bytes written; all or nothing. */
  writeNewFile(path: string, data: Uint8Array, options?: FileActionOptions): Promise<number> {
    return runAsPromise<number>((callback) => this.manager.writeNewFile(path, data, callback), options);
  }
}

import { describeValue } from 'async-op';
import type { FileStats } from './file-engine.js';
import { AsyncFileManager } from './file-manager.js';
import type { NewFileHandleOptions } from './file-manager-options.js';
import { runAsPromise } from './internal/run-as-promise.js';
import { PromiseFileHandle, type FileActionOptions } from './promise-file-handle.js';

/**
 * The Promise face of an {@link AsyncFileManager}: manager-level actions and handles for async/await code, on the same
 * core (see PromiseFileHandle for how `{ signal }` behaves).
 *
 * @remarks Every bad argument (a bad `options` or `signal` included) rejects the action's promise; none throws.
 * newFileHandle() is not an action: it throws, as AsyncFileManager.newFileHandle does.
 */
export class PromiseFileManager {
  /**
   * @param manager - the manager whose queue and slots the promises use.
   * @throws TypeError if `manager` is not an AsyncFileManager.
   */
  constructor(readonly manager: AsyncFileManager) {
    if (!(manager instanceof AsyncFileManager)) {
      throw new TypeError(`Expected \`manager\` to be an AsyncFileManager, got ${describeValue(manager)}`);
    }
  }

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

import { describeValue } from 'async-op';
import type { FileStats } from './file-engine.js';
import { AsyncFileManager } from './file-manager.js';
import type { NewFileHandleOptions } from './file-manager-options.js';
import { runAction, type StartAction } from './internal/promise-call.js';
import { PromiseFileHandle, type FileActionOptions } from './promise-file-handle.js';

// One module-level start function per action (no closure per call); the unused arguments are undefined.
type Start<A, B, T> = StartAction<AsyncFileManager, A, B, undefined, T>;
const STAT: Start<string, undefined, FileStats> = (manager, path, _, __, callback) => manager.stat(path, callback);
const UNLINK: Start<string, undefined, void> = (manager, path, _, __, callback) => manager.unlink(path, callback);
const RENAME: Start<string, string, void> = (manager, from, to, _, callback) => manager.rename(from, to, callback);
const WRITE_NEW_FILE: Start<string, Uint8Array, number> = (manager, path, data, _, callback) =>
  manager.writeNewFile(path, data, callback);

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
    return runAction(STAT, this.manager, path, undefined, undefined, options);
  }

  unlink(path: string, options?: FileActionOptions): Promise<void> {
    return runAction(UNLINK, this.manager, path, undefined, undefined, options);
  }

  rename(from: string, to: string, options?: FileActionOptions): Promise<void> {
    return runAction(RENAME, this.manager, from, to, undefined, options);
  }

  /** AsyncFileManager.writeNewFile: resolves with the bytes written; all or nothing. */
  writeNewFile(path: string, data: Uint8Array, options?: FileActionOptions): Promise<number> {
    return runAction(WRITE_NEW_FILE, this.manager, path, data, undefined, options);
  }
}

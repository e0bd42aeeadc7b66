// Tutorial 1 (docs/tutorials/01-cancel-with-a-signal.md): the callback layer below the promises. Compiled and tested
// by test/tutorials.test.ts; copied into the tutorial by `npm run docs`.
// #region size-of
import { runAsPromise } from 'async-op';
import type { AsyncFileManager, FileStats } from 'async-op-file';

/** The size of `path`, from the callback API: runAsPromise turns a start function into a Promise with `{ signal }`. */
export async function sizeOf(manager: AsyncFileManager, path: string, signal?: AbortSignal): Promise<number> {
  // manager.stat() is a start function: it returns the caller's AsyncOp reference and calls back exactly once
  const stats = await runAsPromise<FileStats>((callback) => manager.stat(path, callback), { signal });
  return stats.size;
}
// #endregion

// Tutorial 1 (docs/tutorials/01-cancel-with-a-signal.md): the Promise API with `{ signal }`. Compiled and tested by
// test/tutorials.test.ts; copied into the tutorial by `npm run docs`.
// #region read-start
import type { PromiseFileManager } from 'async-op-file';

/** Reads up to `length` bytes at the start of `path`; aborting `signal` cancels the action in flight. */
export async function readStart(
  files: PromiseFileManager,
  path: string,
  length: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  // `await using` closes the file when the function ends, however it ends (TypeScript 5.2+, or Node 24+ as JavaScript)
  await using file = files.newFileHandle();
  await file.openExistingFile(path, 'read', { signal });
  return await file.read(0, length, { signal });
}
// #endregion

// Tutorial 5 (docs/tutorials/05-chains-and-retries.md): a chain of steps as a task of the module kit. Compiled and
// tested by test/tutorials.test.ts; copied into the tutorial by `npm run docs`.
// #region atomic-save-task
import path from 'node:path';
import type { AsyncOp } from 'async-op';
import { PromiseFileManager, type AsyncFileManager } from 'async-op-file';
import { expectBytes, expectObject, expectPath, startTask, type StartCallback } from 'async-op-module-kit';

let saves = 0;

/** Saves `data` to `path` atomically: write, sync and name a temporary file, then rename it over `path`. */
export function startAtomicSave(
  manager: AsyncFileManager,
  request: { readonly path: string; readonly data: Uint8Array },
  callback: StartCallback<number>,
): AsyncOp<unknown> {
  const target = expectPath('request.path', expectObject('request', request)['path']);
  const data = expectBytes('request.data', request.data);
  const files = new PromiseFileManager(manager);
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${++saves}.tmp`);
  return startTask(async (signal) => {
    let isTemporaryNamed = false;
    try {
      {
        // 1. each step takes the signal: a cancel stops the chain at the step in flight, and no next step starts
        await using file = files.newFileHandle();
        await file.createAnonymousFile(path.dirname(target), { signal });
        await file.write(data, 0, { signal });
        await file.sync({ signal });
        await file.createHardLink(temporary, { signal });
        isTemporaryNamed = true;
      }
      // 2. the rename cannot be undone: check the cancel before it, then let it run without the signal
      signal.throwIfAborted();
      await files.rename(temporary, target);
      isTemporaryNamed = false;
      // 3. from here the save is done: a cancel that comes now changes nothing, and the result says ok
      return data.length;
    } finally {
      // 4. the undo: a failure or a cancel before the rename removes the temporary name
      if (isTemporaryNamed) await files.unlink(temporary);
    }
  }, callback);
}
// #endregion

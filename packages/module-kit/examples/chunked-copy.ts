// The kit guide's example (docs/guides/write-a-cancellable-module.md): a cancellable chunked copy. Compiled and tested
// by test/examples/chunked-copy.test.ts (real files on the default engine, io_uring in npm test's matrix) and raced on
// the scripted engine by test/examples/chunked-copy.race.test.ts; copied into the guide by `npm run docs`.
// #region chunked-copy
import path from 'node:path';
import type { AsyncOp } from 'async-op';
import { PromiseFileManager, type AsyncFileManager } from 'async-op-file';
import { expectObject, expectPath, startTask, type StartCallback } from 'async-op-module-kit';

const CHUNK = 64 * 1024;

/** Copies `from` to the new file `to` in chunks: `to` appears complete, or not at all. Calls back exactly once. */
export function startChunkedCopy(
  manager: AsyncFileManager,
  request: { readonly from: string; readonly to: string },
  callback: StartCallback<number>,
): AsyncOp<unknown> {
  // 1. check the request before anything starts: a throw here leaves nothing behind and never calls back
  const from = expectPath('request.from', expectObject('request', request)['from']);
  const to = expectPath('request.to', request.to);
  const files = new PromiseFileManager(manager);
  // 2. the kit runs the body once and calls back once, with what the body did: `canceled` only if it ended by the cancel
  return startTask(async (signal) => {
    // 3. both files are closed when the body ends, however it ends: the unnamed copy vanishes with its close
    await using source = files.newFileHandle();
    await using copy = files.newFileHandle();
    await source.openExistingFile(from, 'read', { signal });
    await copy.createAnonymousFile(path.dirname(to), { signal });
    // 4. every action takes the signal: after a cancel, nothing more starts
    let offset = 0;
    for (let chunk = await source.read(0, CHUNK, { signal }); chunk.length > 0;) {
      offset += await copy.write(chunk, offset, { signal });
      chunk = await source.read(offset, CHUNK, { signal });
    }
    // 5. the name appears last, whole: canceled while it is made, the link is undone; once made, the copy is done
    //    and a later cancel changes nothing (the result is ok: the destination exists)
    await copy.createHardLink(to, { signal });
    return offset;
  }, callback);
}
// #endregion

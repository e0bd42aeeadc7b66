// README code: reading the start of a file through the manager, with callbacks and with promises. Compiled and run
// by test/examples.test.ts; copied into README.md by `npm run docs`.
import { PromiseFileHandle, type AsyncFileManager } from 'async-op-file';

// #region callbacks
/** Reads up to 100 bytes of `path` with the callback API; chains each next action from the callback. */
export function readStart(manager: AsyncFileManager, path: string, done: (text: string | Error) => void): void {
  const file = manager.newFileHandle();
  file
    .openExistingFile(path, 'read', (error) => {
      if (error) return done(error);
      file
        .read(0, 100, (readError, bytes) => {
          // enqueued inside the callback: the close is chained into this slot, ahead of the FIFO
          file.close(() => done(readError ?? bytes.toString())).release();
        })
        .release();
    })
    .release(); // every action returns the caller's reference: release it once (cancel with it before, if needed)
}
// #endregion

// #region promises
/** The same with promises, `{ signal }` and `await using` (aborts and waits for the close at the end of scope). */
export async function readStartWithPromises(manager: AsyncFileManager, path: string): Promise<string> {
  await using file = new PromiseFileHandle(manager.newFileHandle());
  await file.openExistingFile(path, 'read');
  const bytes = await file.read(0, 100, { signal: AbortSignal.timeout(1000) });
  return bytes.toString();
}
// #endregion

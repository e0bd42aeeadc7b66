// README code: an atomic save through a three-layer stack. Compiled and run by test/examples.test.ts; copied into
// README.md by `npm run docs`.
import { AsyncFileManager } from 'async-op-file';
import { AtomicSaveModule, CancelAllModule, RealCancelFileModule, type Result } from 'async-op-samples';

// #region save
/** Saves `text` to `path` atomically through LL real cancel <- ML chain <- HL cancel-all, then closes the stack. */
export async function saveDocument(path: string, text: string): Promise<Result<unknown>> {
  const manager = new AsyncFileManager();
  const ll = new RealCancelFileModule({ manager });
  const ml = new AtomicSaveModule({ lower: ll });
  const hl = new CancelAllModule({ lower: ml });
  ll.open();
  ml.open();
  hl.open(); // open bottom-up

  const outcome = await new Promise<Result<unknown>>((resolve) => {
    // the callback runs exactly once: ok, canceled or error
    const op = hl.start({ path, data: Buffer.from(text) }, resolve);
    op.release(); // the caller's reference: cancel with it first if you like (op.cancel()), release it once
  });

  await hl.close(); // close top-down: cancels what is still pending, resolves after every callback
  await ml.close();
  await ll.close();
  return outcome;
}
// #endregion

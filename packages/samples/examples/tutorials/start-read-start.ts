// Tutorial 2 (docs/tutorials/02-first-cancellable-operation.md): a callback start function, the layer below
// PromiseFileHandle. Compiled and tested by test/tutorials.test.ts; copied into the tutorial by `npm run docs`.
// #region start-read-start
import { AsyncOp, describeValue, type NodeCallback } from 'async-op';
import type { AsyncFileHandle, AsyncFileManager } from 'async-op-file';

interface ReadStartContext {
  readonly file: AsyncFileHandle;
  readonly callback: NodeCallback<Buffer>;
  /** The callback's reference, until the delivery. */
  own: AsyncOp<ReadStartContext> | null;
}

/** Reads up to `length` bytes at the start of `path`, then closes it; calls back exactly once unless it throws. */
export function startReadStart(
  manager: AsyncFileManager,
  path: string,
  length: number,
  callback: NodeCallback<Buffer>,
): AsyncOp<unknown> {
  // 1. check everything first: a start function that throws must leave nothing behind
  if (!Number.isSafeInteger(length) || length < 1) {
    throw new RangeError(`Expected \`length\` to be an integer >= 1, got ${describeValue(length)}`);
  }
  const context: ReadStartContext = { file: manager.newFileHandle(), callback, own: null };
  // 2. create the op; its cancel closes the file (the action in flight is canceled) and then reports the reason
  const op = AsyncOp.create({ context, cancel: (ctx) => closeThenDeliver(ctx, ctx.own?.reason) });
  // 3. take the callback's reference BEFORE starting: the result may come before this function returns
  context.own = op.ref();
  try {
    // 4. start the work last; the read is enqueued from the open's callback, so it keeps the open's slot
    context.file
      .openExistingFile(path, 'read', (openError) => {
        if (openError !== null) return closeThenDeliver(context, openError);
        context.file.read(0, length, (error, bytes) => closeThenDeliver(context, error, bytes)).release();
      })
      .release();
  } catch (error) {
    // the open refused (a bad path): no callback will come; give back what 2 and 3 took
    context.own.release();
    op.release();
    throw error;
  }
  return op;
}

function closeThenDeliver(context: ReadStartContext, error: unknown, bytes?: Buffer): void {
  // the file is closed whatever happened, and the result delivered once it is: then no work is left running
  void context.file[Symbol.asyncDispose]().then(() => {
    const own = context.own;
    // 5. exactly once: the first delivery to get here wins complete() (the read's or the cancel's); the other
    //    finds it completed and does nothing. Release the callback's reference before calling back
    if (own === null || !own.complete()) return;
    context.own = null;
    own.release();
    context.callback(error, bytes);
  });
}
// #endregion

// The kit guide's module (docs/guides/write-a-cancellable-module.md): the chunked copy as a module with a lifecycle.
// Compiled and tested by test/examples/copy-module.test.ts; copied into the guide by `npm run docs`.
// #region copy-module
import type { AsyncOp } from 'async-op';
import type { AsyncFileManager } from 'async-op-file';
import { CancellableModuleBase, deliverResult, expectCallback, type StartCallback } from 'async-op-module-kit';
import { startChunkedCopy } from './chunked-copy.js';

/** Copies files in chunks; close() resolves once every copy has called back. */
export class CopyModule extends CancellableModuleBase<{ readonly from: string; readonly to: string }, number> {
  constructor(private readonly manager: AsyncFileManager) {
    super('copy');
  }

  start(request: { readonly from: string; readonly to: string }, callback: StartCallback<number>): AsyncOp<unknown> {
    // 1. check the callback and that the module is open: throwing here leaves nothing behind
    expectCallback(callback);
    this.lifecycle.admit();
    // 2. count the copy in before it starts, and out AFTER its callback returned: a close() called from inside the
    //    callback then waits for it; a start that throws is counted out at once
    this.lifecycle.begin();
    try {
      // 3. deliverResult counts out even when the callback throws, and raises that error uncaught, never here
      return startChunkedCopy(this.manager, request, (result) => deliverResult(callback, result, this.lifecycle));
    } catch (error) {
      this.lifecycle.end();
      throw error;
    }
  }
}
// #endregion

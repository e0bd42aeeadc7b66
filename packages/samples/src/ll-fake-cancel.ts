import { AsyncOp } from 'async-op';
import type { AsyncFileManager } from 'async-op-file';
import { validateFileJobRequest, type FileJobRequest, type FileJobValue } from './file-job-request.js';
import { createJob } from './internal/create-job.js';
import type { Job } from './internal/file-job.js';
import { expectCallback, ModuleLifecycle } from './internal/module-lifecycle.js';
import { expectLowLevelOptions } from './internal/validate-options.js';
import type { LowLevelModuleOptions } from './ll-options.js';
import type { LowLevelTestSettings } from './ll-test-settings.js';
import type { CancellableModule, ModuleState, Result, StartCallback } from './module-types.js';

interface FakeCancelContext {
  job: Job | null;
  /** The callback's reference; live until the job ended (after a fake cancel: until its cleanup). */
  readonly own: AsyncOp<FakeCancelContext>;
  readonly callback: StartCallback<FileJobValue>;
}

/**
 * LL module with FAKE cancel: a file job (FileJobRequest) whose work is not stopped by cancel.
 *
 * @remarks
 * cancel() reports `canceled` at once, from inside cancel(), and does not wait for the work: a first action still
 * queued is withdrawn (it never runs), an action executing finishes, then the job starts nothing more, closes its
 * file, removes a name it created and drops its buffers (the cleanup), without calling back again. So `canceled`
 * means nothing more starts and no new name is left. One effect may still land: a `rename` or `unlink` whose system
 * call was already executing cannot be stopped (nor waited for: its end is not reported after a cancel). close()
 * waits for the cleanups, so a closed module holds no file open.
 *
 * Once the outcome is decided (the job's work is done and only its file's close is left, or it failed), cancel()
 * changes nothing and reports nothing at once: the result (`ok`, or the error) comes when the job ends, the same
 * answer real cancel gives there. A close error after the work is done does not fail the job (see
 * {@link FileJobValue}).
 *
 * Transient errors (EAGAIN, EBUSY, EMFILE, ...) are reported as `error-can-retry`.
 */
export class FakeCancelFileModule implements CancellableModule<FileJobRequest, FileJobValue> {
  readonly name = 'll-fake-cancel';
  private readonly lifecycle = new ModuleLifecycle(this.name);
  private readonly manager: AsyncFileManager;
  private readonly testSettings: LowLevelTestSettings | undefined;

  /** Creates the module (state `created`). @throws TypeError for bad options. */
  constructor(options: LowLevelModuleOptions) {
    expectLowLevelOptions(options);
    this.manager = options.manager;
    this.testSettings = options.testSettings;
  }

  get state(): ModuleState {
    return this.lifecycle.state;
  }

  /** Operations whose callback or cleanup is still to come. */
  get pendingCount(): number {
    return this.lifecycle.pendingCount;
  }

  open(): void {
    this.lifecycle.open();
  }

  /**
   * Starts one file job. See {@link CancellableModule.start} for the contract.
   *
   * @remarks The callback may run before start() returns, later, or (for a cancel) inside cancel().
   */
  start(request: FileJobRequest, callback: StartCallback<FileJobValue>): AsyncOp<unknown> {
    // 1. validate everything and check the module is open: throwing here leaves nothing behind
    validateFileJobRequest(request);
    expectCallback(callback);
    this.lifecycle.admit();
    // 2. create the op and take the callback's reference BEFORE the job starts: the job may end before start returns
    const context: { job: Job | null; own: AsyncOp<FakeCancelContext> | null; callback: StartCallback<FileJobValue> } =
      { job: null, own: null, callback };
    const op = AsyncOp.create<FakeCancelContext>({
      context: context as FakeCancelContext,
      cancel: (ctx) => this.cancelJob(ctx),
    });
    const own = (context.own = op.ref());
    // 3. store the job before starting it: a cancel (even from inside a synchronous callback) must reach it
    context.job = createJob(this.manager, this.testSettings, request, (result) => this.onJobEnd(own, callback, result));
    // 4. count the operation in: it ends once BOTH the callback ran and the job ended (cleaned up)
    this.lifecycle.begin();
    try {
      // 5. start the job; it may end (and call back) before this returns
      context.job.start();
    } catch (error) {
      own.complete();
      own.release();
      op.release();
      this.lifecycle.end();
      throw error;
    }
    return op;
  }

  close(): Promise<void> {
    return this.lifecycle.close();
  }

  destroy(): void {
    this.lifecycle.destroy();
  }

  /** The cancel implementation: report canceled now; the job cleans up when its real completion arrives. */
  // #region cancel
  private cancelJob(context: FakeCancelContext): void {
    const { own, job, callback } = context;
    // 6. complete() wins the delivery (the job's real end can no longer deliver); cancel never runs after it. But a
    //    job whose outcome is decided (its work done and only its close left, or failed) keeps it: its result comes
    //    when it ends, as with real cancel (reporting canceled would leave the file it named behind)
    if (job?.isOutcomeDecided === true || !own.complete()) return;
    const reason = own.reason;
    //    From here the job starts nothing: its first action, if still queued, is withdrawn BEFORE the callback, which
    //    may free a slot (canceling another operation) that the queued action would otherwise take
    job?.withdraw(reason);
    // the callback's reference is NOT released here: the job still runs and keeps it until its cleanup (step 9)
    try {
      // 7. report canceled from inside cancel()
      callback({ status: 'canceled', error: reason });
    } finally {
      // 8. AFTER the callback: let the job clean up once the action in flight finished. Its end (maybe right now:
      //    a withdrawn rename, a call that would never complete) counts the operation out; doing that before the
      //    callback would let close() resolve with a callback still to come
      job?.abandon(reason);
    }
  }
  // #endregion

  // #region job-end
  private onJobEnd(
    own: AsyncOp<FakeCancelContext>,
    callback: StartCallback<FileJobValue>,
    result: Result<FileJobValue>,
  ): void {
    // 9. the real completion: deliver it only if cancel did not win first (then this is just the cleanup's end)
    const isDelivery = own.complete();
    // 10. the job is over: release the callback's reference (once, on either path) before calling back
    own.release();
    try {
      if (isDelivery) callback(result);
    } finally {
      // 11. count the operation out after its callback (or its cleanup): a close() from a callback waits for it
      this.lifecycle.end();
    }
  }
  // #endregion
}

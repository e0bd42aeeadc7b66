// #region module
import { AsyncOp } from 'async-op';
import {
  CancellableModuleBase,
  createFileJob,
  deliverResult,
  expectCallback,
  expectLowLevelOptions,
  operationLabel,
  parseFileJobRequest,
  type FileJobRequest,
  type FileJobValue,
  type Job,
  type LowLevelModuleOptions,
  type Result,
  type StartCallback,
} from 'async-op-module-kit';

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
export class FakeCancelFileModule extends CancellableModuleBase<FileJobRequest, FileJobValue> {
  private readonly options: LowLevelModuleOptions;

  /** Creates the module (state `created`). @throws TypeError for bad options. */
  constructor(options: LowLevelModuleOptions) {
    super('ll-fake-cancel');
    expectLowLevelOptions(options);
    this.options = { manager: options.manager, testSettings: options.testSettings };
  }

  /**
   * Starts one file job. See {@link CancellableModuleBase.start} for the contract.
   *
   * @remarks The callback may run before start() returns, later, or (for a cancel) inside cancel().
   */
  // #region start
  start(request: FileJobRequest, callback: StartCallback<FileJobValue>): AsyncOp<unknown> {
    // 1. validate everything (a copy of the request, each field read once) and check the module is open: throwing
    //    here leaves nothing behind
    const checked = parseFileJobRequest(request);
    expectCallback(callback);
    this.lifecycle.admit();
    // 2. create the op and take the callback's reference BEFORE the job starts: the job may end before start returns
    const context: { job: Job | null; own: AsyncOp<FakeCancelContext> | null; callback: StartCallback<FileJobValue> } =
      { job: null, own: null, callback };
    const op = AsyncOp.create<FakeCancelContext>({
      context: context as FakeCancelContext,
      cancel: (ctx) => this.cancelJob(ctx),
      label: operationLabel(this.name, checked),
    });
    const own = (context.own = op.ref('callback, then the cleanup'));
    // 3. store the job before starting it: a cancel (even from inside a synchronous callback) must reach it
    context.job = createFileJob(this.options, checked, (result) => this.onJobEnd(own, callback, result));
    // 4. count the operation in: it ends once BOTH the callback ran and the job ended (cleaned up)
    this.lifecycle.begin();
    try {
      // 5. start the job; it may end (and call back) before this returns (the callback's error never comes out here)
      context.job.start();
    } catch (error) {
      // the first action refused to start: the callback has not run and never will; give back what 2-4 took
      own.complete();
      own.release();
      op.release();
      this.lifecycle.end();
      throw error;
    }
    return op;
  }
  // #endregion

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
    // 7. report canceled from inside cancel() (what the callback throws is raised uncaught: the cleanup must run)
    deliverResult(callback, { status: 'canceled', error: reason });
    // 8. AFTER the callback: let the job clean up once the action in flight finished. Its end (maybe right now: a
    //    withdrawn rename, a call that would never complete) counts the operation out; doing that before the
    //    callback would let close() resolve with a callback still to come
    job?.abandon(reason);
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
    // 11. count the operation out after its callback (or its cleanup): a close() from a callback waits for it. What
    //     the callback throws must not reach the job, nor start()'s catch when this runs inside start() (a second
    //     release): deliverResult raises it as an uncaught exception instead
    if (isDelivery) deliverResult(callback, result, this.lifecycle);
    else this.lifecycle.end();
  }
  // #endregion
}
// #endregion

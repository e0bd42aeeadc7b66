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

interface RealCancelContext {
  job: Job | null;
  /** The callback's reference; live until the result is delivered. */
  readonly own: AsyncOp<RealCancelContext>;
}

/** The cancel implementation: stop the job for real; it ends `canceled` once the work stopped. */
function cancelRealJob(context: RealCancelContext): void {
  // runs only while the op is running (never after complete()), so `own` is still live here
  context.job?.abort(context.own.reason);
}

/**
 * LL module with REAL cancel: a file job (FileJobRequest) the backend can stop.
 *
 * @remarks
 * cancel() stops the work: a queued file action never runs, the chunk loop of `write-file`/`read-file` stops
 * between chunks, the file is closed (an anonymous file of `write-file` disappears with it); the callback reports
 * `canceled` once all that happened, so after a canceled callback no work of this operation is left running. For a
 * job on a file that is after the file's close (at least a promise tick after cancel(), never inside it); for
 * scripted outcomes (a delay, a hang) it is inside cancel().
 * A `rename` or `unlink` is one atomic system call: still queued, it never runs and `canceled` comes a microtask after
 * cancel(); already executing, it cannot be stopped, so the job waits for the engine to finish it (the manager's
 * `onSettledAfterCancel`) and reports what really happened: `canceled` if the call had no effect (the engine stopped
 * it, or it failed), `ok` if it took effect. `canceled` therefore always means the operation left nothing changed.
 *
 * Transient errors (EAGAIN, EBUSY, EMFILE, ...) are reported as `error-can-retry`.
 */
export class RealCancelFileModule extends CancellableModuleBase<FileJobRequest, FileJobValue> {
  private readonly options: LowLevelModuleOptions;

  /** Creates the module (state `created`). @throws TypeError for bad options. */
  constructor(options: LowLevelModuleOptions) {
    super('ll-real-cancel');
    expectLowLevelOptions(options);
    this.options = { manager: options.manager, testSettings: options.testSettings };
  }

  /**
   * Starts one file job. See {@link CancellableModuleBase.start} for the contract.
   *
   * @remarks The callback may run before start() returns (a synchronous engine or scripted outcome), later, or for
   *   a cancel, inside cancel() or after the work stopped.
   */
  // #region start
  start(request: FileJobRequest, callback: StartCallback<FileJobValue>): AsyncOp<unknown> {
    // 1. validate everything (a copy of the request, each field read once) and check the module is open: throwing
    //    here leaves nothing behind
    const checked = parseFileJobRequest(request);
    expectCallback(callback);
    this.lifecycle.admit();
    // 2. create the op and take the callback's reference BEFORE the job starts: the job may end before start returns
    const context: { job: Job | null; own: AsyncOp<RealCancelContext> | null } = { job: null, own: null };
    const op = AsyncOp.create<RealCancelContext>({
      context: context as RealCancelContext,
      cancel: cancelRealJob,
      label: operationLabel(this.name, checked),
    });
    const own = (context.own = op.ref('callback'));
    // 3. store the job in the context before starting it: from now on a cancel can reach it
    context.job = createFileJob(this.options, checked, (result) => this.deliver(own, callback, result));
    this.lifecycle.begin();
    try {
      // 4. start the job; it may call deliver() before this returns (whose callback's error never comes out here)
      context.job.start();
    } catch (error) {
      // 5. the first action refused to start: the callback has not run and never will; give back what 2-3 took
      own.complete();
      own.release();
      op.release();
      this.lifecycle.end();
      throw error;
    }
    return op;
  }
  // #endregion

  // #region deliver
  private deliver(
    own: AsyncOp<RealCancelContext>,
    callback: StartCallback<FileJobValue>,
    result: Result<FileJobValue>,
  ): void {
    // 6. complete() is the exactly-once guard, and from here on a cancel runs nothing (the job is over)
    if (!own.complete()) return;
    // 7. release the callback's reference BEFORE calling back: the callback may release the caller's too
    own.release();
    // 8. call back, then count the operation out (a close() from inside the callback waits for it). What the callback
    //    throws must not reach the job, nor start()'s step 5 when this runs inside start(): that would release and
    //    count out a second time. deliverResult raises it as an uncaught exception instead
    deliverResult(callback, result, this.lifecycle);
  }
  // #endregion
}
// #endregion

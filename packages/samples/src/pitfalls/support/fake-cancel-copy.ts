import path from 'node:path';
import { AsyncOp } from 'async-op';
import type { AsyncFileHandle, AsyncFileManager, EngineError } from 'async-op-file';
import {
  isRetryableError,
  type FileJobRequest,
  type FileJobValue,
  type Result,
  type StartCallback,
} from '../../index.js';
import { reportRaceError } from 'async-op-race-kit';
import { ModuleCopy } from './module-copy.js';

function errorResult(error: unknown): Result<FileJobValue> {
  return { status: isRetryableError(error) ? 'error-can-retry' : 'error', error };
}

/**
 * A copy of the samples' write-file job (internal/file-job.ts), reduced to what fake cancel needs: an anonymous
 * file, written in chunks, linked to its name, closed. withdraw() makes it start nothing more (an open that has not
 * reported is canceled in the manager); abandon() lets the action in flight finish, then closes the file, removes a
 * name it created, and ends `canceled`. Once the name exists the outcome is decided: `ok`, a close error or not.
 */
export class WriteFileJobCopy {
  private handle: AsyncFileHandle | null = null;
  private createdPath: string | undefined;
  private isAbandoned = false;
  private isOpenPending = false;
  private isDecided = false;
  private hasEnded = false;

  constructor(
    private readonly manager: AsyncFileManager,
    private readonly request: Extract<FileJobRequest, { kind: 'write-file' }>,
    private readonly onEnd: (result: Result<FileJobValue>) => void,
  ) {}

  get isOutcomeDecided(): boolean {
    return this.isDecided;
  }

  start(): void {
    const handle = (this.handle = this.manager.newFileHandle());
    this.isOpenPending = true;
    handle.createAnonymousFile(path.dirname(this.request.path), (error) => this.afterStep(error, 0)).release();
  }

  withdraw(): void {
    if (this.isDecided) return;
    this.isAbandoned = true;
    // the open may still be queued: cancel it before the module's callback can free a slot for it
    if (this.isOpenPending) this.handle?.abort();
  }

  abandon(): void {
    if (this.isDecided) return;
    this.isAbandoned = true;
    if (this.isOpenPending) this.closeThenEnd({ status: 'canceled', error: undefined });
  }

  private afterStep(error: EngineError | null, offset: number): void {
    this.isOpenPending = false;
    if (this.shouldStop()) return;
    if (error !== null) return this.closeThenEnd(errorResult(error));
    const handle = this.handle as AsyncFileHandle;
    const { data, chunkSize = 65_536 } = this.request;
    if (offset < data.length) {
      const chunk = data.subarray(offset, offset + chunkSize);
      handle.write(chunk, offset, (writeError, written) => this.afterStep(writeError, offset + written)).release();
      return;
    }
    handle
      .createHardLink(this.request.path, (linkError) => {
        if (linkError === null) this.createdPath = this.request.path;
        if (this.shouldStop()) return;
        if (linkError !== null) return this.closeThenEnd(errorResult(linkError));
        this.isDecided = true;
        // the name exists: a close error does not fail the job (see FileJobValue.closeError)
        handle
          .close((closeError) =>
            this.end({
              status: 'ok',
              value: closeError === null ? { bytes: data.length } : { bytes: data.length, closeError },
            }),
          )
          .release();
      })
      .release();
  }

  private shouldStop(): boolean {
    if (!this.isAbandoned || this.isDecided) return false;
    this.closeThenEnd({ status: 'canceled', error: undefined }, this.createdPath);
    return true;
  }

  private closeThenEnd(result: Result<FileJobValue>, createdPath?: string): void {
    this.isDecided = true;
    const handle = this.handle as AsyncFileHandle;
    handle.abort();
    handle
      .whenIdle()
      .then(() => {
        if (createdPath === undefined) return this.end(result);
        this.manager.unlink(createdPath, () => this.end(result)).release();
      })
      // a broken module above may throw from its callback here: report it to the race instead of losing it
      .catch(reportRaceError);
  }

  private end(result: Result<FileJobValue>): void {
    if (this.hasEnded) return;
    this.hasEnded = true;
    this.onEnd(result);
  }
}

interface FakeCancelContext {
  job: WriteFileJobCopy | null;
  own: AsyncOp<FakeCancelContext>;
  readonly callback: StartCallback<FileJobValue>;
}

/**
 * A copy of ll-fake-cancel.ts for `write-file` requests, its steps as protected methods that a pitfall variant
 * overrides to make its one mistake.
 */
export class FakeCancelCopy extends ModuleCopy<FileJobRequest> {
  constructor(protected readonly manager: AsyncFileManager) {
    super('ll-fake-cancel');
  }

  start(request: FileJobRequest, callback: StartCallback<FileJobValue>): AsyncOp<unknown> {
    if (request.kind !== 'write-file') throw new TypeError('FakeCancelCopy runs write-file requests only');
    // 1. check the module is open
    this.lifecycle.admit();
    // 2. create the op and take the callback's reference BEFORE the job starts
    const context = { job: null, callback } as unknown as FakeCancelContext;
    const op = AsyncOp.create<FakeCancelContext>({ context, cancel: (ctx) => this.cancelJob(ctx) });
    const own = (context.own = op.ref());
    // 3. store the job before starting it
    const job = (context.job = new WriteFileJobCopy(this.manager, request, (result) =>
      this.onJobEnd(own, callback, result),
    ));
    // 4. count the operation in
    this.lifecycle.begin();
    try {
      // 5. start the job
      job.start();
    } catch (error) {
      this.abandonStart(own, op);
      throw error;
    }
    return op;
  }

  /** Steps 6-8: report canceled now; the job cleans up when its real completion arrives. */
  protected cancelJob(context: FakeCancelContext): void {
    const { own, job, callback } = context;
    // 6. complete() wins the delivery, unless the job's outcome is decided; the job starts nothing from here
    if (job?.isOutcomeDecided === true || !own.complete()) return;
    job?.withdraw();
    try {
      // 7. report canceled from inside cancel()
      callback({ status: 'canceled', error: own.reason });
    } finally {
      // 8. AFTER the callback: let the job clean up and end
      job?.abandon();
    }
  }

  /** Steps 9-11: the real completion. */
  protected onJobEnd(
    own: AsyncOp<FakeCancelContext>,
    callback: StartCallback<FileJobValue>,
    result: Result<FileJobValue>,
  ): void {
    // 9. deliver it only if cancel did not win first
    const isDelivery = own.complete();
    // 10. release the callback's reference
    own.release();
    try {
      if (isDelivery) callback(result);
    } finally {
      // 11. count the operation out
      this.lifecycle.end();
    }
  }
}

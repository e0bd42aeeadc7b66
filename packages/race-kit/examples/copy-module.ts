// A user's cancellable module, written outside the samples: copy a file in chunks into an unnamed file, then link it
// into place. The race kit's tests race it (correct) and deliberately broken copies of it (test/support).
import path from 'node:path';
import { AsyncOp } from 'async-op';
import type { AsyncFileHandle, AsyncFileManager, EngineError } from 'async-op-file';

/** What one copy does: `from` to the new file `to`, `chunkSize` bytes per read. */
export interface CopyRequest {
  readonly from: string;
  readonly to: string;
  readonly chunkSize: number;
}

/** How a copy ended. */
export type CopyOutcome =
  | { readonly status: 'ok'; readonly bytes: number }
  | { readonly status: 'canceled' | 'error'; readonly error: unknown };

/** The state of one copy. */
export interface CopyJob {
  readonly request: CopyRequest;
  readonly callback: (outcome: CopyOutcome) => void;
  readonly input: AsyncFileHandle;
  readonly output: AsyncFileHandle;
  /** The callback's reference (null once released): its complete() is the exactly-once guard. */
  own: AsyncOp<CopyJob> | null;
  copied: number;
  /** Set once the link exists: from then on the outcome is `ok`, whatever comes. */
  isDecided: boolean;
}

/** A module with one start function: a cancellable chunked copy (real cancel: nothing is left by a canceled copy). */
export class CopyModule {
  readonly name = 'copy';
  state: 'open' | 'closing' | 'closed' = 'open';
  pendingCount = 0;
  #drained: (() => void)[] = [];

  constructor(protected readonly manager: AsyncFileManager) {}

  open(): void {
    this.state = 'open';
  }

  start(request: CopyRequest, callback: (outcome: CopyOutcome) => void): AsyncOp<unknown> {
    if (this.state !== 'open') throw new Error(`the copy module is ${this.state}`);
    const input = this.manager.newFileHandle();
    const job = {
      request,
      callback,
      input,
      output: this.manager.newFileHandle(),
      copied: 0,
      isDecided: false,
    } as CopyJob;
    const op = AsyncOp.create({ context: job, cancel: (ctx) => this.cancelJob(ctx) });
    // 1. the callback's reference BEFORE the first action: the callback may come before start() returns
    job.own = op.ref();
    this.pendingCount++;
    // 2. every step is an action of one handle; abort() on cancel withdraws whatever is pending or queued
    input.openExistingFile(request.from, 'read', (error) => this.opened(job, error)).release();
    return op;
  }

  close(): Promise<void> {
    if (this.state === 'open') this.state = this.pendingCount === 0 ? 'closed' : 'closing';
    if (this.state === 'closed') return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  protected opened(job: CopyJob, error: EngineError | null): void {
    if (error !== null) return this.fail(job, error);
    const directory = path.dirname(job.request.to);
    job.output.createAnonymousFile(directory, (createError) => this.copyChunk(job, createError)).release();
  }

  protected copyChunk(job: CopyJob, error: EngineError | null): void {
    if (error !== null) return this.fail(job, error);
    job.input
      .read(job.copied, job.request.chunkSize, (readError, chunk) => {
        if (readError !== null) return this.fail(job, readError);
        // 3. end of input: link the copy into place; the outcome is decided once the link exists
        if (chunk.length === 0) return this.link(job);
        job.output
          .write(chunk, job.copied, (writeError, written) => {
            if (writeError === null) job.copied += written;
            this.copyChunk(job, writeError);
          })
          .release();
      })
      .release();
  }

  protected link(job: CopyJob): void {
    job.output
      .createHardLink(job.request.to, (error) => {
        if (error !== null) return this.fail(job, error);
        job.isDecided = true;
        // the copy is in place: close both files, then report ok (a close error changes nothing now)
        job.input
          .close(() => job.output.close(() => this.deliver(job, { status: 'ok', bytes: job.copied })).release())
          .release();
      })
      .release();
  }

  /** The cancel implementation: stop both handles (a link made meanwhile is undone by the manager), then report. */
  protected cancelJob(job: CopyJob): void {
    // 4. a decided copy ignores the cancel: reporting canceled would leave the linked file behind
    if (job.isDecided) return;
    this.closeThenDeliver(job, { status: 'canceled', error: job.own?.reason });
  }

  protected fail(job: CopyJob, error: unknown): void {
    this.closeThenDeliver(job, { status: 'error', error });
  }

  /** abort() cancels the pending action and closes the file; report once both handles are idle. */
  protected closeThenDeliver(job: CopyJob, outcome: CopyOutcome): void {
    job.input.abort();
    job.output.abort();
    void Promise.all([job.input.whenIdle(), job.output.whenIdle()]).then(() => this.deliver(job, outcome));
  }

  /** 5. exactly once: the first delivery wins complete(); the callback's reference is released once. */
  protected deliver(job: CopyJob, outcome: CopyOutcome): void {
    const own = job.own;
    if (own === null || !own.complete()) return;
    job.own = null;
    own.release();
    try {
      job.callback(outcome);
    } finally {
      this.countOut();
    }
  }

  /** 6. count the copy out AFTER its callback: a close() called from the callback waits for it. */
  protected countOut(): void {
    if (--this.pendingCount === 0 && this.state === 'closing') {
      this.state = 'closed';
      for (const resolve of this.#drained.splice(0)) resolve();
    }
  }
}

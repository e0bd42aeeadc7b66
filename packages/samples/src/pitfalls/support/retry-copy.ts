import { AsyncOp } from 'async-op';
import type { CancellableModule, FileJobRequest, FileJobValue, Result, StartCallback } from '../../index.js';
import { ModuleCopy } from './module-copy.js';

export interface RetryContext {
  epoch: number;
  attempts: number;
  lower: AsyncOp<unknown> | null;
  timer: NodeJS.Timeout | null;
  own: AsyncOp<RetryContext>;
  readonly request: FileJobRequest;
  readonly callback: StartCallback<FileJobValue>;
}

type Lower = CancellableModule<FileJobRequest, FileJobValue>;

/**
 * A faithful copy of ml-retries.ts (backoff 0 ms, at most 3 attempts), its numbered steps as protected methods that a
 * pitfall variant overrides to make its one mistake.
 */
export class RetryCopy extends ModuleCopy<FileJobRequest> {
  protected readonly maxAttempts = 3;

  constructor(protected readonly lower: Lower) {
    super('ml-retries');
  }

  start(request: FileJobRequest, callback: StartCallback<FileJobValue>): AsyncOp<unknown> {
    // 1. check the module is open
    this.lifecycle.admit();
    // 2. create the op and take the callback's reference BEFORE the first attempt
    const context = { epoch: 0, attempts: 0, lower: null, timer: null, request, callback } as unknown as RetryContext;
    const op = AsyncOp.create<RetryContext>({ context, cancel: (ctx) => this.cancelAttempt(ctx) });
    context.own = op.ref();
    this.lifecycle.begin();
    try {
      // 3. the first attempt
      this.attempt(context);
    } catch (error) {
      this.abandonStart(context.own, op);
      throw error;
    }
    return op;
  }

  /** Step 4: start an attempt, store its op only if its callback has not run. */
  protected attempt(context: RetryContext): void {
    context.attempts++;
    const epoch = context.epoch;
    const lowerOp = this.lower.start(context.request, (result) => this.onAttempt(context, result));
    if (context.epoch !== epoch) return lowerOp.release();
    context.lower = lowerOp;
    if (context.own.isCanceled) lowerOp.cancel(context.own.reason);
  }

  /** Steps 5-6: every attempt's callback. */
  protected onAttempt(context: RetryContext, result: Result<FileJobValue>): void {
    // 5. advance the epoch first, then drop the finished attempt's op
    context.epoch++;
    context.lower?.release();
    context.lower = null;
    // 6. retry only a retryable error, with attempts left, and no cancel observed
    if (result.status === 'error-can-retry' && context.attempts < this.maxAttempts && !context.own.isCanceled) {
      context.timer = setTimeout(() => this.onBackoffEnd(context), 0);
      return;
    }
    if (result.status === 'error-can-retry' && context.own.isCanceled) {
      return this.deliver(context, { status: 'canceled', error: context.own.reason });
    }
    if (result.status === 'error-can-retry') return this.deliver(context, { status: 'error', error: result.error });
    this.deliver(context, result);
  }

  /** Steps 7-8: the backoff ended. */
  protected onBackoffEnd(context: RetryContext): void {
    context.timer = null;
    try {
      // 7. the next attempt
      this.attempt(context);
    } catch (error) {
      // 8. the retry could not start: report the error through deliver(), which releases the callback's reference
      this.deliver(context, { status: 'error', error });
    }
  }

  /** Steps 9-10: the cancel implementation. */
  protected cancelAttempt(context: RetryContext): void {
    if (context.timer !== null) {
      clearTimeout(context.timer);
      context.timer = null;
      return this.deliver(context, { status: 'canceled', error: context.own.reason });
    }
    context.lower?.cancel(context.own.reason);
  }

  /** Step 11: the exactly-once delivery. */
  protected deliver(context: RetryContext, result: Result<FileJobValue>): void {
    if (!context.own.complete()) return;
    context.own.release();
    try {
      context.callback(result);
    } finally {
      this.lifecycle.end();
    }
  }
}

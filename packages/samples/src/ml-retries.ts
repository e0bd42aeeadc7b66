// #region module
import { AsyncOp, type Clock } from 'async-op';
import {
  CancellableModuleBase,
  deliverResult,
  expectCallback,
  expectClock,
  expectInteger,
  expectLowerModule,
  followUpper,
  MAX_TIMER_DELAY_MS,
  operationLabel,
  parentReasonOf,
  releaseLower,
  type CancellableModule,
  type Result,
  type StartCallback,
} from 'async-op-module-kit';

/** What {@link RetryModule} takes. */
export interface RetryModuleOptions<Request, Value> {
  /** Any LL module (or any module reporting `error-can-retry`). Not owned: open it first, close it last. */
  readonly lower: CancellableModule<Request, Value>;
  /** The most attempts, the first included; an integer from 1 to 2^53-1. Default 5. */
  readonly maxAttempts?: number;
  /**
   * The wait before the first retry, in ms; doubled before each next one. An integer from 0 to 2^31-1 (the longest
   * delay a Node timer takes). Default 10. Tests use 0-1.
   */
  readonly baseDelayMs?: number;
  /** The longest wait between attempts, in ms: an integer from 0 to 2^31-1. Default 1000. */
  readonly maxDelayMs?: number;
  /** The clock the backoff waits on; default `systemClock` (real time). Tests give a `ManualClock`. */
  readonly clock?: Clock | undefined;
}

interface RetryContext<Request, Value> {
  /** Advanced by every attempt's callback, first thing (see step 5). */
  epoch: number;
  attempts: number;
  /** The current attempt's lower op, once its start returned and until its callback. */
  lower: AsyncOp<unknown> | null;
  /** Whether the current attempt's op follows this one (else the cancel implementation passes the cancel on). */
  isFollowing: boolean;
  /** Whether the module waits between attempts; `timer` is then the clock's handle of the wait. */
  isWaiting: boolean;
  timer: unknown;
  readonly own: AsyncOp<RetryContext<Request, Value>>;
  readonly request: Request;
  readonly callback: StartCallback<Value>;
}

/**
 * ML module that repeats the lower call while it reports `error-can-retry` (EAGAIN, EBUSY, EMFILE, ...), with
 * exponential backoff, up to `maxAttempts`; the last `error-can-retry` is reported as `error`.
 *
 * @remarks
 * Cancel stops it at any point: during an attempt it reaches the lower op, which follows this one (kind `parent`; the
 * attempt's `canceled` is then reported, with the lower module's timing, and this op's own reason); during the backoff
 * wait it clears the timer and reports `canceled` at once, from inside cancel(). No attempt starts after a cancel.
 * The backoff waits on the module's clock. A retry whose start throws (the lower module closed
 * meanwhile) ends the operation with that error, releasing the callback's reference (defect (b) of the C original
 * leaked it).
 */
export class RetryModule<Request, Value> extends CancellableModuleBase<Request, Value> {
  private readonly lower: CancellableModule<Request, Value>;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly clock: Clock;

  /**
   * @throws TypeError/RangeError for bad options, naming the value received: a delay above 2^31-1 ms is refused (a
   *   bare Node timer would fire after 1 ms), as are NaN, infinities, negative and fractional numbers, and a `clock`
   *   that is not a Clock.
   */
  constructor(options: RetryModuleOptions<Request, Value>) {
    super('ml-retries');
    expectLowerModule(options);
    this.lower = options.lower;
    // defaults for undefined only: null is a wrong type, refused like any other
    const { maxAttempts = 5, baseDelayMs = 10, maxDelayMs = 1000 } = options;
    this.maxAttempts = expectInteger('options.maxAttempts', maxAttempts, 1, Number.MAX_SAFE_INTEGER);
    this.baseDelayMs = expectInteger('options.baseDelayMs', baseDelayMs, 0, MAX_TIMER_DELAY_MS);
    this.maxDelayMs = expectInteger('options.maxDelayMs', maxDelayMs, 0, MAX_TIMER_DELAY_MS);
    this.clock = expectClock('options.clock', options.clock);
  }

  /** See {@link CancellableModuleBase.start}. The request is validated by the lower module (its throw passes through). */
  // #region start
  start(request: Request, callback: StartCallback<Value>): AsyncOp<unknown> {
    // 1. check the callback and that the module is open: throwing here leaves nothing behind
    expectCallback(callback);
    this.lifecycle.admit();
    // 2. create the op and take the callback's reference BEFORE the first attempt: it may complete before we return
    const context = {
      epoch: 0,
      attempts: 0,
      lower: null,
      isFollowing: false,
      isWaiting: false,
      timer: undefined,
      own: null,
      request,
      callback,
    } as unknown as RetryContext<Request, Value>;
    const op = AsyncOp.create<RetryContext<Request, Value>>({
      context,
      cancel: (ctx) => this.cancelAttempt(ctx),
      label: operationLabel(this.name, request),
    });
    (context as { own: AsyncOp<RetryContext<Request, Value>> }).own = op.ref('callback');
    this.lifecycle.begin();
    try {
      // 3. the first attempt; if it throws, the caller gets the throw and no callback
      this.attempt(context);
    } catch (error) {
      context.own.complete();
      context.own.release();
      op.release();
      this.lifecycle.end();
      throw error;
    }
    return op;
  }
  // #endregion

  /** Starts one attempt; throws what the lower start throws. */
  // #region attempt
  private attempt(context: RetryContext<Request, Value>): void {
    context.attempts++;
    // 4. remember the epoch, start, and store the op only if its callback has not run yet (else it is finished)
    const epoch = context.epoch;
    const lowerOp = this.lower.start(context.request, (result) => this.onAttempt(context, result));
    if (context.epoch !== epoch) return releaseLower(lowerOp, context.own);
    context.lower = lowerOp;
    // the attempt follows this op: a cancel reaches it (kind `parent`), one made during its start reaches it now
    context.isFollowing = followUpper(lowerOp, context.own);
    if (!context.isFollowing && context.own.isCanceled) lowerOp.cancel(parentReasonOf(context.own));
  }
  // #endregion

  /** Every attempt's callback. */
  // #region on-attempt
  private onAttempt(context: RetryContext<Request, Value>, result: Result<Value>): void {
    // 5. advance the epoch first, then drop the finished attempt's op (null if its start has not returned yet)
    context.epoch++;
    const finished = context.lower;
    context.lower = null;
    if (finished !== null) releaseLower(finished, context.own);
    // 6. retry only a retryable error, with attempts left, and no cancel observed; the wait is on the module's clock
    if (result.status === 'error-can-retry' && context.attempts < this.maxAttempts && !context.own.isCanceled) {
      context.isWaiting = true;
      const wait = this.backoffMs(context.attempts);
      context.timer = this.clock.setTimer(() => this.onBackoffEnd(context), wait, undefined);
      return;
    }
    // a cancel observed here wins over a retryable error: report canceled, start nothing
    if (result.status === 'error-can-retry' && context.own.isCanceled) {
      return this.deliver(context, { status: 'canceled', error: context.own.reason });
    }
    if (result.status === 'error-can-retry') return this.deliver(context, { status: 'error', error: result.error });
    this.deliver(context, result);
  }
  // #endregion

  /** The wait after attempt `attempts`: base * 2^(attempts-1), at most maxDelayMs (so at most 2^31-1 ms). */
  private backoffMs(attempts: number): number {
    // the exponent stops at 31: base * 2^31 is past any allowed maximum already, and 0 * 2^1024 would be NaN
    return Math.min(this.baseDelayMs * 2 ** Math.min(attempts - 1, 31), this.maxDelayMs);
  }

  // #region on-backoff-end
  private onBackoffEnd(context: RetryContext<Request, Value>): void {
    context.isWaiting = false;
    context.timer = undefined;
    try {
      // 7. the next attempt (a cancel during the wait cleared the timer, so none starts after a cancel)
      this.attempt(context);
    } catch (error) {
      // 8. the retry could not start: no callback will come from below, so report the error here; deliver()
      //    releases the callback's reference (the C original leaked it on this path)
      this.deliver(context, { status: 'error', error });
    }
  }
  // #endregion

  /** The cancel implementation. */
  private cancelAttempt(context: RetryContext<Request, Value>): void {
    // 9. waiting between attempts: stop the timer and report canceled now, from inside cancel()
    if (context.isWaiting) {
      context.isWaiting = false;
      this.clock.clearTimer(context.timer);
      context.timer = undefined;
      return this.deliver(context, { status: 'canceled', error: context.own.reason });
    }
    // 10. during an attempt, the attempt's op follows this one and is canceled by the link; its callback reports the
    //     outcome (and step 6 retries no more). Only an op that could not follow gets the cancel from here
    if (!context.isFollowing) context.lower?.cancel(parentReasonOf(context.own));
  }

  private deliver(context: RetryContext<Request, Value>, result: Result<Value>): void {
    // 11. complete() is the exactly-once guard; a canceled op reports its own reason (the attempt's is the `parent`
    //     reason derived from it); release the callback's reference, call back, count out
    if (!context.own.complete()) return;
    const reported =
      result.status === 'canceled' && context.own.isCanceled
        ? { status: 'canceled' as const, error: context.own.reason }
        : result;
    context.own.release();
    // what the callback throws is raised uncaught: it must not reach the lower module's delivery (or the first
    // step's start, whose catch would release and count out a second time)
    deliverResult(context.callback, reported, this.lifecycle);
  }
}
// #endregion

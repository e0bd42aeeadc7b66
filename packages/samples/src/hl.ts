// #region module
import { runAsPromise, type AsyncOp, type Clock } from 'async-op';
import {
  CancellableModuleBase,
  expectCallback,
  expectClock,
  expectLowerModule,
  expectObject,
  expectTimeoutMs,
  mapRetryableToError,
  operationLabel,
  readOperationOptions,
  startForwarded,
  type CancellableModule,
  type OperationOptions,
  type StartCallback,
} from 'async-op-module-kit';

/** What {@link HighLevelModule} takes. */
export interface HighLevelModuleOptions<Request, Value> {
  /** The module beneath (any ML module, or any module of the same shape). Not owned. */
  readonly lower: CancellableModule<Request, Value>;
  /**
   * The deadline of every operation, in ms from its start, unless its start() gives one (`timeoutMs` or `deadline`);
   * default `Infinity` (none).
   */
  readonly timeoutMs?: number | undefined;
  /** The clock of the deadlines; default `systemClock` (real time). Tests give a `ManualClock`. */
  readonly clock?: Clock | undefined;
}

/** What {@link HighLevelModule.run} takes: a signal, and the per-call options of start(). */
export interface RunOptions extends OperationOptions {
  /** Aborting it cancels the operation (the promise then rejects with `signal.reason`). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * HL module: the top-level operation handed to users, over any lower module; run() with a Promise and `{ signal }`,
 * or start() with a callback; each operation with a deadline if the module or the call gives one.
 *
 * @remarks Same key steps as ML pass-through (the module kit's startForwarded). The lower op follows the HL op: a
 *   cancel reaches it with a reason of kind `parent` whose `cause` is the caller's reason, and the HL result carries
 *   the HL op's own reason. A deadline cancels the HL op from the clock's timer with a `DeadlineExceededError` (kind
 *   `deadline`; `isDeadlineError()` tells it from a cancel), which is then the `error` of the `canceled` result. A
 *   lower `error-can-retry` (an LL directly beneath) is an `error` for users.
 */
export class HighLevelModule<Request, Value> extends CancellableModuleBase<Request, Value> {
  private readonly lower: CancellableModule<Request, Value>;
  private readonly timeoutMs: number;
  private readonly clock: Clock;

  /**
   * @throws TypeError if `options.lower` is not a module or `options.clock` not a Clock; TypeError/RangeError for a
   *   `timeoutMs` that is not a number >= 0.
   */
  constructor(options: HighLevelModuleOptions<Request, Value>) {
    super('hl');
    expectLowerModule(options);
    this.lower = options.lower;
    // the default for undefined only: null is a wrong type, refused like any other
    this.timeoutMs = expectTimeoutMs(
      'options.timeoutMs',
      options.timeoutMs === undefined ? Infinity : options.timeoutMs,
    );
    this.clock = expectClock('options.clock', options.clock);
  }

  /**
   * See {@link CancellableModuleBase.start}.
   *
   * @param options - this operation's deadline (`timeoutMs` or `deadline` on the module's clock, replacing the
   *   module's default) and label.
   * @throws as CancellableModuleBase.start, and TypeError/RangeError for bad `options` (nothing started then).
   */
  // #region start
  start(request: Request, callback: StartCallback<Value>, options?: OperationOptions): AsyncOp<unknown> {
    // 1. check the callback, this call's options and that the module is open: throwing here leaves nothing behind
    expectCallback(callback);
    const { timeoutMs, deadline, label } = readOperationOptions(options, this.timeoutMs);
    this.lifecycle.admit();
    // 2.-10. the kit's startForwarded, with the op's deadline on this module's clock: when it passes, the op is
    //    canceled (kind `deadline`) and the lower op, which follows it, with it (kind `parent`)
    return startForwarded({
      lower: this.lower,
      lifecycle: this.lifecycle,
      request,
      callback,
      mapResult: mapRetryableToError,
      label: label ?? operationLabel(this.name, request),
      timeoutMs,
      deadline,
      clock: this.clock,
    });
  }
  // #endregion

  /**
   * Runs one operation as a Promise.
   *
   * @param options - `signal`: aborting it cancels the operation; `timeoutMs`, `deadline`, `label`: as for start().
   * @returns the value of an `ok` result.
   * @throws synchronously, like start(): a TypeError for bad `options` or a bad request, ModuleClosedError when the
   *   module is not open, whatever the lower start() throws (then nothing started). The promise rejects with the error
   *   of an `error` result; for `canceled`, with `signal.reason` when the signal caused it, else the cancel reason (a
   *   `DeadlineExceededError` when the deadline passed); with `signal.reason` at once when the signal was aborted
   *   already (nothing starts then).
   */
  // #region run
  run(request: Request, options: RunOptions = {}): Promise<Value> {
    const { signal, timeoutMs, deadline, label } = expectObject('options', options);
    const operation = { timeoutMs, deadline, label } as OperationOptions;
    // checked here too: an aborted signal starts nothing, and bad options must be refused all the same
    readOperationOptions(operation, this.timeoutMs);
    // start() runs inside runAsPromise, which turns its throw into a rejection: catch it to throw it here, as start()
    // does, so that a bad request is refused the same way as bad options
    const refusal: { error?: unknown } = {};
    const promise = runAsPromise<Value>(
      (callback) => {
        try {
          return this.start(
            request,
            (result) => {
              if (result.status === 'ok') callback(null, result.value);
              else callback(result.error ?? new Error(`Operation ended ${result.status}`), undefined as Value);
            },
            operation,
          );
        } catch (error) {
          refusal.error = error;
          throw error;
        }
      },
      { signal: signal as AbortSignal | undefined },
    );
    if (!('error' in refusal)) return promise;
    promise.catch(() => undefined);
    throw refusal.error;
  }
  // #endregion
}
// #endregion

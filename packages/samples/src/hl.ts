// #region module
import { runAsPromise, type AsyncOp } from 'async-op';
import {
  CancellableModuleBase,
  expectCallback,
  expectLowerModule,
  mapRetryableToError,
  startForwarded,
  type CancellableModule,
  type StartCallback,
} from 'async-op-module-kit';

/** What {@link HighLevelModule} takes. */
export interface HighLevelModuleOptions<Request, Value> {
  /** The module beneath (any ML module, or any module of the same shape). Not owned. */
  readonly lower: CancellableModule<Request, Value>;
}

/**
 * HL module: the top-level operation handed to users, over any lower module; run() with a Promise and `{ signal }`,
 * or start() with a callback.
 *
 * @remarks Same key steps as ML pass-through (the module kit's startForwarded); cancel passes through with its
 *   reason, and a lower `error-can-retry` (an LL directly beneath) is an `error` for users.
 */
export class HighLevelModule<Request, Value> extends CancellableModuleBase<Request, Value> {
  private readonly lower: CancellableModule<Request, Value>;

  /** @throws TypeError if `options.lower` is not a module. */
  constructor(options: HighLevelModuleOptions<Request, Value>) {
    super('hl');
    expectLowerModule(options);
    this.lower = options.lower;
  }

  /** See {@link CancellableModuleBase.start}. */
  start(request: Request, callback: StartCallback<Value>): AsyncOp<unknown> {
    // 1. check the callback and that the module is open: throwing here leaves nothing behind
    expectCallback(callback);
    this.lifecycle.admit();
    // 2.-10. the kit's startForwarded
    const lower = this.lower;
    return startForwarded({ lower, lifecycle: this.lifecycle, request, callback, mapResult: mapRetryableToError });
  }

  /**
   * Runs one operation as a Promise.
   *
   * @param options - `signal`: aborting it cancels the operation.
   * @returns the value of an `ok` result.
   * @throws synchronously, like start(): a TypeError for bad `options` or a bad request, ModuleClosedError when the
   *   module is not open, whatever the lower start() throws (then nothing started). The promise rejects with the error
   *   of an `error` result; for `canceled`, with `signal.reason` when the signal caused it, else the cancel reason; with
   *   `signal.reason` at once when the signal was aborted already (nothing starts then).
   */
  // #region run
  run(request: Request, options: { readonly signal?: AbortSignal } = {}): Promise<Value> {
    // start() runs inside runAsPromise, which turns its throw into a rejection: catch it to throw it here, as start()
    // does, so that a bad request is refused the same way as bad options
    const refusal: { error?: unknown } = {};
    const promise = runAsPromise<Value>((callback) => {
      try {
        return this.start(request, (result) => {
          if (result.status === 'ok') callback(null, result.value);
          else callback(result.error ?? new Error(`Operation ended ${result.status}`), undefined as Value);
        });
      } catch (error) {
        refusal.error = error;
        throw error;
      }
    }, options);
    if (!('error' in refusal)) return promise;
    promise.catch(() => undefined);
    throw refusal.error;
  }
  // #endregion
}
// #endregion

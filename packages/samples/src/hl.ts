import { runAsPromise, type AsyncOp } from 'async-op';
import { startForwarded } from './internal/forward.js';
import { expectCallback, ModuleLifecycle } from './internal/module-lifecycle.js';
import { expectLowerModule } from './internal/validate-options.js';
import type { CancellableModule, ModuleState, Result, StartCallback } from './module-types.js';

/** What {@link HighLevelModule} takes. */
export interface HighLevelModuleOptions<Request, Value> {
  /** The module beneath (any ML module, or any module of the same shape). Not owned. */
  readonly lower: CancellableModule<Request, Value>;
}

/** The HL mapping: a lower `error-can-retry` (an LL directly beneath) is an `error` for users. */
function mapForUsers<V>(result: Result<V>): Result<V> {
  return result.status === 'error-can-retry' ? { status: 'error', error: result.error } : result;
}

/**
 * HL module: the top-level operation handed to users, over any lower module; start() with a callback, or run() with
 * a Promise and `{ signal }`.
 *
 * @remarks Same key steps as ML pass-through (internal/forward.ts); cancel passes through with its reason.
 */
export class HighLevelModule<Request, Value> implements CancellableModule<Request, Value> {
  readonly name = 'hl';
  private readonly lifecycle = new ModuleLifecycle(this.name);
  private readonly lower: CancellableModule<Request, Value>;

  /** @throws TypeError if `options.lower` is not a module. */
  constructor(options: HighLevelModuleOptions<Request, Value>) {
    expectLowerModule(options);
    this.lower = options.lower;
  }

  get state(): ModuleState {
    return this.lifecycle.state;
  }

  get pendingCount(): number {
    return this.lifecycle.pendingCount;
  }

  open(): void {
    this.lifecycle.open();
  }

  /** See {@link CancellableModule.start}. */
  start(request: Request, callback: StartCallback<Value>): AsyncOp<unknown> {
    // 1. check the callback and that the module is open: throwing here leaves nothing behind
    expectCallback(callback);
    this.lifecycle.admit();
    // 2.-6. see startForwarded
    return startForwarded({ lower: this.lower, lifecycle: this.lifecycle, request, callback, mapResult: mapForUsers });
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

  close(): Promise<void> {
    return this.lifecycle.close();
  }

  destroy(): void {
    this.lifecycle.destroy();
  }
}

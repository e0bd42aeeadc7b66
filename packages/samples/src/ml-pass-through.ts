import type { AsyncOp } from 'async-op';
import { mapRetryableToError, startForwarded } from './internal/forward.js';
import { expectCallback, ModuleLifecycle } from './internal/module-lifecycle.js';
import { expectLowerModule } from './internal/validate-options.js';
import type { CancellableModule, ModuleState, StartCallback } from './module-types.js';

/** What {@link PassThroughModule} takes. */
export interface PassThroughModuleOptions<Request, Value> {
  /** The module beneath (any LL module, or any module of the same shape). Not owned: open it first, close it last. */
  readonly lower: CancellableModule<Request, Value>;
}

/**
 * ML module that passes each operation through to ONE lower operation, mapping `error-can-retry` to `error`.
 *
 * @remarks
 * Cancel passes through to the lower op (with the same reason); the result, including `canceled`, is the lower
 * one's, so the timing of a canceled callback is the lower module's: inside cancel() over fake cancel, once the work
 * stopped over real cancel. The key steps (numbered in internal/forward.ts): create the op and take the callback's
 * reference before the lower start; store the lower op unless its callback already ran; in the callback, drop the
 * lower reference, win complete(), release the callback's reference, call back, count out.
 */
export class PassThroughModule<Request, Value> implements CancellableModule<Request, Value> {
  readonly name = 'ml-pass-through';
  private readonly lifecycle = new ModuleLifecycle(this.name);
  private readonly lower: CancellableModule<Request, Value>;

  /** @throws TypeError if `options.lower` is not a module. */
  constructor(options: PassThroughModuleOptions<Request, Value>) {
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

  /** See {@link CancellableModule.start}. The request is validated by the lower module (its throw passes through). */
  start(request: Request, callback: StartCallback<Value>): AsyncOp<unknown> {
    // 1. check the callback and that the module is open: throwing here leaves nothing behind
    expectCallback(callback);
    this.lifecycle.admit();
    // 2.-6. see startForwarded
    return startForwarded({
      lower: this.lower,
      lifecycle: this.lifecycle,
      request,
      callback,
      mapResult: mapRetryableToError,
    });
  }

  close(): Promise<void> {
    return this.lifecycle.close();
  }

  destroy(): void {
    this.lifecycle.destroy();
  }
}

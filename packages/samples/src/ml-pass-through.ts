// #region module
import type { AsyncOp } from 'async-op';
import {
  CancellableModuleBase,
  expectCallback,
  expectLowerModule,
  mapRetryableToError,
  operationLabel,
  startForwarded,
  type CancellableModule,
  type StartCallback,
} from 'async-op-module-kit';

/** What {@link PassThroughModule} takes. */
export interface PassThroughModuleOptions<Request, Value> {
  /** The module beneath (any LL module, or any module of the same shape). Not owned: open it first, close it last. */
  readonly lower: CancellableModule<Request, Value>;
}

/**
 * ML module that passes each operation through to ONE lower operation, mapping `error-can-retry` to `error`.
 *
 * @remarks
 * The lower op follows this module's op: a cancel reaches it with a reason of kind `parent` whose `cause` is the
 * caller's reason. The result is the lower one's (a `canceled` one with this op's own reason), so the timing of a
 * canceled callback is the lower module's: inside cancel() over fake cancel, once the work stopped over real cancel.
 * The key steps are the module kit's startForwarded (numbered there, and on docs/samples/ml-pass-through.md): create
 * the op and take the callback's reference before the lower start; store the lower op (and make it follow this one)
 * unless its callback already ran; in the callback, drop the lower reference, win complete(), release the callback's
 * reference, call back, count out.
 */
export class PassThroughModule<Request, Value> extends CancellableModuleBase<Request, Value> {
  private readonly lower: CancellableModule<Request, Value>;

  /** @throws TypeError if `options.lower` is not a module. */
  constructor(options: PassThroughModuleOptions<Request, Value>) {
    super('ml-pass-through');
    expectLowerModule(options);
    this.lower = options.lower;
  }

  /** See {@link CancellableModuleBase.start}. The request is checked by the lower module (its throw passes through). */
  // #region start
  start(request: Request, callback: StartCallback<Value>): AsyncOp<unknown> {
    // 1. check the callback and that the module is open: throwing here leaves nothing behind
    expectCallback(callback);
    this.lifecycle.admit();
    // 2.-10. the kit's startForwarded: one lower operation, its cancel passed down, its result mapped
    return startForwarded({
      lower: this.lower,
      lifecycle: this.lifecycle,
      request,
      callback,
      mapResult: mapRetryableToError,
      label: operationLabel(this.name, request),
    });
  }
  // #endregion
}
// #endregion

import { ErrorCode } from './error-codes.js';

/**
 * Thrown when a released AsyncOp reference is used, or released a second time.
 *
 * @remarks
 * Its `code` is always `ERR_ASYNC_OP_RELEASED`. It is thrown synchronously by the call that misused the reference,
 * before any state changes, so the operation itself is not corrupted.
 */
export class AsyncOpReleasedError extends Error {
  /** Always `ERR_ASYNC_OP_RELEASED`. */
  readonly code: typeof ErrorCode.ASYNC_OP_RELEASED = ErrorCode.ASYNC_OP_RELEASED;

  /** @param action - the method that was called on the released reference, e.g. `"release()"`. */
  constructor(action: string) {
    super(`Cannot call ${action} on an AsyncOp reference that was already released`);
  }

  static {
    this.prototype.name = 'AsyncOpReleasedError';
  }
}

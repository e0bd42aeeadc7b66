import { ErrorCode } from './error-codes.js';

/**
 * Thrown by cancel() when more than one of the functions it ran (the cancel implementation, onCancel callbacks,
 * listeners of the op's signal) threw.
 *
 * @remarks
 * cancel() runs every function even when one throws, then rethrows: a single error as it was thrown, several as one
 * CancelCallbackError listing them all in `errors`, in the order they were thrown. Its `code` is always
 * `ERR_ASYNC_OP_CANCEL_CALLBACKS_FAILED`.
 */
export class CancelCallbackError extends AggregateError {
  /** Always `ERR_ASYNC_OP_CANCEL_CALLBACKS_FAILED`. */
  readonly code: typeof ErrorCode.CANCEL_CALLBACKS_FAILED = ErrorCode.CANCEL_CALLBACKS_FAILED;

  /** @param errors - every error thrown during one cancel(), in order. */
  constructor(errors: readonly unknown[]) {
    super(errors, `${errors.length} functions run by cancel() threw`);
  }

  static {
    this.prototype.name = 'CancelCallbackError';
  }
}

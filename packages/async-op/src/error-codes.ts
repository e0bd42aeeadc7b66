/**
 * The permanent error codes of async-op. Messages may change between versions; codes never do.
 *
 * @remarks
 * Check `error.code` rather than `instanceof`: codes keep working when two copies of the package are loaded.
 */
export const ErrorCode = {
  /** The operation was canceled; see {@link CanceledError}. */
  CANCELED: 'ERR_CANCELED',
  /** A released AsyncOp reference was used or released again; see {@link AsyncOpReleasedError}. */
  ASYNC_OP_RELEASED: 'ERR_ASYNC_OP_RELEASED',
  /** Several cancel callbacks threw during one cancel(); see {@link CancelCallbackError}. */
  CANCEL_CALLBACKS_FAILED: 'ERR_ASYNC_OP_CANCEL_CALLBACKS_FAILED',
} as const;

/** One of the values of {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

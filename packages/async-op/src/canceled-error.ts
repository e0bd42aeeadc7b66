import { ErrorCode } from './error-codes.js';

/**
 * The error that reports a canceled operation.
 *
 * @remarks
 * Its `code` is always `ERR_CANCELED`. When the cancellation had a reason, the reason is the `cause`.
 */
export class CanceledError extends Error {
  /** Always `ERR_CANCELED`. */
  readonly code: typeof ErrorCode.CANCELED = ErrorCode.CANCELED;

  /**
   * @param message - what was canceled; defaults to "The operation was canceled".
   * @param options - `cause`: the cancel reason, when there was one.
   */
  constructor(message = 'The operation was canceled', options?: ErrorOptions) {
    super(message, options);
  }

  static {
    this.prototype.name = 'CanceledError';
  }
}

/**
 * Tells whether `error` reports a cancellation.
 *
 * @param error - any thrown or reported value.
 * @returns true for an error whose `code` is `ERR_CANCELED` (from any copy of this package), for an `AbortError`
 *   DOMException (what `AbortController.abort()` uses as its default reason), and for Node's own `AbortError`
 *   (`code: 'ABORT_ERR'`, what fs, timers and streams reject with when their `{ signal }` aborts).
 * @remarks Pure and synchronous; never throws.
 */
export function isCanceledError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (code === ErrorCode.CANCELED) return true;
  return name === 'AbortError' && (error instanceof DOMException || code === 'ABORT_ERR');
}

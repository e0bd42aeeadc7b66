import type { Result } from './module-types.js';

/** Errors worth repeating the same call for: a low-level module reports them as `error-can-retry`. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['EAGAIN', 'EWOULDBLOCK', 'EBUSY', 'EMFILE', 'ENFILE', 'EINTR']);

/**
 * Tells whether an error is transient: its `code` is EAGAIN, EWOULDBLOCK, EBUSY, EMFILE, ENFILE or EINTR.
 *
 * @param error - any reported value (an Error, a string, undefined...).
 * @returns true if it is an object whose `code` is one of those.
 * @remarks Reads `code` once; never throws, whatever the value (a getter that throws counts as not retryable).
 */
export function isRetryableError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  let code: unknown;
  try {
    code = (error as { code?: unknown }).code;
  } catch {
    return false;
  }
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

/**
 * The mapping of a module above the low level that does not retry: `error-can-retry` becomes `error`; every other
 * result passes unchanged (the same object).
 *
 * @param result - the lower module's result.
 * @returns the result to report.
 * @remarks Only low-level modules report `error-can-retry` (docs/reference/contract.md, 'Cancellable modules').
 */
export function mapRetryableToError<V>(result: Result<V>): Result<V> {
  return result.status === 'error-can-retry' ? { status: 'error', error: result.error } : result;
}

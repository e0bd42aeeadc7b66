import { readFileJobRequest } from './internal/read-file-job-request.js';

/**
 * The one request type of both LL modules, so any ML/HL module can sit on either.
 *
 * - `write-file`: creates a NEW file at `path` with `data` (an anonymous file in the same directory, written in
 *   chunks of `chunkSize` bytes, then given its name with a hard link: the name appears only once every byte is
 *   written). Fails with EEXIST if `path` exists.
 * - `sync-file`: opens `path` and flushes it to storage (fsync).
 * - `rename`: renames `from` to `to`, replacing `to` (rename(2), atomic).
 * - `unlink`: removes the name `path`.
 * - `read-file`: reads all of `path` in chunks of `chunkSize` bytes.
 */
export type FileJobRequest =
  | { readonly kind: 'write-file'; readonly path: string; readonly data: Uint8Array; readonly chunkSize?: number }
  | { readonly kind: 'sync-file'; readonly path: string }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string }
  | { readonly kind: 'unlink'; readonly path: string }
  | { readonly kind: 'read-file'; readonly path: string; readonly chunkSize?: number };

/**
 * What a finished file job reports: `bytes` written or read (0 for the others), for `read-file` the `data`, and the
 * error of the file's final close if that one failed after the work was done.
 *
 * @remarks
 * A close error does not fail a job whose work is done: the descriptor is released whatever close reports, and for
 * `write-file` the new name already exists (a retry would fail with EEXIST, and a failure would have to mean "no new
 * file"). It is reported in `closeError` (EINTR, EIO, ...) for a caller that wants to know; with node-fs and io_uring
 * alike. The key is absent when the close succeeded.
 */
export interface FileJobValue {
  readonly bytes: number;
  readonly data?: Buffer;
  readonly closeError?: unknown;
}

/** The default chunk of `write-file` and `read-file`: 64 KiB. */
export const DEFAULT_CHUNK_SIZE = 65_536;

/** Errors worth repeating the same call for: the LL modules report them as `error-can-retry`. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['EAGAIN', 'EWOULDBLOCK', 'EBUSY', 'EMFILE', 'ENFILE', 'EINTR']);

/**
 * Tells whether an error is transient (EAGAIN, EWOULDBLOCK, EBUSY, EMFILE, ENFILE, EINTR).
 *
 * @param error - any reported value.
 * @returns true if its `code` is one of those.
 */
export function isRetryableError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

/**
 * Checks a request before anything starts, so that a start function can throw and leave nothing behind.
 *
 * @remarks Paths must be non-empty strings without NUL bytes; `data` a Uint8Array that is not detached (it would
 *   read as empty); `chunkSize` an integer from 1 to 2^31-1. The data of a `write-file` stays the caller's, and must
 *   stay attached, until the callback: a job whose data is detached meanwhile ends with {@link DataDetachedError}.
 * @throws TypeError or RangeError naming the field and the value received.
 */
export function validateFileJobRequest(request: unknown): asserts request is FileJobRequest {
  readFileJobRequest(request);
}

import { describeValue } from 'async-op';

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

function expectPath(name: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\0')) {
    throw new TypeError(`Expected \`${name}\` to be a non-empty path string, got ${describeValue(value)}`);
  }
}

function expectChunkSize(value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 0x7fffffff) {
    throw new RangeError(`Expected \`request.chunkSize\` to be an integer >= 1, got ${describeValue(value)}`);
  }
}

/**
 * Checks a request before anything starts, so that a start function can throw and leave nothing behind.
 *
 * @throws TypeError or RangeError naming the field and the value received.
 */
export function validateFileJobRequest(request: unknown): asserts request is FileJobRequest {
  if (typeof request !== 'object' || request === null) {
    throw new TypeError(`Expected \`request\` to be an object, got ${describeValue(request)}`);
  }
  const r = request as Record<string, unknown>;
  switch (r['kind']) {
    case 'write-file':
      expectPath('request.path', r['path']);
      if (!(r['data'] instanceof Uint8Array)) {
        throw new TypeError(`Expected \`request.data\` to be a Uint8Array, got ${describeValue(r['data'])}`);
      }
      expectChunkSize(r['chunkSize']);
      return;
    case 'read-file':
      expectPath('request.path', r['path']);
      expectChunkSize(r['chunkSize']);
      return;
    case 'sync-file':
    case 'unlink':
      expectPath('request.path', r['path']);
      return;
    case 'rename':
      expectPath('request.from', r['from']);
      expectPath('request.to', r['to']);
      return;
    default:
      throw new TypeError(
        `Expected \`request.kind\` to be 'write-file', 'sync-file', 'rename', 'unlink' or 'read-file', got ${describeValue(r['kind'])}`,
      );
  }
}

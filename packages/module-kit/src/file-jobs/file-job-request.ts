import { describeValue } from 'async-op';
import { expectBytes, expectChunkSize, expectPath } from '../request-validators.js';

/**
 * The request of a file job (`FileJob`), the one request type of the low-level file modules, so any module
 * above can sit on any of them.
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
  | {
      /** Create a new file with `data`. */
      readonly kind: 'write-file';
      /** The new file's name (it must not exist). */
      readonly path: string;
      /** What to write: the caller's, kept attached and unchanged until the callback. */
      readonly data: Uint8Array;
      /** Bytes per write; default {@link DEFAULT_CHUNK_SIZE}. */
      readonly chunkSize?: number;
    }
  | {
      /** Open the file and flush it to storage. */
      readonly kind: 'sync-file';
      /** The file to flush. */
      readonly path: string;
    }
  | {
      /** Rename `from` to `to`. */
      readonly kind: 'rename';
      /** The name to rename. */
      readonly from: string;
      /** The new name, replaced if it exists. */
      readonly to: string;
    }
  | {
      /** Remove a name. */
      readonly kind: 'unlink';
      /** The name to remove. */
      readonly path: string;
    }
  | {
      /** Read the whole file. */
      readonly kind: 'read-file';
      /** The file to read. */
      readonly path: string;
      /** Bytes per read; default {@link DEFAULT_CHUNK_SIZE}. */
      readonly chunkSize?: number;
    };

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
  /** Bytes written (`write-file`) or read (`read-file`); 0 for the others. */
  readonly bytes: number;
  /** `read-file`: the bytes read. */
  readonly data?: Buffer;
  /** The error of the file's final close, after the work was done; absent when the close succeeded. */
  readonly closeError?: unknown;
}

/** The default chunk of `write-file` and `read-file`: 64 KiB. */
export const DEFAULT_CHUNK_SIZE = 65_536;

/**
 * Checks a file job request and returns a copy of it, each field read once: a job then works on values that cannot
 * change under it (a getter answering differently on each read, a field reassigned during the job).
 *
 * @param request - the value received.
 * @returns a new plain object with the request's fields (`chunkSize` only when given). `data` is not copied: it stays
 *   the caller's, and must stay attached and unchanged until the callback.
 * @throws TypeError or RangeError naming the field and the value received: paths must be non-empty strings without
 *   NUL bytes, `data` a Uint8Array that is not detached, `chunkSize` an integer from 1 to 2^31-1.
 * @remarks Synchronous; fields of other kinds are left out of the copy. A start function calls it first, so that a
 *   bad request throws before anything is created.
 */
export function parseFileJobRequest(request: unknown): FileJobRequest {
  if (typeof request !== 'object' || request === null) {
    throw new TypeError(`Expected \`request\` to be an object, got ${describeValue(request)}`);
  }
  const r = request as Record<string, unknown>;
  const kind = r['kind'];
  switch (kind) {
    case 'write-file': {
      const path = expectPath('request.path', r['path']);
      const data = expectBytes('request.data', r['data']);
      const chunkSize = expectChunkSize('request.chunkSize', r['chunkSize']);
      return chunkSize === undefined ? { kind, path, data } : { kind, path, data, chunkSize };
    }
    case 'read-file': {
      const path = expectPath('request.path', r['path']);
      const chunkSize = expectChunkSize('request.chunkSize', r['chunkSize']);
      return chunkSize === undefined ? { kind, path } : { kind, path, chunkSize };
    }
    case 'sync-file':
    case 'unlink':
      return { kind, path: expectPath('request.path', r['path']) };
    case 'rename':
      return { kind, from: expectPath('request.from', r['from']), to: expectPath('request.to', r['to']) };
    default:
      throw new TypeError(
        `Expected \`request.kind\` to be 'write-file', 'sync-file', 'rename', 'unlink' or 'read-file', got ${describeValue(kind)}`,
      );
  }
}

/**
 * Checks a file job request before anything starts, so that a start function can throw and leave nothing behind.
 *
 * @param request - the value received.
 * @throws TypeError or RangeError naming the field and the value received (see {@link parseFileJobRequest}).
 * @remarks The data of a `write-file` stays the caller's, and must stay attached, until the callback: a job whose data
 *   is detached meanwhile ends with {@link DataDetachedError}.
 */
export function validateFileJobRequest(request: unknown): asserts request is FileJobRequest {
  parseFileJobRequest(request);
}

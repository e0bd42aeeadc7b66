import { describeValue } from 'async-op';
import { DEFAULT_CHUNK_SIZE, expectBytes, expectChunkSize, expectInteger, expectPath } from 'async-op-module-kit';

/**
 * The request of the worker-pool module: CPU work that runs on a worker thread.
 *
 * - `hash-file`: reads `path` in chunks of `chunkSize` bytes through an AsyncFileManager of the worker, and hashes
 *   them (SHA-256, each chunk hashed `rounds` times: the CPU part), waiting `pauseMs` between chunks (a rate limit:
 *   the worker is idle then).
 * - `hash-bytes`: hashes `data` (copied to the worker) the same way, without a file.
 */
export type HashRequest =
  | {
      readonly kind: 'hash-file';
      readonly path: string;
      readonly chunkSize?: number;
      readonly rounds?: number;
      readonly pauseMs?: number;
    }
  | { readonly kind: 'hash-bytes'; readonly data: Uint8Array; readonly rounds?: number };

/** What a finished hash reports: bytes hashed, chunks, and the hex digest of the chunk chain. */
export interface HashValue {
  readonly bytes: number;
  readonly chunks: number;
  readonly digest: string;
}

/** The most hash rounds per chunk. */
export const MAX_ROUNDS = 1_000_000;
/** The longest pause between chunks, in ms. */
export const MAX_PAUSE_MS = 3_600_000;

/** An optional integer field: undefined, or an integer from `min` to `max`. @throws TypeError/RangeError naming it. */
function expectOptionalInteger(name: string, value: unknown, min: number, max: number): void {
  if (value !== undefined) expectInteger(name, value, min, max);
}

/**
 * Checks a request before anything starts (on the caller's thread), so that start() can throw and leave nothing
 * behind.
 *
 * @throws TypeError or RangeError naming the field and the value received.
 */
export function validateHashRequest(request: unknown): asserts request is HashRequest {
  if (typeof request !== 'object' || request === null) {
    throw new TypeError(`Expected \`request\` to be an object, got ${describeValue(request)}`);
  }
  const r = request as Record<string, unknown>;
  expectOptionalInteger('request.rounds', r['rounds'], 1, MAX_ROUNDS);
  switch (r['kind']) {
    case 'hash-file': {
      expectPath('request.path', r['path']);
      expectChunkSize('request.chunkSize', r['chunkSize']);
      expectOptionalInteger('request.pauseMs', r['pauseMs'], 0, MAX_PAUSE_MS);
      return;
    }
    case 'hash-bytes':
      expectBytes('request.data', r['data']);
      return;
    default:
      throw new TypeError(
        `Expected \`request.kind\` to be 'hash-file' or 'hash-bytes', got ${describeValue(r['kind'])}`,
      );
  }
}

/** The chunk size of a `hash-file` request. */
export function chunkSizeOf(request: Extract<HashRequest, { kind: 'hash-file' }>): number {
  return request.chunkSize ?? DEFAULT_CHUNK_SIZE;
}

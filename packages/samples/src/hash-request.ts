import { describeValue } from 'async-op';
import { DEFAULT_CHUNK_SIZE } from './file-job-request.js';

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

function expectIntegerIn(name: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`Expected \`${name}\` to be an integer in [${min}, ${max}], got ${describeValue(value)}`);
  }
}

/** Whether `data` views a detached buffer (it cannot be posted): only an empty view can. */
function isDetached(data: Uint8Array): boolean {
  if (data.byteLength !== 0) return false;
  try {
    structuredClone(data.buffer);
    return false;
  } catch {
    return true;
  }
}

function describeDetached(value: unknown): string {
  return value instanceof Uint8Array ? 'a Uint8Array of a detached buffer' : describeValue(value);
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
  expectIntegerIn('request.rounds', r['rounds'], 1, MAX_ROUNDS);
  switch (r['kind']) {
    case 'hash-file': {
      const path = r['path'];
      if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) {
        throw new TypeError(`Expected \`request.path\` to be a non-empty path string, got ${describeValue(path)}`);
      }
      expectIntegerIn('request.chunkSize', r['chunkSize'], 1, 0x7fffffff);
      expectIntegerIn('request.pauseMs', r['pauseMs'], 0, MAX_PAUSE_MS);
      return;
    }
    case 'hash-bytes':
      if (!(r['data'] instanceof Uint8Array) || isDetached(r['data'])) {
        throw new TypeError(`Expected \`request.data\` to be a Uint8Array, got ${describeDetached(r['data'])}`);
      }
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

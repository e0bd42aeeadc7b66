import { describeValue } from 'async-op';
import type { FileJobRequest } from '../file-job-request.js';

/** The largest chunk: 2^31-1 bytes, the most one read or write of Node's fs takes. */
const MAX_CHUNK_SIZE = 0x7fffffff;

/**
 * Whether `data` sits on a detached ArrayBuffer (transferred or structured-cloned away): its length then reads 0.
 *
 * @remarks Only an empty view can be detached; constructing a view over a detached buffer throws.
 */
export function isDetached(data: Uint8Array): boolean {
  if (data.byteLength !== 0) return false;
  try {
    new Uint8Array(data.buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** @returns `value`, a non-empty string without NUL bytes. @throws TypeError naming the value. */
export function readPath(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\0')) {
    throw new TypeError(
      `Expected \`${name}\` to be a non-empty path string without NUL bytes, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** @returns `value`: undefined, or an integer from 1 to 2^31-1. @throws TypeError/RangeError naming the value. */
export function readChunkSize(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const expected = `Expected \`request.chunkSize\` to be an integer from 1 to ${MAX_CHUNK_SIZE}`;
  if (typeof value !== 'number') throw new TypeError(`${expected}, got ${describeValue(value)}`);
  if (!Number.isInteger(value) || value < 1 || value > MAX_CHUNK_SIZE) {
    throw new RangeError(`${expected}, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Reads the data of a write: a Uint8Array that is not detached.
 *
 * @throws TypeError naming the value (a detached array is named as such: it would read as empty).
 */
export function readData(name: string, value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`Expected \`${name}\` to be a Uint8Array, got ${describeValue(value)}`);
  }
  if (isDetached(value)) {
    throw new TypeError(`Expected \`${name}\` to be a Uint8Array that is not detached, got a detached Uint8Array`);
  }
  return value;
}

/**
 * Checks a request and returns a copy of it, each field read once: a job then works on values that cannot change
 * under it (a getter answering differently on each read, a field reassigned during the job).
 *
 * @returns a new plain object with the request's fields (`chunkSize` only when given).
 * @throws TypeError or RangeError naming the field and the value received.
 */
export function readFileJobRequest(request: unknown): FileJobRequest {
  if (typeof request !== 'object' || request === null) {
    throw new TypeError(`Expected \`request\` to be an object, got ${describeValue(request)}`);
  }
  const r = request as Record<string, unknown>;
  const kind = r['kind'];
  switch (kind) {
    case 'write-file': {
      const path = readPath('request.path', r['path']);
      const data = readData('request.data', r['data']);
      const chunkSize = readChunkSize(r['chunkSize']);
      return chunkSize === undefined ? { kind, path, data } : { kind, path, data, chunkSize };
    }
    case 'read-file': {
      const path = readPath('request.path', r['path']);
      const chunkSize = readChunkSize(r['chunkSize']);
      return chunkSize === undefined ? { kind, path } : { kind, path, chunkSize };
    }
    case 'sync-file':
    case 'unlink':
      return { kind, path: readPath('request.path', r['path']) };
    case 'rename':
      return { kind, from: readPath('request.from', r['from']), to: readPath('request.to', r['to']) };
    default:
      throw new TypeError(
        `Expected \`request.kind\` to be 'write-file', 'sync-file', 'rename', 'unlink' or 'read-file', got ${describeValue(kind)}`,
      );
  }
}

import { describeValue } from 'async-op';

/** The largest chunk: 2^31-1 bytes, the most one read or write of Node's fs takes. */
export const MAX_CHUNK_SIZE = 0x7fffffff;

/**
 * Tells whether `data` sits on a detached ArrayBuffer (transferred or structured-cloned away): its length then reads
 * 0, and a job would silently write nothing.
 *
 * @param data - any Uint8Array.
 * @returns true if its buffer is detached.
 * @remarks Only an empty view can be detached (constructing a view over a detached buffer throws), so a non-empty
 *   view costs one comparison.
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

/**
 * Checks a path field of a request: a non-empty string without NUL bytes.
 *
 * @param name - how the error message names the field, e.g. `request.path`.
 * @param value - the value received.
 * @returns the path.
 * @throws TypeError naming the value received.
 * @remarks Says nothing about whether the file exists: that is the file system's answer, through the callback.
 */
export function expectPath(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\0')) {
    throw new TypeError(
      `Expected \`${String(name)}\` to be a non-empty path string without NUL bytes, got ${describeValue(value)}`,
    );
  }
  return value;
}

/**
 * Checks an optional chunk size: undefined, or an integer from 1 to 2^31-1 ({@link MAX_CHUNK_SIZE}).
 *
 * @param name - how the error message names the field, e.g. `request.chunkSize`.
 * @param value - the value received.
 * @returns the value (undefined stays undefined: the caller picks its default).
 * @throws TypeError naming the value when it is not a number; RangeError when it is not an integer in range.
 * @remarks Synchronous. 2^31-1 is the most one read or write of Node's fs takes; a larger chunk would be cut short.
 */
export function expectChunkSize(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const expected = `Expected \`${String(name)}\` to be an integer from 1 to ${MAX_CHUNK_SIZE}`;
  if (typeof value !== 'number') throw new TypeError(`${expected}, got ${describeValue(value)}`);
  if (!Number.isInteger(value) || value < 1 || value > MAX_CHUNK_SIZE) {
    throw new RangeError(`${expected}, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Checks the bytes of a write: a Uint8Array (a Buffer is one) that is not detached.
 *
 * @param name - how the error message names the field, e.g. `request.data`.
 * @param value - the value received.
 * @returns the array (not a copy: the caller keeps it attached and unchanged until the operation calls back).
 * @throws TypeError naming the value received; a detached array is named as such, since it would read as empty.
 * @remarks Synchronous. The check holds at this moment only: data detached later (transferred to a worker) is the
 *   job's to notice, before each chunk (a `write-file` job ends with DataDetachedError).
 */
export function expectBytes(name: string, value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`Expected \`${String(name)}\` to be a Uint8Array, got ${describeValue(value)}`);
  }
  if (isDetached(value)) {
    throw new TypeError(
      `Expected \`${String(name)}\` to be a Uint8Array that is not detached, got a detached Uint8Array`,
    );
  }
  return value;
}

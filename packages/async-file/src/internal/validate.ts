import { describeValue } from 'async-op';
import type { OpenMode } from '../file-engine.js';
import { isDetached } from './engine-failure.js';

/** The access modes of open(2), as the engine interface spells them. */
export const OPEN_MODES: readonly OpenMode[] = ['read', 'write', 'read-write'];

/**
 * Throws unless `value` is a safe integer in [`min`, `max`].
 *
 * @throws TypeError if `value` is not a number; RangeError if it is not an integer in range; both name the value.
 */
export function expectInteger(
  name: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    throw notAnInteger(name, value, min, max);
  }
}

/**
 * The error of {@link expectInteger}. Out of line: the checks stay small enough for the compiler to inline them into
 * every caller, the message is built only when one fails.
 */
function notAnInteger(name: string, value: unknown, min: number, max: number): Error {
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
  const message = `Expected \`${name}\` to be an integer ${range}, got ${describeValue(value)}`;
  return typeof value === 'number' ? new RangeError(message) : new TypeError(message);
}

/** Throws a TypeError naming the value unless `value` is a function. */
export function expectFunction(name: string, value: unknown): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') {
    throw new TypeError(`Expected \`${name}\` to be a function, got ${describeValue(value)}`);
  }
}

/** Throws a TypeError naming the value unless `value` is a non-empty path string without NUL bytes. */
export function expectPath(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\0')) {
    throw new TypeError(
      `Expected \`${name}\` to be a non-empty path string without NUL bytes, got ${describeValue(value)}`,
    );
  }
}

/** Throws a TypeError naming the value unless `value` is `read`, `write` or `read-write`. */
export function expectOpenMode(name: string, value: unknown): asserts value is OpenMode {
  if (typeof value !== 'string' || !(OPEN_MODES as readonly string[]).includes(value)) {
    throw new TypeError(`Expected \`${name}\` to be 'read', 'write' or 'read-write', got ${describeValue(value)}`);
  }
}

/**
 * Throws unless `buffer` is a Uint8Array and `[offset, offset + length)` lies inside it, `length` at most
 * {@link MAX_IO_BYTES} (what one engine call takes).
 *
 * @throws TypeError if `buffer` is not a Uint8Array or a number is not a number; RangeError if the range is outside.
 */
export function expectBufferRange(buffer: unknown, offset: unknown, length: unknown): asserts buffer is Uint8Array {
  if (!(buffer instanceof Uint8Array)) {
    throw new TypeError(`Expected \`buffer\` to be a Uint8Array, got ${describeValue(buffer)}`);
  }
  expectInteger('offset', offset, 0);
  expectInteger('length', length, 0, MAX_IO_BYTES);
  if (offset + length > buffer.byteLength) throw outsideBuffer(buffer, offset + length);
}

/** The error of {@link expectBufferRange} for a range that ends at `end`, past the buffer's end. */
function outsideBuffer(buffer: Uint8Array, end: number): RangeError {
  return new RangeError(
    `Expected \`offset + length\` to be <= the buffer's length ${buffer.byteLength}, got \`${end}\` (number)`,
  );
}

/** The largest buffer an engine takes in one call: 2 GiB - 1 bytes (Node's fs and the addon count lengths in int32). */
export const MAX_IO_BYTES = 0x7fffffff;

/**
 * Throws unless `buffer` is a Uint8Array an engine can take whole: not detached, at most {@link MAX_IO_BYTES} bytes.
 *
 * @throws TypeError if it is not a Uint8Array or its memory is detached; RangeError if it is larger.
 */
export function expectIoBuffer(name: string, buffer: unknown): asserts buffer is Uint8Array {
  if (!(buffer instanceof Uint8Array)) {
    throw new TypeError(`Expected \`${name}\` to be a Uint8Array or Buffer, got ${describeValue(buffer)}`);
  }
  if (buffer.length > MAX_IO_BYTES) {
    throw new RangeError(
      `Expected \`${name}\` to hold at most ${MAX_IO_BYTES} bytes (2 GiB - 1), got a buffer of ${buffer.length} bytes`,
    );
  }
  if (isDetached(buffer)) {
    throw new TypeError(`Expected \`${name}\` to be a Uint8Array whose memory is not detached, got a detached one`);
  }
}

/** The largest descriptor number: the kernel's are ints. */
const MAX_FD = 0x7fffffff;

/** Throws a TypeError/RangeError naming the value unless `fd` is an integer from 0 to 2^31 - 1. */
export function expectFd(name: string, fd: unknown): asserts fd is number {
  expectInteger(name, fd, 0, MAX_FD);
}

/**
 * The arguments of an engine's read or write: a descriptor, `[offset, offset + length)` inside `buffer` (at most
 * {@link MAX_IO_BYTES}) and a file position >= 0.
 *
 * @throws TypeError / RangeError naming the first bad one.
 */
export function expectIoCall(fd: unknown, buffer: unknown, offset: unknown, length: unknown, position: unknown): void {
  expectFd('fd', fd);
  expectBufferRange(buffer, offset, length);
  expectInteger('position', position, 0);
}

/**
 * A write's `length` as Node's fs.write and fs.writeSync take it: -0 (an integer for every check above) becomes 0.
 * Node aborts the whole process for a length of -0 (its binding asserts a 32-bit integer, which -0 is not).
 */
export function writeLength(length: number): number {
  return length === 0 ? 0 : length;
}

/** Throws a TypeError naming the value unless `value` is a boolean or undefined. */
export function expectOptionalBoolean(name: string, value: unknown): asserts value is boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(`Expected \`${name}\` to be a boolean or undefined, got ${describeValue(value)}`);
  }
}

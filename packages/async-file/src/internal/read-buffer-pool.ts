import { describeValue } from 'async-op';
import type { FileAction } from './file-action.js';
import { allocateAligned, loadNativeIo } from './native-io.js';

/** Reads up to this size are carved from a shared slab; larger ones get their own allocation. */
const SMALL_READ = 16 * 1024;
const SLAB_SIZE = 256 * 1024;

let slab: Buffer = Buffer.allocUnsafeSlow(SLAB_SIZE);
let used = 0;

/**
 * Reserves room for one read of `action.length` bytes: sets `action.buffer` to the memory and `action.bufferOffset`
 * to where the read goes in it. On an O_DIRECT file, a new buffer aligned as the file requires; else with a
 * `readBuffers` allocator on the manager, the allocator's; else a part of a slab (see below).
 *
 * @returns undefined, or the error to fail the read with when the allocator threw or returned no usable buffer.
 * @remarks Node's own pool (Buffer.allocUnsafe) only serves sizes below 4 KiB, and a fresh 4 KiB Buffer costs about
 * 1 us, as much as the read itself. Small reads are carved from a 256 KiB slab instead, as Node does for its pool:
 * the slab lives while any buffer carved from it does, and only the bytes a read filled are ever handed out. No Buffer
 * object is created until the read succeeded (then one, by subarray). Reserving twice (a fast-path read that went the
 * asynchronous way after all) keeps the first reservation.
 */
export function reserveReadBuffer(action: FileAction): Error | undefined {
  if (action.buffer !== undefined) return undefined;
  const length = action.length;
  const alignment = action.handle?.alignment;
  if (alignment != null) {
    // O_DIRECT: the kernel reads straight into the buffer, which must be aligned (the allocator's may not be)
    const io = loadNativeIo().io;
    if (io === undefined) return new Error('internal: an O_DIRECT file without the native addon');
    action.buffer = allocateAligned(io, length, alignment.memory);
    action.bufferOffset = 0;
    // not the allocator's: releaseBuffer() must not hand it to the allocator (which would refuse it)
    action.scheduler.trackUnpooled(action);
    return undefined;
  }
  const allocator = action.scheduler.readBuffers;
  if (allocator !== undefined) {
    let buffer: unknown;
    try {
      buffer = allocator.allocate(length);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    if (!(buffer instanceof Uint8Array) || buffer.length < length) {
      return new TypeError(
        `Expected readBuffers.allocate(${length}) to return a Uint8Array of at least ${length} bytes, got ${describeValue(buffer)}`,
      );
    }
    action.buffer = buffer;
    action.bufferOffset = 0;
    action.pooled = true;
    return undefined;
  }
  if (length > SMALL_READ) {
    action.buffer = Buffer.allocUnsafe(length);
    action.bufferOffset = 0;
    return undefined;
  }
  if (used + length > SLAB_SIZE) {
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    used = 0;
  }
  action.buffer = slab;
  action.bufferOffset = used;
  // keep every buffer 8-byte aligned, as Node's pool does
  used = (used + length + 7) & ~7;
  return undefined;
}

/** The bytes a successful read filled, as the Buffer its callback receives (a view: no copy). */
export function readResult(action: FileAction, bytesRead: number): Buffer {
  const buffer = action.buffer as Uint8Array;
  const start = action.bufferOffset;
  if (buffer instanceof Buffer) {
    return start === 0 && bytesRead === buffer.length ? buffer : buffer.subarray(start, start + bytesRead);
  }
  return Buffer.from(buffer.buffer, buffer.byteOffset + start, bytesRead);
}

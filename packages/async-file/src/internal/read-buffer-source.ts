import { describeValue } from 'async-op';
import type { BufferAllocator } from '../buffer-pool.js';
import {
  ALIGNED_BUFFER,
  ALLOCATOR_BUFFER,
  CALLERS_BUFFER,
  OWN_BUFFER,
  SLAB_BUFFER,
  type FileAction,
  type ReadBuffers,
} from './file-action.js';
import { allocateAligned, loadNativeIo } from './native-io.js';

/** Reads up to this size are carved from a shared slab; larger ones get their own allocation. */
const SMALL_READ = 16 * 1024;
const SLAB_SIZE = 256 * 1024;

let slab: Buffer = Buffer.allocUnsafeSlow(SLAB_SIZE);
let used = 0;

/**
 * Where a manager's read results live, from the read's start to the user's release: the one place that decides where a
 * read's memory comes from (an O_DIRECT buffer aligned as the file requires; else the `readBuffers` allocator's; else a
 * part of a shared slab, or an allocation of its own for a large read) and when it goes back (a failed or canceled
 * read's at once, once the engine is done with it; a delivered one when the user calls releaseBuffer()).
 *
 * @remarks Node's own pool (Buffer.allocUnsafe) only serves sizes below 4 KiB, and a fresh Buffer of a few KiB costs
 * about as much as a cached read itself. Small reads are carved from a 256 KiB slab instead, as Node does for its pool:
 * the slab lives while any buffer carved from it does, and only the bytes a read filled are ever handed out. No Buffer
 * object is created until the read succeeded (then one, by subarray).
 */
export class ReadBufferSource implements ReadBuffers {
  /** The memory of O_DIRECT results handed out beside an allocator: releaseBuffer() must not give it to the allocator. */
  private readonly alignedResults = new WeakSet<ArrayBufferLike>();
  /**
   * How many of those are tracked and not released yet: while none is, release() skips the WeakSet. One the user never
   * releases keeps it consulted, which is correct, only slower.
   */
  private alignedCount = 0;

  /** @param allocator - the manager's `readBuffers`, or undefined for the built-in slabs. */
  constructor(readonly allocator: BufferAllocator | undefined) {}

  /**
   * Reserves room for one read of `action.length` bytes, for a read without a buffer: the read step does not call it
   * when the caller gave the buffer (readInto) or it was reserved already (a fast-path read that went the asynchronous
   * way after all keeps the first reservation).
   *
   * @returns undefined, or the error to fail the read with when the allocator threw or returned no usable buffer.
   */
  reserve(action: FileAction): Error | undefined {
    const length = action.length;
    const alignment = action.handle?.alignment;
    if (alignment != null) {
      // O_DIRECT: the kernel reads straight into the buffer, which must be aligned (the allocator's may not be)
      const io = loadNativeIo().io;
      if (io === undefined) return new Error('internal: an O_DIRECT file without the native addon');
      return this.take(action, ...this.aligned(allocateAligned(io, length, alignment.memory)));
    }
    const allocator = this.allocator;
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
      return this.take(action, buffer, 0, ALLOCATOR_BUFFER);
    }
    if (length > SMALL_READ) return this.take(action, Buffer.allocUnsafe(length), 0, OWN_BUFFER);
    if (used + length > SLAB_SIZE) {
      slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
      used = 0;
    }
    const offset = used;
    // keep every buffer 8-byte aligned, as Node's pool does
    used = (used + length + 7) & ~7;
    return this.take(action, slab, offset, SLAB_BUFFER);
  }

  /** The bytes a successful read filled, as the Buffer its callback receives (a view: no copy). */
  resultOf(action: FileAction, bytesRead: number): Buffer {
    const buffer = action.buffer as Uint8Array;
    const start = action.bufferOffset;
    if (buffer instanceof Buffer) {
      return start === 0 && bytesRead === buffer.length ? buffer : buffer.subarray(start, start + bytesRead);
    }
    return Buffer.from(buffer.buffer, buffer.byteOffset + start, bytesRead);
  }

  /**
   * Takes back the memory of a read that failed or was canceled, once the engine is done with it: the allocator's goes
   * back to it, an aligned one is forgotten; the rest needs nothing.
   */
  giveBack(action: FileAction): void {
    const origin = action.bufferOrigin;
    action.bufferOrigin = CALLERS_BUFFER;
    if (origin === ALLOCATOR_BUFFER) this.allocator?.release(action.buffer as Uint8Array);
    else if (origin === ALIGNED_BUFFER) this.untrackAligned(action.buffer as Uint8Array);
  }

  /**
   * The user is done with a read's result (AsyncFileManager.releaseBuffer): the allocator's goes back to it; an
   * aligned one (outside the allocator) is only forgotten; without an allocator nothing happens.
   *
   * @throws the allocator's error for a buffer it did not hand out or that was released already.
   */
  release(buffer: Uint8Array): void {
    if (this.untrackAligned(buffer)) return;
    this.allocator?.release(buffer);
  }

  private take(action: FileAction, buffer: Uint8Array, offset: number, origin: FileAction['bufferOrigin']): undefined {
    action.buffer = buffer;
    action.bufferOffset = offset;
    action.bufferOrigin = origin;
    return undefined;
  }

  /** An O_DIRECT buffer, tracked as not the allocator's (when there is one), so that release() does not hand it over. */
  private aligned(buffer: Buffer): [Buffer, number, FileAction['bufferOrigin']] {
    if (this.allocator === undefined) return [buffer, 0, OWN_BUFFER];
    this.alignedResults.add(buffer.buffer);
    this.alignedCount++;
    return [buffer, 0, ALIGNED_BUFFER];
  }

  /** Forgets an aligned result; false for any other buffer. */
  private untrackAligned(buffer: Uint8Array): boolean {
    if (this.alignedCount === 0 || !this.alignedResults.delete(buffer.buffer)) return false;
    this.alignedCount--;
    return true;
  }
}

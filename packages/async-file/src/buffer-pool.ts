import { describeValue } from 'async-op';
import { expectInteger } from './internal/validate.js';

/**
 * Where a manager's read buffers come from (the `readBuffers` option of AsyncFileManager): `allocate` is called when
 * a read starts, `release` when the buffer comes back, from the manager (a read that failed or was canceled, once the
 * engine is done with the memory) or from the user ({@link AsyncFileManager.releaseBuffer}, once done with a result).
 */
export interface BufferAllocator {
  /** A buffer of at least `size` bytes, not in use elsewhere; the read fills its first bytes. */
  allocate(size: number): Uint8Array;
  /** Takes back a buffer `allocate` returned, or a view of one (what a read's callback received). */
  release(buffer: Uint8Array): void;
}

/** Options of {@link BufferPool}. */
export interface BufferPoolOptions {
  /** The size of every pooled buffer, an integer >= 1. Reads up to this size are pooled. Default 65536. */
  readonly bufferSize?: number | undefined;
  /** The most released buffers kept for reuse, an integer >= 0 (more are left to the garbage collector). Default 256. */
  readonly maxFree?: number | undefined;
}

/** One pooled buffer and whether it is handed out. */
interface PoolEntry {
  readonly buffer: Buffer;
  isOut: boolean;
}

/**
 * A pool of fixed-size read buffers: the default {@link BufferAllocator}. In the steady state (every buffer released
 * once used) reads allocate no new buffer memory.
 *
 * @remarks
 * A buffer is reused only after it was released: one the user holds and has not released is never handed out again.
 * A request larger than `bufferSize` gets a buffer of its own that is not pooled (releasing it is allowed and drops
 * it). Releasing a buffer twice, or one the pool never handed out, throws a TypeError: that is a bug that would hand
 * the same memory to two readers.
 *
 * @example
 * ```ts
 * const manager = new AsyncFileManager({ readBuffers: new BufferPool({ bufferSize: 4096 }) });
 * // in a read's callback, once done with `bytes`:
 * manager.releaseBuffer(bytes);
 * ```
 */
export class BufferPool implements BufferAllocator {
  /** The size of every pooled buffer. */
  readonly bufferSize: number;
  /** The most released buffers kept for reuse. */
  readonly maxFree: number;
  private readonly free: PoolEntry[] = [];
  /** Every pooled buffer alive (handed out or free), by its memory: set once when it is created. */
  private readonly entries = new Map<ArrayBufferLike, PoolEntry>();
  private outstanding = 0;
  /** Larger-than-`bufferSize` buffers handed out: releasing them is allowed (once). */
  private readonly unpooled = new WeakSet<ArrayBufferLike>();
  private createdCount = 0;

  /** @throws TypeError/RangeError for a bad option, naming the value received. */
  constructor(options: BufferPoolOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
    }
    const { bufferSize = 65_536, maxFree = 256 } = options;
    expectInteger('bufferSize', bufferSize, 1, 0x7fffffff);
    expectInteger('maxFree', maxFree, 0);
    this.bufferSize = bufferSize;
    this.maxFree = maxFree;
  }

  /** Pooled buffers created so far (each `bufferSize` bytes): it stops growing in the steady state. */
  get created(): number {
    return this.createdCount;
  }

  /** Buffers ready for reuse. */
  get freeCount(): number {
    return this.free.length;
  }

  /** Pooled buffers handed out and not released yet. */
  get outstandingCount(): number {
    return this.outstanding;
  }

  /**
   * A buffer of `bufferSize` bytes (a released one if any) for `size` up to `bufferSize`; a new unpooled one of `size`
   * bytes above it.
   *
   * @throws TypeError/RangeError for a size that is not an integer >= 0.
   */
  allocate(size: number): Buffer {
    expectInteger('size', size, 0, 0x7fffffff);
    if (size > this.bufferSize) {
      const buffer = Buffer.allocUnsafeSlow(size);
      this.unpooled.add(buffer.buffer);
      return buffer;
    }
    let entry = this.free.pop();
    if (entry === undefined) {
      // its own memory (not a slice of Node's shared pool): the ArrayBuffer identifies it on release
      entry = { buffer: Buffer.allocUnsafeSlow(this.bufferSize), isOut: false };
      this.entries.set(entry.buffer.buffer, entry);
      this.createdCount++;
    }
    entry.isOut = true;
    this.outstanding++;
    return entry.buffer;
  }

  /**
   * Takes back a buffer {@link allocate} returned, or any view of it.
   *
   * @throws TypeError if `buffer` is not a Uint8Array, or is not outstanding from this pool (released already, or never
   *   handed out by it).
   */
  release(buffer: Uint8Array): void {
    if (!(buffer instanceof Uint8Array)) {
      throw new TypeError(`Expected \`buffer\` to be a Uint8Array or Buffer, got ${describeValue(buffer)}`);
    }
    const memory = buffer.buffer;
    const entry = this.entries.get(memory);
    if (entry === undefined || !entry.isOut) {
      if (this.unpooled.delete(memory)) return;
      throw new TypeError(
        `Expected \`buffer\` to be a buffer this pool handed out and that was not released yet, got ${describeValue(buffer)}`,
      );
    }
    entry.isOut = false;
    this.outstanding--;
    if (this.free.length < this.maxFree) this.free.push(entry);
    else this.entries.delete(memory); // dropped: left to the garbage collector
  }
}

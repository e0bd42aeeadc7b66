import { loadNativeAddonModule } from './native-addon.js';
import { expectInteger, MAX_IO_BYTES } from './validate.js';

/**
 * The synchronous helpers of the native addon (native/src/sync_io.cc) for the fast path: plain syscalls on the calling
 * thread that never wait for the disk. A result below 0 is -errno; only bad arguments throw.
 *
 * @remarks
 * Every function runs synchronously and returns before any other JavaScript runs; nothing is kept after it returns
 * (the buffer is only borrowed during the call).
 */
export interface NativeIo {
  /**
   * One preadv2 of `buffer[offset, offset + length)` at `position` with RWF_NOWAIT.
   *
   * @returns the bytes read (0 at end of file), or -errno: -EAGAIN (-11) when the data is not in the page cache and
   *   the read would block (the kernel may start reading it in for a later call), -EOPNOTSUPP (-95) where the file or
   *   the kernel does not support RWF_NOWAIT.
   * @throws TypeError if `buffer` is not a Uint8Array or a number is not a number; RangeError if a number is not an
   *   integer, is negative, or the range is outside the buffer.
   */
  preadNoWait(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  /**
   * {@link NativeIo.preadNoWait} of the whole of `buffer` (offset 0, its length): a read into a caller's buffer, with
   * two arguments fewer for the addon to convert.
   *
   * @throws TypeError if `buffer` is not a Uint8Array or a number is not a number; RangeError if a number is not an
   *   integer or is negative.
   */
  preadAllNoWait(fd: number, buffer: Uint8Array, position: number): number;
  /**
   * One pwritev2 of `buffer[offset, offset + length)` at `position` with RWF_NOWAIT.
   *
   * @returns the bytes written, or -errno: -EAGAIN (-11) when the write would block, -EOPNOTSUPP (-95) where the file
   *   system does not support it (ext4 and tmpfs refuse buffered RWF_NOWAIT writes; ext4 accepts O_DIRECT overwrites
   *   of allocated blocks that are not in the page cache).
   * @throws as {@link NativeIo.preadNoWait}.
   */
  pwriteNoWait(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  /**
   * Whether every page of `[position, position + length)` that lies within the file open at `fd` is in the page cache
   * (cachestat(2)): asked without reading anything, so it never starts I/O and never waits. Absent from builds older
   * than it.
   *
   * @returns 1 if they all are (and for a length of 0, or a range past the end of the file), 0 if one is not, or -errno
   *   when the kernel cannot tell: -ENOSYS (-38) before Linux 6.5, -EPERM (-1) where it refuses the query for this file,
   *   -EBADF (-9) for a closed descriptor.
   * @throws TypeError if a number is not a number; RangeError if it is not an integer or is negative.
   */
  readonly isCached?: (fd: number, position: number, length: number) => number;
  /**
   * posix_fadvise of `[offset, offset + length)` (`length` 0: to the end of the file).
   *
   * @param advice - one of {@link FADVISE} (mapped to this architecture's POSIX_FADV_* value in C++).
   * @returns 0, or -errno (-EBADF (-9) for a closed descriptor, -ESPIPE for a pipe).
   * @throws TypeError if a number is not a number; RangeError if it is negative, not an integer, or `advice` is not
   *   one of {@link FADVISE}.
   */
  fadvise(fd: number, offset: number, length: number, advice: number): number;
  /**
   * The alignment O_DIRECT needs on `fd`, from statx(STATX_DIOALIGN).
   *
   * @returns `[memory, offset]` (powers of two), `[0, 0]` when the file system does not support O_DIRECT or the kernel
   *   (before 6.1) does not report it, or -errno (a number) if statx failed.
   * @throws TypeError / RangeError if `fd` is not an integer >= 0.
   */
  directIoAlignment(fd: number): readonly [memory: number, offset: number] | number;
  /**
   * The bytes from the first byte of `buffer` (its byteOffset included) to the first address that is a multiple of
   * `alignment`; 0 if it is one already.
   *
   * @throws TypeError if `buffer` is not a Uint8Array; RangeError unless `alignment` is a power of two from 1 to 2^30.
   */
  alignmentGap(buffer: Uint8Array, alignment: number): number;
  /**
   * linkat(AT_FDCWD, `oldPath`, AT_FDCWD, `newPath`, AT_SYMLINK_FOLLOW) on libuv's thread pool (native/src/path_ops.cc):
   * with `/proc/self/fd/N` it names the file open at N, unnamed files included. Absent from builds older than it.
   *
   * @param callback - receives 0 or -errno, once, on a later turn.
   * @throws TypeError for a path that is not a non-empty string without NUL bytes, or a callback that is not a function
   *   (then nothing runs).
   */
  readonly linkFollow?: (oldPath: string, newPath: string, callback: (result: number) => void) => void;
}

/** The `advice` values of {@link NativeIo.fadvise}. */
export const FADVISE = { NORMAL: 0, RANDOM: 1, SEQUENTIAL: 2, WILLNEED: 3, DONTNEED: 4, NOREUSE: 5 } as const;

/** The largest `alignment` the addon accepts (its C++ bound). */
const MAX_ALIGNMENT = 2 ** 30;

const FUNCTION_NAMES = [
  'preadNoWait',
  'preadAllNoWait',
  'pwriteNoWait',
  'fadvise',
  'directIoAlignment',
  'alignmentGap',
] as const;

let loaded: ReturnType<typeof loadNativeIo> | undefined;

/**
 * The addon's sync functions, or why they are unavailable (one line; never throws).
 *
 * @remarks
 * Loads the same addon as the io_uring engine (once per process, shared with it); the result is computed once.
 */
export function loadNativeIo():
  { readonly io: NativeIo; readonly reason?: undefined } | { readonly io?: undefined; readonly reason: string } {
  if (loaded !== undefined) return loaded;
  const addon = loadNativeAddonModule();
  if (addon.exports === undefined) {
    loaded = { reason: addon.reason };
    return loaded;
  }
  const exports = addon.exports;
  const missing = FUNCTION_NAMES.filter((name) => typeof exports[name] !== 'function');
  // a build from before sync_io.cc existed still loads (the Ring works), but has none of these
  loaded =
    missing.length === 0
      ? { io: exports as unknown as NativeIo }
      : { reason: `the native addon lacks ${missing.join(', ')} (built from older sources: rebuild it)` };
  return loaded;
}

/**
 * A Buffer of `size` bytes whose data starts at a multiple of `alignment` (a power of two): allocUnsafeSlow(size +
 * alignment - 1) then subarray at the gap.
 *
 * @param io - from {@link loadNativeIo}, to measure the gap.
 * @returns a view of `size` bytes, uninitialised, of its own (unpooled) memory block; the up to `alignment - 1` bytes
 *   before it stay allocated as long as the view lives.
 * @throws TypeError if a number is not a number; RangeError if `size` is not an integer from 0 to 2^31 - 1 or
 *   `alignment` is not a power of two from 1 to 2^30.
 *
 * @example
 * ```ts
 * const buffer = allocateAligned(io, 8192, 4096);
 * io.alignmentGap(buffer, 4096); // 0
 * ```
 */
export function allocateAligned(io: NativeIo, size: number, alignment: number): Buffer {
  // at most what one read or write takes: a larger one would serve no action (and could not be allocated everywhere)
  expectInteger('size', size, 0, MAX_IO_BYTES);
  expectInteger('alignment', alignment, 1, MAX_ALIGNMENT);
  // checked here, before allocating, though alignmentGap checks it too: a bad alignment must not cost an allocation
  if ((alignment & (alignment - 1)) !== 0) {
    throw new RangeError(
      `Expected \`alignment\` to be a power of two from 1 to ${MAX_ALIGNMENT}, got \`${alignment}\` (number)`,
    );
  }
  // allocUnsafeSlow: its own block, never a slice of the shared pool, so nothing else lives in the padding
  const block = Buffer.allocUnsafeSlow(size + alignment - 1);
  const gap = io.alignmentGap(block, alignment);
  return block.subarray(gap, gap + size);
}

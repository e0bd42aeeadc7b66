/**
 * The native addon of async-op-file (posix_fadvise, preadv2 with RWF_NOWAIT, cachestat) as the `fast-paths` and
 * `abort` groups use it: to evict a file from the page cache, turn readahead off, and find which blocks are cached. The
 * groups load the binary the package ships (its `native/` folder, found through the package's own package.json) with
 * node-gyp-build, as the package does; nothing of the package's build or internal modules is imported.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

/** The part of the addon the groups call (its C++ side: packages/async-file/native/src/sync_io.cc). */
export interface NativeIo {
  /** posix_fadvise of `[offset, offset + length)` (`length` 0: to the end); 0 or -errno. */
  fadvise(fd: number, offset: number, length: number, advice: number): number;
  /** One preadv2 with RWF_NOWAIT: the bytes read, or -errno (-EAGAIN when the data is not in the page cache). */
  preadNoWait(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  /**
   * cachestat(2) of `[position, position + length)`: 1 if every page of it within the file is cached, 0 if one is not,
   * -errno when the kernel cannot tell (-ENOSYS before Linux 6.5). Starts no I/O. Absent from older builds.
   */
  readonly isCached?: (fd: number, position: number, length: number) => number;
}

/** The `advice` values the addon takes (indexes of its table of POSIX_FADV_* values, the same on every architecture). */
export const FADVISE = { NORMAL: 0, RANDOM: 1, SEQUENTIAL: 2, WILLNEED: 3, DONTNEED: 4, NOREUSE: 5 } as const;

const require = createRequire(import.meta.url);

let loaded:
  { readonly io: NativeIo; readonly reason?: undefined } | { readonly io?: undefined; readonly reason: string };

/** The addon's functions, or why they cannot be loaded (one line; never throws). */
export function loadNativeIo(): typeof loaded {
  if (loaded !== undefined) return loaded;
  try {
    const native = path.join(path.dirname(require.resolve('async-op-file/package.json')), 'native');
    const addon = (require('node-gyp-build') as (directory: string) => Partial<NativeIo>)(native);
    loaded =
      typeof addon.fadvise === 'function' && typeof addon.preadNoWait === 'function'
        ? { io: addon as NativeIo }
        : { reason: 'the native addon lacks fadvise or preadNoWait (built from older sources: rebuild it)' };
  } catch (error) {
    loaded = { reason: `the native addon did not load: ${(error as Error).message.split('\n')[0] ?? ''}` };
  }
  return loaded;
}

/** posix_fadvise over the whole file of `fd`; throws with the error number when it fails. */
export function fadviseOrThrow(io: NativeIo, fd: number, advice: number, what: string): void {
  const result = io.fadvise(fd, 0, 0, advice);
  if (result !== 0) throw new Error(`posix_fadvise(${what}) failed: ${result}`);
}

/** Readahead off: a miss reads the one block asked for, so no run warms the cache for the blocks after it. */
export function adviseRandom(io: NativeIo, fd: number): void {
  fadviseOrThrow(io, fd, FADVISE.RANDOM, 'RANDOM');
}

/** Blocks found in the page cache, and how many of the blocks were asked by a read because cachestat could not tell. */
export interface CachedBlocks {
  readonly cached: number;
  readonly probedByRead: number;
}

/**
 * Counts the blocks of `blockBytes` at `offsets` of the file open at `fd` that are in the page cache.
 *
 * @remarks
 * Asks cachestat (the addon's isCached) first: it only looks at the cache and starts no I/O, so counting does not change
 * what it counts. A read with RWF_NOWAIT is the fallback, for a block cachestat cannot tell about (a build without
 * isCached, Linux before 6.5): the kernel refuses it when the block is not cached, but queues the block's read before
 * it returns EAGAIN (readahead of the missed block, which POSIX_FADV_RANDOM shrinks to that block but does not stop),
 * so a probe by read warms the cache it measures, and a block it probed must not be read by the run it checks.
 */
export function countCachedBlocks(
  io: NativeIo,
  fd: number,
  offsets: Iterable<number>,
  blockBytes: number,
): CachedBlocks {
  let buffer: Buffer | undefined;
  let cached = 0;
  let probedByRead = 0;
  for (const offset of offsets) {
    const answer = io.isCached?.(fd, offset, blockBytes) ?? -1;
    if (answer >= 0) {
      if (answer === 1) cached++;
      continue;
    }
    buffer ??= Buffer.allocUnsafe(blockBytes);
    probedByRead++;
    if (io.preadNoWait(fd, buffer, 0, blockBytes, offset) >= 0) cached++;
  }
  return { cached, probedByRead };
}

/**
 * The native addon of async-op-file (posix_fadvise, preadv2 with RWF_NOWAIT) as the `fast-paths` and `abort` groups use
 * it: to evict a file from the page cache, turn readahead off, and probe which blocks are cached. The groups load the
 * binary the package ships (its `native/` folder, found through the package's own package.json) with node-gyp-build,
 * as the package does; nothing of the package's build or internal modules is imported.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

/** The part of the addon the groups call (its C++ side: packages/async-file/native/src/sync_io.cc). */
export interface NativeIo {
  /** posix_fadvise of `[offset, offset + length)` (`length` 0: to the end); 0 or -errno. */
  fadvise(fd: number, offset: number, length: number, advice: number): number;
  /** One preadv2 with RWF_NOWAIT: the bytes read, or -errno (-EAGAIN when the data is not in the page cache). */
  preadNoWait(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
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

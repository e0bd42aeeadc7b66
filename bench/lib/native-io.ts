/**
 * The native addon of async-file (posix_fadvise, preadv2 with RWF_NOWAIT) as the `fast-paths` and `abort` groups use
 * it: to evict a file from the page cache, turn readahead off, and probe which blocks are cached.
 */
// internal to async-file (not in its exports map): the built file, by path; only its types are imported statically
import type * as NativeIoModule from '../../packages/async-file/dist/src/internal/native-io.js';

/** The loaded addon (`loadNativeIo().io` when the addon is available). */
export type NativeIo = NonNullable<ReturnType<typeof NativeIoModule.loadNativeIo>['io']>;

export const { FADVISE, loadNativeIo } = (await import(
  new URL('../../../packages/async-file/dist/src/internal/native-io.js', import.meta.url).href // from bench/dist/lib
)) as typeof NativeIoModule;

/** posix_fadvise over the whole file of `fd`; throws with the error number when it fails. */
export function fadviseOrThrow(io: NativeIo, fd: number, advice: number, what: string): void {
  const result = io.fadvise(fd, 0, 0, advice);
  if (result !== 0) throw new Error(`posix_fadvise(${what}) failed: ${result}`);
}

/** Readahead off: a miss reads the one block asked for, so no run warms the cache for the blocks after it. */
export function adviseRandom(io: NativeIo, fd: number): void {
  fadviseOrThrow(io, fd, FADVISE.RANDOM, 'RANDOM');
}

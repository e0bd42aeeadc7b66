import { FeatureUnavailableError } from './feature-unavailable-error.js';
import { FileErrorCode } from './file-handle-error.js';
import { allocateAligned, loadNativeIo } from './internal/native-io.js';

/**
 * A Buffer of `size` bytes whose memory starts at a multiple of `alignment`: what O_DIRECT writes need (see
 * `AsyncFileHandle.directIoAlignment` for a file's `memory` alignment).
 *
 * @param size - bytes, an integer from 0 to 2^31 - 1 (the most one read or write takes).
 * @param alignment - a power of two from 1 to 2^30; default 4096 (a page, which satisfies every file system here).
 * @returns an uninitialised buffer of its own memory (never a slice of Node's shared pool).
 * @throws TypeError/RangeError for a bad size or alignment; FeatureUnavailableError `ERR_FILE_DIRECT_IO_UNAVAILABLE` where the
 *   native addon (which finds the address) cannot be loaded.
 *
 * @example
 * ```ts
 * const block = allocateAlignedBuffer(4096);
 * block.fill(0);
 * file.write(block, 0, callback); // on a file opened with { direct: true }
 * ```
 */
export function allocateAlignedBuffer(size: number, alignment = 4096): Buffer {
  const loaded = loadNativeIo();
  if (loaded.io === undefined) {
    throw new FeatureUnavailableError(
      FileErrorCode.DIRECT_IO_UNAVAILABLE,
      `Cannot allocate an aligned buffer: the native addon cannot be loaded: ${loaded.reason}`,
    );
  }
  return allocateAligned(loaded.io, size, alignment);
}

import { describeValue } from 'async-op';
import type { DirectIoAlignment, FileEngine } from '../file-engine.js';
import { FeatureUnavailableError } from '../feature-unavailable-error.js';
import { FileErrorCode } from '../file-handle-error.js';
import { loadNativeIo } from './native-io.js';

/**
 * Checks openExistingFile's options and whether the engine can do what they ask.
 *
 * @returns `direct`.
 * @throws TypeError for a `direct` that is not a boolean; FeatureUnavailableError `ERR_FILE_DIRECT_IO_UNAVAILABLE`
 *   with the engine's reason where its `directIo` capability is not `true`.
 */
export function expectOpenOptions(options: { readonly direct?: boolean | undefined }, engine: FileEngine): boolean {
  const { direct = false } = options;
  if (typeof direct !== 'boolean') {
    throw new TypeError(`Expected \`direct\` to be a boolean, got ${describeValue(direct)}`);
  }
  const support = direct ? engine.capabilities.directIo : true;
  if (support !== true) {
    throw new FeatureUnavailableError(FileErrorCode.DIRECT_IO_UNAVAILABLE, `Cannot open with O_DIRECT: ${support}`);
  }
  return direct;
}

/**
 * The O_DIRECT rules of one read or write on a file that requires `alignment`.
 *
 * @param buffer - the caller's buffer (readInto, write), or undefined for read() (whose buffer is allocated aligned).
 * @throws RangeError saying what alignment the file requires, naming the value received.
 */
export function expectAligned(
  alignment: DirectIoAlignment,
  kind: 'read' | 'write',
  offset: number,
  length: number,
  buffer: Uint8Array | undefined,
): void {
  const { memory, offset: unit } = alignment;
  const rule = `O_DIRECT ${kind}s on this file need`;
  if (offset % unit !== 0) {
    throw new RangeError(`${rule} \`offset\` to be a multiple of ${unit} bytes, got \`${offset}\` (number)`);
  }
  if (length % unit !== 0) {
    const what = buffer === undefined ? '`length`' : "the buffer's length";
    throw new RangeError(`${rule} ${what} to be a multiple of ${unit} bytes, got \`${length}\` (number)`);
  }
  const io = loadNativeIo().io;
  const gap = buffer === undefined || io === undefined ? 0 : io.alignmentGap(buffer, memory);
  if (gap !== 0) {
    throw new RangeError(
      `${rule} \`buffer\` to start at a multiple of ${memory} bytes in memory (allocateAlignedBuffer(size, ${memory}) makes one), got a buffer ${memory - gap} bytes past one`,
    );
  }
}

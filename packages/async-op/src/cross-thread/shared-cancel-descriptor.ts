import { describeValue } from '../describe-value.js';
import { readHeader, type TableHeader } from './internal/slot-layout.js';

/**
 * What a thread needs to follow one operation's cancel: plain data that `postMessage` carries to a worker (the
 * SharedArrayBuffer is shared, not copied).
 *
 * @remarks
 * Made by {@link CancelSlotTable.share} (see {@link SharedCancel.descriptor}); read by
 * {@link SharedCancelFollower.follow}. The generation makes the descriptor name one use of the slot: once the owner
 * released the slot, the descriptor can neither see nor cause the cancel of the slot's next operation.
 */
export interface SharedCancelDescriptor {
  /** The table's memory. */
  readonly buffer: SharedArrayBuffer;
  /** The slot, in [0, capacity). */
  readonly index: number;
  /** The use of the slot this descriptor names (an even int32). */
  readonly generation: number;
}

/** A descriptor whose buffer was checked, with the header it holds. */
export interface CheckedDescriptor extends SharedCancelDescriptor {
  readonly header: TableHeader;
}

/**
 * Checks a descriptor that came from another thread (or from anywhere).
 *
 * @param value - what was received.
 * @param name - the name to give it in error messages.
 * @returns the descriptor's fields and the table's header.
 * @throws TypeError for anything that is not an object with a cancel slot table's SharedArrayBuffer and integer
 *   `index` and `generation`; RangeError for an index outside the table or an odd or out-of-range generation. The
 *   message names the value received.
 */
export function checkDescriptor(value: unknown, name = 'descriptor'): CheckedDescriptor {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`Expected \`${name}\` to be a SharedCancelDescriptor object, got ${describeValue(value)}`);
  }
  const { buffer, index, generation } = value as Record<string, unknown>;
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new TypeError(`Expected \`${name}.buffer\` to be a SharedArrayBuffer, got ${describeValue(buffer)}`);
  }
  const header = readHeader(buffer);
  if (typeof header === 'string') {
    throw new TypeError(`Expected \`${name}.buffer\` to be a cancel slot table's buffer, got ${header}`);
  }
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= header.capacity) {
    throw new RangeError(
      `Expected \`${name}.index\` to be an integer in [0, ${header.capacity}), got ${describeValue(index)}`,
    );
  }
  if (typeof generation !== 'number' || (generation | 0) !== generation || (generation & 1) !== 0) {
    throw new RangeError(
      `Expected \`${name}.generation\` to be an even 32-bit integer, got ${describeValue(generation)}`,
    );
  }
  return { buffer, index, generation, header };
}

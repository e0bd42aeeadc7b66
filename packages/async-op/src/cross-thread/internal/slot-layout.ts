/**
 * The layout of a cancel slot table's SharedArrayBuffer, shared by the owner (CancelSlotTable) and the threads that
 * follow its slots (SharedCancelFollower), which only ever read it.
 *
 * ```
 * header   16 Int32 words (one 64-byte line): doorbell, magic, version, capacity, reasonBytes, tableId x2
 * slots    capacity x 16 Int32 words: [0] the slot's word, [1] the byte length of its encoded reason
 * reasons  capacity x reasonBytes bytes
 * ```
 *
 * A slot's word is a generation (an even int32) while its operation runs, and generation + 1 once the owner canceled
 * it. Each slot has a line of its own, so a thread spinning on its word never shares a cache line with the owner
 * writing another slot's.
 */

/** Int32 words per 64-byte cache line. */
export const LINE_WORDS = 16;
export const DOORBELL = 0;
/** The header word that holds the magic: an odd number, never equal to a generation. */
export const MAGIC_AT = 1;
const VERSION_AT = 2;
const CAPACITY_AT = 3;
const REASON_BYTES_AT = 4;
const ID_AT = 5;
/** "ASOC" */
const MAGIC = 0x4153_4f43;
const VERSION = 1;

export const MAX_CAPACITY = 65_536;
export const MIN_REASON_BYTES = 64;
export const MAX_REASON_BYTES = 65_536;

/** The Int32 index of slot `index`'s word. */
export function wordAt(index: number): number {
  return LINE_WORDS + index * LINE_WORDS;
}

/** The Int32 index of slot `index`'s reason length. */
export function reasonLengthAt(index: number): number {
  return LINE_WORDS + index * LINE_WORDS + 1;
}

/** The byte offset of slot `index`'s reason bytes. */
export function reasonOffset(capacity: number, reasonBytes: number, index: number): number {
  return (LINE_WORDS + capacity * LINE_WORDS) * 4 + index * reasonBytes;
}

export function bufferBytes(capacity: number, reasonBytes: number): number {
  return reasonOffset(capacity, reasonBytes, capacity);
}

/** Writes the header of a new table; `id` tells tables apart in a thread that follows several. */
export function writeHeader(words: Int32Array, capacity: number, reasonBytes: number, id: readonly number[]): void {
  words[MAGIC_AT] = MAGIC;
  words[VERSION_AT] = VERSION;
  words[CAPACITY_AT] = capacity;
  words[REASON_BYTES_AT] = reasonBytes;
  words[ID_AT] = id[0] ?? 0;
  words[ID_AT + 1] = id[1] ?? 0;
}

/** What a follower reads from a table's header. */
export interface TableHeader {
  readonly capacity: number;
  readonly reasonBytes: number;
  /** Unique per table (with overwhelming probability): the key of a thread's doorbell watcher. */
  readonly id: string;
}

/**
 * Reads and checks the header of a buffer said to be a cancel slot table.
 *
 * @returns the header, or a description of what is wrong with the buffer.
 */
export function readHeader(buffer: SharedArrayBuffer): TableHeader | string {
  if (buffer.byteLength < LINE_WORDS * 4) return `a SharedArrayBuffer of ${buffer.byteLength} bytes, too small`;
  const words = new Int32Array(buffer, 0, LINE_WORDS);
  if (words[MAGIC_AT] !== MAGIC || words[VERSION_AT] !== VERSION) return 'a SharedArrayBuffer of another format';
  const capacity = words[CAPACITY_AT] as number;
  const reasonBytes = words[REASON_BYTES_AT] as number;
  const isSized =
    capacity >= 1 &&
    capacity <= MAX_CAPACITY &&
    reasonBytes >= MIN_REASON_BYTES &&
    reasonBytes <= MAX_REASON_BYTES &&
    buffer.byteLength === bufferBytes(capacity, reasonBytes);
  if (!isSized) return 'a SharedArrayBuffer whose header does not match its size';
  return { capacity, reasonBytes, id: `${words[ID_AT]}:${words[ID_AT + 1]}` };
}

/** The generation after `word`: generations are even, and a canceled word is its generation + 1. */
export function nextGeneration(word: number): number {
  return ((word | 1) + 1) | 0;
}

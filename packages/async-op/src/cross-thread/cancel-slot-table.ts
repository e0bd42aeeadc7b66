import { AsyncOp } from '../async-op.js';
import { AsyncOpReleasedError } from '../async-op-released-error.js';
import { describeValue } from '../describe-value.js';
import { CancelSlotsExhaustedError } from './cancel-slots-exhausted-error.js';
import { encodeReason } from './internal/reason-codec.js';
import { writeReasonBytes } from './internal/reason-bytes.js';
import {
  bufferBytes,
  DOORBELL,
  MAX_CAPACITY,
  MAX_REASON_BYTES,
  MIN_REASON_BYTES,
  nextGeneration,
  reasonLengthAt,
  reasonOffset,
  wordAt,
  writeHeader,
} from './internal/slot-layout.js';
import { SharedCancel } from './shared-cancel.js';

/** Options of {@link CancelSlotTable}. */
export interface CancelSlotTableOptions {
  /** Operations that can share their cancel at once; an integer in [1, 65536]. Default 64. */
  readonly capacity?: number | undefined;
  /**
   * Bytes per slot for the cancel reason sent across (its name, message, code and kind as UTF-8 JSON; longer
   * strings are shortened to fit); an integer in [64, 65536]. Default 512.
   */
  readonly reasonBytes?: number | undefined;
}

function expectIntegerIn(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`Expected \`${name}\` to be an integer in [${min}, ${max}], got ${describeValue(value)}`);
  }
  return value;
}

/** Two random int32 words: a table's id, so that a thread following several tables keeps them apart. */
function randomId(): number[] {
  return [(Math.random() * 0x1_0000_0000) | 0, (Math.random() * 0x1_0000_0000) | 0];
}

/**
 * The owner's side of cross-thread cancel: a SharedArrayBuffer of slots, each carrying the cancel request (and its
 * reason) of one operation to the threads that follow it.
 *
 * @remarks
 * Only the thread that created the table writes its memory: it hands slots out ({@link CancelSlotTable.share}),
 * marks them canceled and takes them back. Other threads only read (see {@link SharedCancelFollower}). Every use of a
 * slot has a new generation, so a descriptor of a released slot can neither see nor cause the cancel of the slot's
 * next operation. A generation is an even 32-bit integer and advances by 2 on release and by nothing on share, so a
 * slot's generations repeat only after 2^30 uses: a descriptor would have to outlive that many reuses of its slot.
 *
 * Creating a table starts nothing (no worker, no timer, no listener): a main thread may import and create it freely.
 *
 * @example
 * ```ts
 * const table = new CancelSlotTable({ capacity: 8 });
 * const shared = table.share(op); // op.cancel() now marks the slot
 * worker.postMessage({ task, cancel: shared.descriptor });
 * // ... when the worker has reported back (or exited):
 * shared.release();
 * ```
 */
export class CancelSlotTable {
  /** The table's memory; post it (inside descriptors) to the threads that follow its slots. */
  readonly buffer: SharedArrayBuffer;
  /** The number of slots. */
  readonly capacity: number;
  /** The bytes each slot keeps for its reason. */
  readonly reasonBytes: number;
  private readonly words: Int32Array;
  private readonly bytes: Uint8Array;
  /** Free slots, used last-in first-out (a recently used slot is warm in the cache). */
  private readonly free: number[] = [];

  /**
   * Creates a table; every slot is free.
   *
   * @param options - `capacity` and `reasonBytes`.
   * @throws TypeError if `options` is not an object; RangeError for a capacity or a size out of range (naming it).
   */
  constructor(options: CancelSlotTableOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
    }
    this.capacity = expectIntegerIn('options.capacity', options.capacity, 64, 1, MAX_CAPACITY);
    this.reasonBytes = expectIntegerIn(
      'options.reasonBytes',
      options.reasonBytes,
      512,
      MIN_REASON_BYTES,
      MAX_REASON_BYTES,
    );
    this.buffer = new SharedArrayBuffer(bufferBytes(this.capacity, this.reasonBytes));
    this.words = new Int32Array(this.buffer);
    this.bytes = new Uint8Array(this.buffer);
    writeHeader(this.words, this.capacity, this.reasonBytes, randomId());
    for (let index = this.capacity - 1; index >= 0; index--) this.free.push(index);
  }

  /** Slots handed out by share() and not released yet. */
  get inUseCount(): number {
    return this.capacity - this.free.length;
  }

  /**
   * Gives `op` a slot: from now on, a cancel of `op` marks the slot canceled (with its reason) and wakes the threads
   * that wait on the table.
   *
   * @param op - a live AsyncOp reference. The table keeps no reference to it (like AsyncOp.follow(), a registration
   *   that the op drops when it completes or is finally released).
   * @returns the SharedCancel that owns the slot: post its `descriptor`, release it once the other side is done.
   * @throws TypeError if `op` is not an AsyncOp; CancelSlotsExhaustedError (`ERR_CANCEL_SLOTS_EXHAUSTED`) when
   *   every slot is in use; AsyncOpReleasedError if `op` was released. Nothing changed then.
   * @remarks
   * If `op` was already canceled, the slot starts canceled, before share() returns. If it completed, the slot never
   * gets canceled. Marking the slot is synchronous, inside the cancel() that won, after the op's own cancel
   * implementation.
   */
  share(op: AsyncOp<unknown>): SharedCancel {
    if (!(op instanceof AsyncOp)) {
      throw new TypeError(`Expected \`op\` to be an AsyncOp, got ${describeValue(op)}`);
    }
    if (op.isReleased) throw new AsyncOpReleasedError('share()');
    const index = this.free.pop();
    if (index === undefined) throw new CancelSlotsExhaustedError(this.capacity);
    const generation = Atomics.load(this.words, wordAt(index));
    const shared = new SharedCancel(this, index, generation);
    shared.attach(op);
    return shared;
  }

  /**
   * @internal Marks slot `index` canceled if it still holds `generation`: writes the reason, then the word, then
   * rings the doorbell. @returns whether it did.
   */
  cancelSlot(index: number, generation: number, reason: unknown): boolean {
    const at = wordAt(index);
    // the owner is the only writer: nothing can change the word between this check and the store below
    if (Atomics.load(this.words, at) !== generation) return false;
    const offset = reasonOffset(this.capacity, this.reasonBytes, index);
    const length = writeReasonBytes(
      encodeReason(reason, false),
      this.bytes.subarray(offset, offset + this.reasonBytes),
    );
    Atomics.store(this.words, reasonLengthAt(index), length);
    // the store that publishes the cancel, after the reason: a reader that sees it sees the reason
    Atomics.store(this.words, at, generation + 1);
    Atomics.add(this.words, DOORBELL, 1);
    Atomics.notify(this.words, DOORBELL);
    return true;
  }

  /** @internal Whether slot `index` holds `generation`, canceled. */
  isSlotCanceled(index: number, generation: number): boolean {
    return Atomics.load(this.words, wordAt(index)) === generation + 1;
  }

  /**
   * @internal Takes slot `index` back: its word moves to the next generation at once, so a follower of the old one
   * sees it gone, and a late descriptor of it can never match the slot's next use.
   */
  releaseSlot(index: number): void {
    const at = wordAt(index);
    Atomics.store(this.words, at, nextGeneration(Atomics.load(this.words, at)));
    this.free.push(index);
  }
}

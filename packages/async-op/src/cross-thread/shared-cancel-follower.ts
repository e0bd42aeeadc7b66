import { AsyncOp } from '../async-op.js';
import { CanceledError } from '../canceled-error.js';
import { describeValue } from '../describe-value.js';
import { DoorbellWatcher } from './internal/doorbell-watcher.js';
import { decodeReason } from './internal/reason-codec.js';
import { readReasonBytes } from './internal/reason-bytes.js';
import { MAGIC_AT, reasonLengthAt, reasonOffset, wordAt } from './internal/slot-layout.js';
import { checkDescriptor } from './shared-cancel-descriptor.js';

/** Options of {@link SharedCancelFollower.follow}. */
export interface SharedCancelFollowerOptions {
  /**
   * Whether a cancel reaches the op while this thread is idle or awaits I/O, without anyone checking (a shared
   * `Atomics.waitAsync` on the table, see the remarks of {@link SharedCancelFollower}). Default true. With false, the
   * op is canceled only by a check: {@link SharedCancelFollower.isCanceled} or
   * {@link SharedCancelFollower.throwIfCanceled}.
   */
  readonly watch?: boolean | undefined;
}

/** Why the op of a follower is canceled when the owner released the slot before the op ended. */
export const SLOT_RELEASED_KIND = 'cancel-slot-released';

/**
 * The receiving side of a cross-thread cancel: an AsyncOp, on this thread, that follows one slot of a
 * {@link CancelSlotTable} owned by another thread.
 *
 * @remarks
 * TIMING. The owner's cancel reaches {@link SharedCancelFollower.op} in one of two ways, whichever comes first:
 * - a check: {@link SharedCancelFollower.isCanceled} is one `Atomics.load` and a comparison while nothing happened, so
 *   a busy loop can check at every step; the check that sees the cancel cancels the op, synchronously, in the caller's
 *   stack (its cancel callbacks run there, before the check returns `true`);
 * - the doorbell (with `watch`, the default): when the thread is idle or awaits I/O, the op is canceled in a task of its
 *   own, soon after the owner's cancel, without anyone polling.
 *
 * The op is canceled once, with the owner's reason rebuilt on this thread (its name, message, code and `kind`; see
 * the `reason-codec` rules in the package README). If the owner released the slot first (it no longer wants the
 * result), the op is canceled with a CanceledError of `kind` {@link SLOT_RELEASED_KIND}. A cancel of the slot's next
 * operation is never seen: the slot's generation has changed.
 *
 * REFERENCES. The follower owns the op's first reference. {@link SharedCancelFollower.complete} marks the op
 * completed, stops following and releases that reference: call it once the work ended, BEFORE reporting the end to
 * the owner (once the owner has the report, it may give the slot to another operation). Take `op.ref()` to keep the
 * op longer.
 */
export class SharedCancelFollower {
  private static following = 0;

  /** The slot. */
  readonly index: number;
  /** The use of the slot this follower follows. */
  readonly generation: number;
  /** The op that is canceled when the owner cancels; owned by this follower until complete(). */
  readonly op: AsyncOp<SharedCancelFollower>;
  private readonly words: Int32Array;
  private readonly reasonView: Uint8Array;
  /** The word the fast check loads: the slot's while following, then the header's odd magic (never a generation). */
  private at: number;
  private watcher: DoorbellWatcher | null = null;
  private isDone = false;
  private wasCanceled = false;
  /** The reason, kept at complete() when the op was canceled (the op's reference is released then). */
  private finalReason: unknown = undefined;

  private constructor(
    buffer: SharedArrayBuffer,
    index: number,
    generation: number,
    capacity: number,
    reasonBytes: number,
  ) {
    this.index = index;
    this.generation = generation;
    this.words = new Int32Array(buffer);
    this.reasonView = new Uint8Array(buffer, reasonOffset(capacity, reasonBytes, index), reasonBytes);
    this.at = wordAt(index);
    this.op = AsyncOp.create<SharedCancelFollower>({ context: this, cancel: stopFollowing });
    SharedCancelFollower.following++;
  }

  /**
   * Followers of this thread not completed yet: 0 once every call ended (a leak check for the serving thread).
   *
   * @remarks Per thread: each thread has its own count. Never throws.
   */
  static get followingCount(): number {
    return SharedCancelFollower.following;
  }

  /**
   * Starts following a descriptor received from the owner's thread.
   *
   * @param descriptor - a {@link SharedCancelDescriptor} (checked: it usually arrives from another thread).
   * @param options - `watch`: default true.
   * @returns the follower; its op is already canceled (before follow() returns) if the owner canceled the slot or
   *   released it.
   * @throws TypeError or RangeError naming the value received for anything that is not a descriptor of a cancel slot
   *   table (wrong types, a foreign buffer, an index outside the table, an odd or non-integer generation). Nothing is
   *   created then.
   */
  static follow(descriptor: unknown, options: SharedCancelFollowerOptions = {}): SharedCancelFollower {
    const { buffer, index, generation, header } = checkDescriptor(descriptor);
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
    }
    const { watch = true } = options;
    if (typeof watch !== 'boolean') {
      throw new TypeError(`Expected \`options.watch\` to be a boolean, got ${describeValue(watch)}`);
    }
    const follower = new SharedCancelFollower(buffer, index, generation, header.capacity, header.reasonBytes);
    if (!follower.isCanceled && watch) follower.watcher = DoorbellWatcher.watch(header.id, buffer, follower);
    return follower;
  }

  /**
   * Whether the op was canceled: by the owner (seen now or before) or on this thread.
   *
   * @remarks
   * The cheap check for busy loops: one `Atomics.load` and a comparison while the op runs. The call that first sees
   * the owner's cancel cancels the op before it returns (its cancel callbacks run inside it). After complete(), it
   * keeps answering whether the op was canceled before. Never throws, except what the op's cancel callbacks throw.
   */
  get isCanceled(): boolean {
    if (Atomics.load(this.words, this.at) === this.generation) return false;
    return this.observe();
  }

  /**
   * Throws the cancel reason if the op was canceled (checking the slot first, as {@link SharedCancelFollower.isCanceled}).
   *
   * @throws the reason (the owner's, rebuilt on this thread); whatever the op's cancel callbacks throw.
   */
  throwIfCanceled(): void {
    if (Atomics.load(this.words, this.at) === this.generation) return;
    if (this.observe()) throw this.reason;
  }

  /** The cancel reason once the op was canceled (also after complete()), else undefined. Never throws. */
  get reason(): unknown {
    if (this.isDone) return this.finalReason;
    return this.wasCanceled ? this.op.reason : undefined;
  }

  /**
   * Marks the op completed, stops following the slot and releases the follower's reference to the op.
   *
   * @returns true if this call completed the op; false if it was already completed (or this was called before).
   * @remarks Call it when the work ended, before reporting to the owner. From here on a cancel of the owner is not
   *   seen; {@link SharedCancelFollower.isCanceled} keeps its last answer.
   */
  complete(): boolean {
    if (this.isDone) return false;
    this.isDone = true;
    SharedCancelFollower.following--;
    this.at = MAGIC_AT;
    this.unwatch();
    if (this.wasCanceled) this.finalReason = this.op.reason;
    const hasWon = this.op.complete();
    this.op.release();
    return hasWon;
  }

  /** @internal The doorbell rang: check the slot. */
  poll(): void {
    if (Atomics.load(this.words, this.at) !== this.generation) this.observe();
  }

  /** @internal The op's cancel implementation ran (the owner's cancel, or one on this thread). */
  stop(): void {
    this.at = MAGIC_AT;
    this.wasCanceled = true;
    this.unwatch();
  }

  /** The slow path of the check: the slot left `running`, or the op stopped following it. */
  private observe(): boolean {
    if (this.at === MAGIC_AT) return this.wasCanceled;
    const word = Atomics.load(this.words, this.at);
    this.op.cancel(word === this.generation + 1 ? this.readReason() : slotReleasedReason());
    return true;
  }

  /** The owner's reason, if the slot still holds this generation once it is read (else the slot was released). */
  private readReason(): unknown {
    const length = Math.min(Atomics.load(this.words, reasonLengthAt(this.index)), this.reasonView.length);
    const encoded = readReasonBytes(this.reasonView.subarray(0, Math.max(0, length)));
    const isStillOurs = Atomics.load(this.words, wordAt(this.index)) === this.generation + 1;
    return isStillOurs ? decodeReason(encoded) : slotReleasedReason();
  }

  private unwatch(): void {
    this.watcher?.unwatch(this);
    this.watcher = null;
  }
}

function stopFollowing(follower: SharedCancelFollower): void {
  follower.stop();
}

function slotReleasedReason(): CanceledError {
  return Object.assign(new CanceledError('The owner released the cancel slot before this operation ended'), {
    kind: SLOT_RELEASED_KIND,
  });
}

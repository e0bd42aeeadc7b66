import type { AsyncOp } from '../async-op.js';
import type { CancelRegistration } from '../cancel-registration.js';
import { CancelSlotReleasedError } from './cancel-slot-released-error.js';
import type { SharedCancelDescriptor } from './shared-cancel-descriptor.js';

/** What a SharedCancel needs of its table (CancelSlotTable): the slots' memory and their three operations. */
export interface CancelSlotOwner {
  readonly buffer: SharedArrayBuffer;
  cancelSlot(index: number, generation: number, reason: unknown): void;
  isSlotCanceled(index: number, generation: number): boolean;
  releaseSlot(index: number): void;
}

/**
 * The owner's handle on one slot of a {@link CancelSlotTable}: the link from one operation's cancel to the threads
 * that follow its {@link SharedCancel.descriptor}.
 *
 * @remarks
 * Made by {@link CancelSlotTable.share}. Release it exactly once, when no thread will read the slot any more: after
 * the other side reported its end, or after that thread exited. Release unlinks the op (a later cancel of it no
 * longer touches the slot) and gives the slot a new generation, so the descriptor becomes stale: a thread that still
 * follows it sees its operation gone (and cancels its side), and it never sees the slot's next operation.
 */
export class SharedCancel {
  /** Post this to the thread that runs the operation; see {@link SharedCancelFollower.follow}. */
  readonly descriptor: SharedCancelDescriptor;
  private table: CancelSlotOwner | null;
  private registration: CancelRegistration | null = null;

  /** @internal Made by CancelSlotTable.share(). */
  constructor(table: CancelSlotOwner, index: number, generation: number) {
    this.table = table;
    this.descriptor = Object.freeze({ buffer: table.buffer, index, generation });
  }

  /** @internal Links the op: its cancel marks the slot (at once if it was canceled already). */
  attach(op: AsyncOp<unknown>): void {
    const { index, generation } = this.descriptor;
    const table = this.table as CancelSlotOwner;
    this.registration = op.onCancel((reason) => {
      table.cancelSlot(index, generation, reason);
    });
  }

  /** Whether release() was called. Never throws. */
  get isReleased(): boolean {
    return this.table === null;
  }

  /**
   * Whether the slot was marked canceled (by a cancel of the op).
   *
   * @throws CancelSlotReleasedError (`ERR_CANCEL_SLOT_RELEASED`) after release().
   */
  get isCanceled(): boolean {
    const table = this.live('isCanceled');
    return table.isSlotCanceled(this.descriptor.index, this.descriptor.generation);
  }

  /**
   * Gives the slot back to the table, once.
   *
   * @throws CancelSlotReleasedError (`ERR_CANCEL_SLOT_RELEASED`) if it was already released; nothing changes then.
   * @remarks Synchronous. The op stays as it is (this does not cancel it); its later cancel does not reach the slot.
   */
  release(): void {
    const table = this.live('release()');
    this.table = null;
    this.registration?.unregister();
    this.registration = null;
    table.releaseSlot(this.descriptor.index);
  }

  /** Same as release(), so `using shared = table.share(op)` works. */
  [Symbol.dispose](): void {
    this.release();
  }

  private live(action: string): CancelSlotOwner {
    if (this.table === null) throw new CancelSlotReleasedError(action);
    return this.table;
  }
}

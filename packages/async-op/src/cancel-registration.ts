import {
  cancelFromParent,
  reasonOf,
  type ListNode,
  type OpRecord,
  type RegistrationNode,
} from './internal/op-record.js';

/** The function an onCancel() registration runs; it receives the cancel reason. */
export type CancelCallback = (reason: unknown) => void;

/**
 * One onCancel() registration on an AsyncOp; unregister() removes it in O(1).
 *
 * @remarks
 * A registration is dropped (without running) when its op completes or its op's last reference is released, so a
 * long-lived op never accumulates registrations of finished work. unregister() after the callback ran, after the drop,
 * or a second time is a no-op that returns false.
 */
export class CancelRegistration implements RegistrationNode {
  /** @internal */ prev: ListNode | null = null;
  /** @internal */ next: ListNode | null = null;
  /** @internal */ private readonly target: CancelCallback | OpRecord | null;

  /** @internal Created by AsyncOp.onCancel(); not for direct use. */
  constructor(target: CancelCallback | OpRecord | null) {
    this.target = target;
  }

  /** Whether the callback may still run (registered, not yet run, dropped or unregistered). */
  get isRegistered(): boolean {
    return this.prev !== null;
  }

  /**
   * Removes the registration so its callback never runs.
   *
   * @returns true if this call removed a pending registration; false if it had already run, been dropped or been
   *   unregistered.
   * @remarks Synchronous, O(1). Safe to call from inside any cancel callback, including this registration's own.
   */
  unregister(): boolean {
    if (this.prev === null) return false;
    this.unlink();
    return true;
  }

  /** Same as unregister(), so `using registration = op.onCancel(...)` works. */
  [Symbol.dispose](): void {
    this.unregister();
  }

  /** @internal Splices this node out of its list (it must be linked). */
  unlink(): void {
    const prev = this.prev as ListNode;
    const next = this.next as ListNode;
    prev.next = next;
    next.prev = prev;
    this.prev = this.next = null;
  }

  /** @internal Runs the callback with the reason of `firing`, the op whose cancel won (or cancels the linked child). */
  fire(firing: OpRecord): void {
    const target = this.target;
    if (typeof target === 'function') target(reasonOf(firing));
    else if (target !== null) cancelFromParent(target, firing);
  }

  /** @internal Same as unregister(), as the Upstream of a child op. */
  detach(): void {
    this.unregister();
  }
}

/** The registration returned when the callback already ran (op canceled) or never can (op completed). */
export const INERT_REGISTRATION: CancelRegistration = new CancelRegistration(null);

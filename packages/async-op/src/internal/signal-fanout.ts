import { CancelCallbackError } from '../cancel-callback-error.js';
import { cancelOp, type ListNode, type OpRecord, type Upstream } from './op-record.js';

/**
 * One abort listener per followed AbortSignal, however many ops follow it: the ops hang in an intrusive list, so
 * following and leaving are O(1) and the signal never sees more than one listener from this package (Node warns from
 * the 11th listener, and adding a listener walks the ones already there).
 *
 * @remarks The listener is there only while an op follows; the fan-out object itself stays with its signal (weakly:
 * it goes when the signal goes), so that one op at a time following a signal reuses it instead of making and
 * forgetting one each time.
 */
class SignalFanout implements ListNode {
  prev: ListNode = this;
  next: ListNode = this;
  private isListening = false;

  constructor(readonly signal: AbortSignal) {}

  /** Adds the listener for a first follower (a no-op while it is there). */
  listen(): void {
    if (this.isListening) return;
    this.signal.addEventListener('abort', this);
    this.isListening = true;
  }

  /** The abort: cancels every follower, in the order they came, each unlinked before it is canceled. */
  handleEvent(): void {
    this.close();
    const reason = this.signal.reason as unknown;
    let errors: unknown[] | null = null;
    let node: ListNode;
    while ((node = this.next) !== this) {
      const follower = node as SignalFollower;
      follower.unlink();
      try {
        cancelOp(follower.record, reason);
      } catch (error) {
        (errors ??= []).push(error);
      }
    }
    // thrown from an event listener: Node reports it as an uncaught exception, as it did for one listener per op
    if (errors !== null) throw errors.length === 1 ? errors[0] : new CancelCallbackError(errors);
  }

  /** Removes the listener: nothing of this package stays attached to the signal. */
  close(): void {
    this.signal.removeEventListener('abort', this);
    this.isListening = false;
  }
}

/** One op's place in a signal's fan-out list; the op's upstream. */
class SignalFollower implements ListNode, Upstream {
  prev: ListNode | null;
  next: ListNode | null;

  constructor(
    readonly record: OpRecord,
    private readonly fanout: SignalFanout,
  ) {
    const tail = fanout.prev;
    this.prev = tail;
    this.next = fanout;
    tail.next = this;
    fanout.prev = this;
  }

  unlink(): void {
    (this.prev as ListNode).next = this.next;
    (this.next as ListNode).prev = this.prev;
    this.prev = this.next = null;
  }

  /** Leaves the list (a no-op once out of it); the last follower to leave closes the fan-out. */
  detach(): void {
    if (this.prev === null) return;
    this.unlink();
    const fanout = this.fanout;
    if (fanout.next === fanout) fanout.close();
  }
}

const fanouts = new WeakMap<AbortSignal, SignalFanout>();

/** Makes `record` follow `signal` (not aborted); returns the upstream to detach when the op no longer needs it. */
export function followSignal(record: OpRecord, signal: AbortSignal): Upstream {
  let fanout = fanouts.get(signal);
  if (fanout === undefined) {
    fanout = new SignalFanout(signal);
    fanouts.set(signal, fanout);
  }
  fanout.listen();
  return new SignalFollower(record, fanout);
}

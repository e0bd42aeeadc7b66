import { DOORBELL } from './slot-layout.js';

/** What a watcher checks when the doorbell rings: a follower that cancels its op if the owner canceled it. */
export interface WatchedSlot {
  /** Reads the slot once; if the owner canceled it, cancels the follower's op (running its callbacks). */
  poll(): void;
}

type WaitAsync = (
  words: Int32Array,
  index: number,
  value: number,
) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };

const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** At most one watcher per table per thread: keyed by the table's id (each received buffer is a new object). */
const watchers = new Map<string, DoorbellWatcher>();

/**
 * Wakes this thread when the owner of a table cancels any of its slots, without polling: one pending
 * `Atomics.waitAsync` on the table's doorbell word per thread and table, not one per operation.
 *
 * @remarks
 * The owner adds 1 to the doorbell and notifies it after every cancel. The watcher then checks each slot its thread
 * follows (a load each) and arms again with the doorbell value read BEFORE the check, so a cancel that lands during the
 * check is never missed: the new wait returns at once. The wait is armed while the thread follows a slot of the
 * table; when the last one is done it is left pending (it cannot be withdrawn), holds no follower, and does not keep
 * the thread alive; the next ring ends it. A following slot reuses it instead of adding a second wait.
 *
 * A cancel callback that throws, run from here, has no caller to throw to: its error is rethrown in a microtask, an
 * uncaught exception of this thread (as an AbortSignal listener's would be).
 */
export class DoorbellWatcher {
  private readonly slots = new Set<WatchedSlot>();
  private isArmed = false;
  /** True while the slots are being checked: a slot watched from a callback then must not arm a second wait. */
  private isChecking = false;

  private constructor(
    private readonly id: string,
    private readonly words: Int32Array,
  ) {}

  /** The watcher of table `id` in this thread (created on first need), with `slot` added. */
  static watch(id: string, buffer: SharedArrayBuffer, slot: WatchedSlot): DoorbellWatcher {
    let watcher = watchers.get(id);
    if (watcher === undefined) {
      watcher = new DoorbellWatcher(id, new Int32Array(buffer));
      watchers.set(id, watcher);
    }
    watcher.slots.add(slot);
    if (!watcher.isArmed && !watcher.isChecking) watcher.arm(Atomics.load(watcher.words, DOORBELL));
    return watcher;
  }

  /** How many tables this thread watches now (armed or holding slots); for leak checks. */
  static get watchedTableCount(): number {
    return watchers.size;
  }

  /** Stops checking `slot` (its operation ended or was canceled). O(1). */
  unwatch(slot: WatchedSlot): void {
    this.slots.delete(slot);
  }

  /** Waits for the doorbell to move from `seen`; checks at once (and again) while it already has. */
  private arm(seen: number): void {
    while (this.slots.size > 0) {
      const wait = waitAsync(this.words, DOORBELL, seen);
      if (wait.async) {
        this.isArmed = true;
        void wait.value.then(() => this.ring());
        return;
      }
      seen = Atomics.load(this.words, DOORBELL);
      this.check();
    }
    this.forget();
  }

  private ring(): void {
    this.isArmed = false;
    // read BEFORE the check: a cancel during the check moves the doorbell past it, and the next wait returns at once
    const seen = Atomics.load(this.words, DOORBELL);
    this.check();
    this.arm(seen);
  }

  private check(): void {
    this.isChecking = true;
    // a snapshot: a cancel callback may end (unwatch) or start (watch) other slots while this runs
    for (const slot of [...this.slots]) {
      try {
        slot.poll();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    this.isChecking = false;
  }

  private forget(): void {
    if (watchers.get(this.id) === this) watchers.delete(this.id);
  }
}

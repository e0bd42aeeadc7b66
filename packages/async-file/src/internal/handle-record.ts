import type { DirectIoAlignment, OpenMode } from '../file-engine.js';

/** The cache probe's back-off for one kind of call (reads, or writes) on one handle. */
export class ProbeBackoff {
  /** How many next calls of this kind skip the probe and go the asynchronous way at once. */
  skips = 0;
  /**
   * What the next declined probe sets `skips` to: doubles with each decline up to a bound, 0 after a probe succeeds.
   * Above 0, the handle is backing off: once its skips are used up, a read asks whether its bytes are cached first.
   */
  backoff = 0;
}

/**
 * The state of one AsyncFileHandle that its actions work with: its open descriptor and what it was opened with, the
 * cache probe's back-off, and its actions not finished yet. Written only by the scheduler and the action steps; the
 * handle reads it.
 *
 * @typeParam A - the action type (FileAction): the record links its actions without depending on their module.
 */
export class HandleRecord<A extends { behind: A | null; readonly id: number }> {
  /** The open file's descriptor; null when none is open or its close was already enqueued. */
  fd: number | null = null;
  mode: OpenMode = 'read';
  /** What direct I/O on the open file requires; null unless it was opened with O_DIRECT. */
  alignment: DirectIoAlignment | null = null;
  /** The back-offs of the cache probe, null until a probe of that kind was first declined (most handles never). */
  readProbe: ProbeBackoff | null = null;
  writeProbe: ProbeBackoff | null = null;
  /**
   * The id of the one action the user may still be called back for (it is in the list below); 0 after it was delivered
   * or canceled.
   *
   * @remarks An id, not the action: a handle lives long and its actions do not, and each store of a new object into a
   * long-lived one costs the garbage collector's write barrier its slow path; a number costs nothing (see
   * bench/journal/async-file.md).
   */
  pendingId = 0;
  /**
   * The actions not finished yet, oldest first, as a list linked through `behind` (no array per handle: the small-file
   * workload creates a handle per file); only the first is ever queued or executing. Null when none.
   *
   * @remarks No pointer to the last: the list is short (the first, at most one pending action, an abort's close, and
   * actions canceled while executing, which stay first), and appending walks it instead of storing each new action
   * into the handle a second time (the write barrier, as for `pendingId`).
   */
  firstAction: A | null = null;
  /** whenIdle() and whenSettled() callers; null while none waits (most handles never have one: no array each). */
  private idleWaiters: (() => void)[] | null = null;
  private settleWaiters: (() => void)[] | null = null;

  /**
   * @param id - unique per manager; appears in trace events.
   * @param owner - the AsyncFileHandle this record belongs to (what a duplicate delivers).
   */
  constructor(
    readonly id: number,
    readonly owner: unknown,
  ) {}

  /** Resolves once there is no open file and no action left. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => (this.idleWaiters ??= []).push(resolve));
  }

  /** Resolves once none of the actions is queued or executing, whether the file is open or not. */
  whenSettled(): Promise<void> {
    if (this.firstAction === null) return Promise.resolve();
    return new Promise((resolve) => (this.settleWaiters ??= []).push(resolve));
  }

  /** Called by the scheduler when the last action finished (firstAction became null). */
  onLastActionFinished(): void {
    const settleWaiters = this.settleWaiters;
    if (settleWaiters !== null) {
      this.settleWaiters = null;
      for (const resolve of settleWaiters) resolve();
    }
    const waiters = this.idleWaiters;
    if (waiters === null || !this.isIdle()) return;
    this.idleWaiters = null;
    for (const resolve of waiters) resolve();
  }

  /** The pending action (see `pendingId`), or null. */
  pendingAction(): A | null {
    const id = this.pendingId;
    if (id === 0) return null;
    let action = this.firstAction;
    while (action !== null && action.id !== id) action = action.behind;
    return action;
  }

  /**
   * Appends `action` to the list of actions not finished yet.
   *
   * @returns true if it is the first (nothing of this handle is queued or executing), false if it waits behind others.
   */
  append(action: A): boolean {
    let last = this.firstAction;
    if (last === null) {
      this.firstAction = action;
      return true;
    }
    while (last.behind !== null) last = last.behind;
    last.behind = action;
    return false;
  }

  /**
   * Unlinks `action`, which waits behind an earlier one (never the first), from the list of actions.
   *
   * @returns false if it is not in the list behind another.
   */
  removeWaiting(action: A): boolean {
    let before = this.firstAction;
    while (before !== null && before.behind !== action) before = before.behind;
    if (before === null) return false;
    before.behind = action.behind;
    action.behind = null;
    return true;
  }

  private isIdle(): boolean {
    return this.fd === null && this.firstAction === null;
  }
}

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
export class HandleRecord<A extends { behind: A | null }> {
  /** The open file's descriptor; null when none is open or its close was already enqueued. */
  fd: number | null = null;
  mode: OpenMode = 'read';
  /** What direct I/O on the open file requires; null unless it was opened with O_DIRECT. */
  alignment: DirectIoAlignment | null = null;
  /** The back-offs of the cache probe, null until a probe of that kind was first declined (most handles never). */
  readProbe: ProbeBackoff | null = null;
  writeProbe: ProbeBackoff | null = null;
  /** The one action the user may still be called back for; null after it was delivered or canceled. */
  pending: A | null = null;
  /**
   * The actions not finished yet, oldest first, as a list linked through `behind` (no array per handle: the small-file
   * workload creates a handle per file); only the first is ever queued or executing. Null when none.
   */
  firstAction: A | null = null;
  lastAction: A | null = null;
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
    if (this.lastAction === action) this.lastAction = before;
    action.behind = null;
    return true;
  }

  private isIdle(): boolean {
    return this.fd === null && this.firstAction === null;
  }
}

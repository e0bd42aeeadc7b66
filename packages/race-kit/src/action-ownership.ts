import type { FileTraceEvent, FileTraceListener, ScriptedCall } from 'async-op-file';

/** Actions that may start after their operation ended: a close always runs; an unlink removes what was created. */
const CLEANUP_ACTIONS: ReadonlySet<string> = new Set(['close', 'unlink']);

interface StartedAction {
  readonly action: string;
  readonly label: string;
  readonly owner: number;
  readonly enqueuedAt: number;
  readonly startedAt: number;
}

/**
 * Tells which operation every file action belongs to, and checks "nothing started after cancel" and "no action
 * callback after its cancel".
 *
 * @remarks
 * Every operation keeps its files in a directory of its own (see {@link operationDirectory}), so an engine call with
 * a path names its owner, and a handle belongs to the owner of its first call with a path. Pass
 * {@link ActionOwnership.listener} as the manager's `trace` and call {@link ActionOwnership.issued} from the engine's
 * completion policy (RaceEngine does both): the manager emits `started` right before it issues the engine call, so
 * the two pair up. An operation ends when it is canceled ({@link ActionOwnership.canceled}, called just before the
 * cancel) or calls back ({@link ActionOwnership.ended}), whichever comes first.
 *
 * A cancel counts from the moment the module can act on it: one that comes while a start() of that same operation
 * is running further down (re-entrantly, from another operation's callback run inside it) counts from when that
 * start() returns (see {@link ActionOwnership.lowerStart}): until then the module above holds no op to pass it to.
 *
 * The checks: (1) no action of an operation starts after that operation ended, unless it is a close or an unlink
 * (cleanup): neither one enqueued after the end nor one enqueued before and still queued (a module must withdraw
 * what has not started, fake cancel included); (2) no action starts after its own `canceled` event (except a close);
 * (3) no action calls back after its own `canceled` event.
 */
export class ActionOwnership {
  #sequence = 0;
  #lastStarted: FileTraceEvent | null = null;
  #lastStartedAt = 0;
  readonly #enqueuedAt = new Map<number, number>();
  readonly #canceledActions = new Set<number>();
  readonly #handleOwner = new Map<number, number>();
  readonly #endedAt = new Map<number, number>();
  /** How many start() calls of each operation are running (nested), see lowerStart(). */
  readonly #runningStarts = new Map<number, number>();
  /** The operations canceled while one of their start() calls was running: they end when it returns. */
  readonly #deferredCancels = new Set<number>();
  readonly #started: StartedAction[] = [];
  /** The owner of each engine call issued for an action of a known owner, by call id. */
  readonly #callOwners = new Map<number, number>();
  readonly #violations: string[] = [];

  /** @param ownerOf - the operation a path belongs to, or undefined (see {@link ownerFromPath}). */
  constructor(private readonly ownerOf: (path: string) => number | undefined) {}

  /** The manager's `trace` option. */
  readonly listener: FileTraceListener = (event) => {
    const sequence = ++this.#sequence;
    this.#lastStarted = event.type === 'started' ? event : null;
    if (event.type === 'started') this.#lastStartedAt = sequence;
    if (event.type === 'enqueued') this.#enqueuedAt.set(event.actionId, sequence);
    if (event.type === 'canceled') this.#canceledActions.add(event.actionId);
    if (!this.#canceledActions.has(event.actionId)) return;
    if (event.type === 'started' && event.action !== 'close') {
      this.#violations.push(`action #${event.actionId} ${event.action} started after it was canceled`);
    }
    if (event.type === 'callback') {
      this.#violations.push(`action #${event.actionId} ${event.action} called back after it was canceled`);
    }
  };

  /**
   * Pairs an engine call with the action that just started; call it from the engine's completion policy.
   *
   * @param call - the call being issued.
   */
  issued(call: Pick<ScriptedCall, 'id' | 'path' | 'label'>): void {
    const event = this.#lastStarted;
    this.#lastStarted = null;
    if (event === null) return; // an undo (close or unlink of a canceled action)
    let owner = call.path === undefined ? undefined : this.ownerOf(call.path);
    if (event.handleId !== undefined) {
      if (owner !== undefined && !this.#handleOwner.has(event.handleId)) this.#handleOwner.set(event.handleId, owner);
      owner ??= this.#handleOwner.get(event.handleId);
    }
    if (owner === undefined) return;
    this.#callOwners.set(call.id, owner);
    this.#started.push({
      action: event.action,
      label: call.label,
      owner,
      enqueuedAt: this.#enqueuedAt.get(event.actionId) ?? 0,
      startedAt: this.#lastStartedAt,
    });
  }

  /**
   * The operation an engine call was issued for, if known.
   *
   * @param callId - the call's id.
   */
  ownerOfCall(callId: number): number | undefined {
    return this.#callOwners.get(callId);
  }

  /** Operation `n` called back (if it did not end before). */
  ended(n: number): void {
    if (!this.#endedAt.has(n)) this.#endedAt.set(n, this.#sequence);
  }

  /** Operation `n` is being canceled: it ends now, or when its running start() returns (see the class remarks). */
  canceled(n: number): void {
    if (this.#runningStarts.has(n)) this.#deferredCancels.add(n);
    else this.ended(n);
  }

  /**
   * Runs `start`, a start() of operation `owner` further down a stack, marking the window in which a cancel of that
   * operation cannot reach it yet.
   *
   * @param owner - the operation, or undefined (then `start` just runs).
   * @param start - the start() call.
   * @returns what `start` returns; what it throws propagates.
   */
  lowerStart<T>(owner: number | undefined, start: () => T): T {
    if (owner === undefined) return start();
    this.#runningStarts.set(owner, (this.#runningStarts.get(owner) ?? 0) + 1);
    try {
      return start();
    } finally {
      const running = (this.#runningStarts.get(owner) ?? 1) - 1;
      if (running > 0) this.#runningStarts.set(owner, running);
      else {
        this.#runningStarts.delete(owner);
        if (this.#deferredCancels.delete(owner)) this.ended(owner);
      }
    }
  }

  /** @returns every violation of the three checks, one line each. */
  check(): string[] {
    const found = [...this.#violations];
    for (const action of this.#started) {
      const end = this.#endedAt.get(action.owner);
      if (end === undefined || CLEANUP_ACTIONS.has(action.action) || action.startedAt <= end) continue;
      const queued = action.enqueuedAt <= end ? ', though enqueued before (a queued action must be withdrawn)' : '';
      found.push(
        `op${action.owner}: ${action.action} (${action.label}) was started after the op was canceled or called back${queued}`,
      );
    }
    return found;
  }
}

/**
 * The directory of operation `n`'s files: `<root>/op<n>`.
 *
 * @param root - the race's root directory, absolute, without a trailing slash.
 * @param n - the operation's number, from 1.
 */
export function operationDirectory(root: string, n: number): string {
  return `${root}/op${n}`;
}

/**
 * The `ownerOf` of {@link ActionOwnership} for directories made by {@link operationDirectory}.
 *
 * @param root - the race's root directory.
 * @returns a function giving the operation number of a path under `<root>/op<n>`, else undefined.
 */
export function ownerFromPath(root: string): (path: string) => number | undefined {
  const prefix = `${root}/op`;
  return (path) => {
    if (!path.startsWith(prefix)) return undefined;
    const match = /^(\d+)(\/|$)/.exec(path.slice(prefix.length));
    return match === null ? undefined : Number(match[1]);
  };
}

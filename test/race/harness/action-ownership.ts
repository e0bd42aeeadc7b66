import type { FileTraceEvent, FileTraceListener, ScriptedCall } from 'async-op-file';
import type { AsyncOp } from 'async-op';
import type { FileJobRequest, FileJobValue, ModuleState, StartCallback } from 'async-op-samples';
import type { LowLevelModule } from './stack-shapes.js';

/** Actions that may start after their operation ended: a close always runs; unlink is the chain's removal of its
 * temporary file and the fake-cancel cleanup of a name its write created. */
const CLEANUP_ACTIONS: ReadonlySet<string> = new Set(['close', 'unlink']);

const OWNER_PATH = /^\/d\/op(\d+)(\/|$)/;

interface StartedAction {
  readonly actionId: number;
  readonly action: string;
  readonly label: string;
  readonly owner: number;
  readonly enqueuedAt: number;
  readonly startedAt: number;
}

/**
 * Tells which top-level operation every file action belongs to, and checks "nothing started after cancel".
 *
 * @remarks
 * Every operation `n` keeps its files in `/d/op<n>`, so an engine call with a path names its owner, and a handle
 * belongs to the owner of its first call. The manager emits `started` right before it issues the engine call, so the
 * two are paired. Events are numbered; the number at which operation `n` ended is recorded by
 * {@link ActionOwnership.canceled} (just before the harness's cancel(), or when cancel won inside a sweep) or
 * {@link ActionOwnership.ended} (its callback), whichever comes first.
 *
 * A cancel counts from the moment the modules can pass it down, not earlier: a cancel of operation `n` that comes
 * while an LL start() of `n` is still running (re-entrantly: ReapingLowLevel delivers other operations' callbacks
 * inside start(), and one of them cancels `n`) counts from when that start() returns (see
 * {@link ActionOwnership.lowerStart}). Until then no module above holds the LL op to cancel (the module contract
 * hands it out only as start()'s return value), so the job the LL already submitted may go on: an action chained
 * in that window (a synchronous completion run by a slot freed meanwhile) is the LL doing what it was asked, not
 * work started after a cancel it could know of. From the return on, the module above must pass the cancel at once
 * (ml-chain.ts step 5, internal/forward.ts step 6): an action enqueued after that is a violation.
 *
 * The checks: (1) no action of an operation starts after that operation ended, unless it is a close or an unlink
 * (cleanup): not one enqueued after the end, and not one enqueued before it and still waiting in the manager's queue
 * (a module must withdraw what has not started: fake cancel included); (2) no action starts after its own `canceled`
 * event (except a close), as in async-file's own property.
 */
export class ActionOwnership {
  private sequence = 0;
  private lastStarted: FileTraceEvent | null = null;
  private lastStartedAt = 0;
  private readonly enqueuedAt = new Map<number, number>();
  private readonly canceledActions = new Set<number>();
  private readonly handleOwner = new Map<number, number>();
  private readonly endedAt = new Map<number, number>();
  /** How many LL start() calls of each operation are running (nested), see {@link ActionOwnership.lowerStart}. */
  private readonly runningStarts = new Map<number, number>();
  /** The operations canceled while one of their LL start() calls was running: they end when it returns. */
  private readonly deferredCancels = new Set<number>();
  private readonly started: StartedAction[] = [];
  private readonly violations: string[] = [];

  /** The manager's `trace` option. */
  readonly listener: FileTraceListener = (event) => {
    const sequence = ++this.sequence;
    this.lastStarted = event.type === 'started' ? event : null;
    if (event.type === 'started') this.lastStartedAt = sequence;
    if (event.type === 'enqueued') this.enqueuedAt.set(event.actionId, sequence);
    if (event.type === 'canceled') this.canceledActions.add(event.actionId);
    if (event.type === 'started' && event.action !== 'close' && this.canceledActions.has(event.actionId)) {
      this.violations.push(`action #${event.actionId} ${event.action} started after it was canceled`);
    }
  };

  /** Call from the engine's completion policy: pairs the call with the action that just started. */
  issued(call: ScriptedCall): void {
    const event = this.lastStarted;
    this.lastStarted = null;
    if (event === null) return; // an undo (close or unlink of a canceled action)
    const match = call.path === undefined ? null : OWNER_PATH.exec(call.path);
    let owner = match === null ? undefined : Number(match[1]);
    if (event.handleId !== undefined) {
      if (owner !== undefined && !this.handleOwner.has(event.handleId)) this.handleOwner.set(event.handleId, owner);
      owner ??= this.handleOwner.get(event.handleId);
    }
    if (owner === undefined) return;
    this.started.push({
      actionId: event.actionId,
      action: event.action,
      label: call.label,
      owner,
      enqueuedAt: this.enqueuedAt.get(event.actionId) ?? 0,
      startedAt: this.lastStartedAt,
    });
  }

  /** Operation `n` called back (if it did not end before). */
  ended(n: number): void {
    if (!this.endedAt.has(n)) this.endedAt.set(n, this.sequence);
  }

  /** Operation `n` is being canceled: it ends now, or when its running LL start() returns (see the class remarks). */
  canceled(n: number): void {
    if (this.runningStarts.has(n)) this.deferredCancels.add(n);
    else this.ended(n);
  }

  /** Runs `start`, an LL start() of `request`, marking the window in which a cancel of its owner cannot reach it. */
  lowerStart<T>(request: FileJobRequest, start: () => T): T {
    const match = OWNER_PATH.exec(request.kind === 'rename' ? request.from : request.path);
    if (match === null) return start();
    const n = Number(match[1]);
    this.runningStarts.set(n, (this.runningStarts.get(n) ?? 0) + 1);
    try {
      return start();
    } finally {
      const running = (this.runningStarts.get(n) ?? 1) - 1;
      if (running > 0) this.runningStarts.set(n, running);
      else {
        this.runningStarts.delete(n);
        if (this.deferredCancels.delete(n)) this.ended(n);
      }
    }
  }

  /** Every violation of the two checks. */
  check(): string[] {
    const found = [...this.violations];
    for (const action of this.started) {
      const end = this.endedAt.get(action.owner);
      if (end === undefined || CLEANUP_ACTIONS.has(action.action) || action.startedAt <= end) continue;
      const queued = action.enqueuedAt <= end ? ', though enqueued before (a queued action must be withdrawn)' : '';
      found.push(
        `op${action.owner}: ${action.action} (${action.label}) was started after the op was canceled or called back${queued}`,
      );
    }
    return found;
  }
}

/** The LL as the modules above see it, with every start() run through {@link ActionOwnership.lowerStart}. */
export class StartWindowLowLevel implements LowLevelModule {
  constructor(
    private readonly inner: LowLevelModule,
    private readonly ownership: ActionOwnership,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get state(): ModuleState {
    return this.inner.state;
  }

  get pendingCount(): number {
    return this.inner.pendingCount;
  }

  open(): void {
    this.inner.open();
  }

  start(request: FileJobRequest, callback: StartCallback<FileJobValue>): AsyncOp<unknown> {
    return this.ownership.lowerStart(request, () => this.inner.start(request, callback));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  destroy(): void {
    this.inner.destroy();
  }
}

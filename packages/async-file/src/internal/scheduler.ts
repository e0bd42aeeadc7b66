import { AsyncOp } from 'async-op';
import type { FileCallback } from '../file-callback.js';
import type { EngineError, FileEngine } from '../file-engine.js';
import {
  ActionEvents,
  canceledChannel,
  completedChannel,
  queuedChannel,
  startedChannel,
  undoneChannel,
} from './action-events.js';
import { ActionQueue } from './action-queue.js';
import { DeferredDelivery, type CompletionReceiver } from './deferred-delivery.js';
import { engineFailure } from './engine-failure.js';
import {
  ALLOCATOR_BUFFER,
  DELIVERING,
  EXECUTING,
  FINISHED,
  FileAction,
  QUEUED,
  UNDOING,
  WAITING,
  type ActionCanceler,
  type ActionHandle,
  type ActionStep,
  type StepServices,
} from './file-action.js';
import { runFast } from './fast-path.js';
import { OutstandingCount } from './outstanding-count.js';
import type { ReadBufferSource } from './read-buffer-source.js';
import type { SchedulerSettings } from './scheduler-settings.js';
import { undoThen } from './undo-then.js';

function cancelAction(action: FileAction): void {
  action.canceler.cancel(action);
}

/**
 * Runs actions: a FIFO, `concurrency` slots, per-handle ordering, chaining, cancellation and undo.
 *
 * @remarks
 * The rules it enforces (docs/reference/contract.md, 'File actions'):
 * - A handle's actions run one at a time, in order; only the first is ever queued or executing. When it finishes,
 *   the next one of the same handle takes over its slot at once, ahead of the FIFO: that is chaining (an action
 *   enqueued from inside the callback is next in line when the callback returns). Anything else goes to the back of
 *   the FIFO.
 * - Because of that order, an action that targets a descriptor can never run after the close of that descriptor, and
 *   a close never runs while an action on its descriptor is executing (even a canceled one).
 * - Cancel: a waiting or queued action is removed and never runs (a close still runs, without its callback); an
 *   executing one runs to its end (the engine may skip it) and its success is undone; no callback either way.
 * - The fast path (`syncThresholdBytes`): an action marked `fast` does its work at once when it starts, in its slot,
 *   and its completion waits in a batch delivered on a later turn (setImmediate by default), as an engine completion
 *   would arrive: never inside the call that enqueued it, cancelable until delivered, and chaining as usual.
 * - Each lifecycle point goes to the `trace` listener and to the diagnostics channels from one place (ActionEvents),
 *   built only for whoever listens; neither can throw into the bookkeeping.
 */
export class Scheduler implements StepServices, CompletionReceiver, ActionCanceler {
  private readonly queue = new ActionQueue();
  private readonly freeSlots: number[];
  /** By slot: the action executing there, and the slot's engine callback (see reportTo). */
  private readonly executing: (FileAction | undefined)[] = [];
  private readonly slotCallbacks: FileCallback<unknown>[] = [];
  private isPumping = false;
  /** Set by refuseNewActions(): user actions are refused from then on (an abort's close still runs). */
  private closed = false;
  private nextActionId = 1;
  private nextHandle = 1;
  /** Actions not finished yet (any phase), for whenIdle(). */
  private readonly outstanding = new OutstandingCount();
  readonly concurrency: number;
  /** Where each lifecycle point goes (the trace listener, the diagnostics channels); `events.managerId` is its id. */
  readonly events: ActionEvents;
  readonly syncThreshold: number;
  readonly noWait: boolean;
  readonly buffers: ReadBufferSource;
  /** Outcomes known at once, delivered on a later turn (a step's `services.completeLater`). */
  private readonly deferred: DeferredDelivery;

  /** @param engine - checked by the manager. @param settings - checked by the manager; read once, here. */
  constructor(
    readonly engine: FileEngine,
    settings: SchedulerSettings,
  ) {
    const { concurrency } = settings;
    this.concurrency = concurrency;
    this.events = new ActionEvents(engine.name, settings.trace);
    this.syncThreshold = settings.syncThreshold;
    this.noWait = settings.noWait;
    this.buffers = settings.buffers;
    this.deferred = new DeferredDelivery(this, settings.scheduleDelivery);
    this.freeSlots = Array.from({ length: concurrency }, (_, index) => concurrency - 1 - index);
  }

  /** Whether refuseNewActions() was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** From now on the handles and the manager refuse new actions (AsyncFileManager.close()). */
  refuseNewActions(): void {
    this.closed = true;
  }

  nextHandleId(): number {
    return this.nextHandle++;
  }

  get activeCount(): number {
    return this.concurrency - this.freeSlots.length;
  }

  get queuedCount(): number {
    return this.queue.size;
  }

  get outstandingCount(): number {
    return this.outstanding.value;
  }

  /**
   * A new action, with its handle's descriptor and mode as arguments (the handle's open file when it is enqueued:
   * nothing can change them before); the caller sets the other argument fields, then passes it to enqueue().
   */
  create(step: ActionStep, handle: ActionHandle | null, callback: FileCallback<unknown> | undefined): FileAction {
    const action = new FileAction(this, this.nextActionId++, step, handle, callback);
    if (handle !== null) {
      action.fd = handle.fd ?? -1;
      action.mode = handle.mode;
    }
    return action;
  }

  /**
   * Enqueues a close of its handle's descriptor (created with it): from now on the handle holds no open file, so no
   * later action can target the descriptor.
   */
  enqueueClose(action: FileAction): AsyncOp<FileAction> {
    const handle = action.handle;
    if (handle !== null) {
      handle.fd = null;
      handle.alignment = null;
    }
    return this.enqueue(action);
  }

  /**
   * Queues an action behind its handle's earlier actions (or in the FIFO), and returns the caller's reference. The
   * action keeps its own reference until it finished.
   */
  enqueue(action: FileAction): AsyncOp<FileAction> {
    const { handle, callback } = action;
    const op = AsyncOp.create({ context: action, cancel: cancelAction });
    action.own = op.ref();
    this.outstanding.value++;
    this.events.emit('enqueued', queuedChannel, action, null, undefined, undefined);
    if (handle === null) {
      this.submitOrRelease(action, op);
    } else {
      if (callback !== undefined) handle.pendingId = action.id;
      if (handle.append(action)) this.submitOrRelease(action, op);
    }
    return op;
  }

  /**
   * Submits a new action. A synchronous engine may report inside this call, and a callback that throws then throws
   * out of the action method, which never returns the caller's reference: it is released here.
   */
  private submitOrRelease(action: FileAction, op: AsyncOp<FileAction>): void {
    try {
      this.submit(action);
    } catch (thrown) {
      op.release();
      throw thrown;
    }
  }

  /** The cancel implementation of every action's op. */
  cancel(action: FileAction): void {
    const handle = action.handle;
    if (handle !== null && handle.pendingId === action.id) handle.pendingId = 0;
    action.isCanceled = true;
    this.events.emit('canceled', canceledChannel, action, null, undefined, undefined);
    // a close always runs (it frees a descriptor); cancel only drops its callback
    if (action.step.alwaysRuns) return;
    if (action.phase === WAITING) {
      // behind an earlier action of its handle (never the first): out of the handle's list, it never runs
      if (handle !== null && handle.removeWaiting(action)) {
        action.phase = FINISHED;
        this.events.settle(action, 'not-run', null, undefined);
        this.release(action);
      }
    } else if (action.phase === QUEUED) {
      this.queue.remove(action);
      this.events.settle(action, 'not-run', null, undefined);
      this.finish(action);
    } else if (action.phase === EXECUTING) {
      const request = action.request;
      if (request === undefined) return;
      const reports = action.reports;
      try {
        request.cancel();
      } catch (thrown) {
        // the request only asks: the engine still reports the call, so a refusal changes nothing; a throw from a
        // callback that a synchronous engine ran inside cancel() (it reported) goes on up
        if (action.reports !== reports) throw thrown;
      }
    }
  }

  whenIdle(): Promise<void> {
    return this.outstanding.whenZero();
  }

  private submit(action: FileAction): void {
    action.phase = QUEUED;
    this.queue.push(action);
    this.pump();
  }

  private pump(): void {
    if (this.isPumping) return;
    this.isPumping = true;
    try {
      let action: FileAction | null;
      while (this.freeSlots.length > 0 && (action = this.queue.shift()) !== null) {
        this.start(action, this.freeSlots.pop() as number);
      }
    } finally {
      this.isPumping = false;
    }
  }

  private start(action: FileAction, slot: number): void {
    action.phase = EXECUTING;
    action.slot = slot;
    this.events.emit('started', startedChannel, action, null, undefined, undefined);
    if (action.fast && runFast(this, action)) return;
    this.executing[slot] = action;
    const reports = action.reports;
    try {
      action.step.run(action, this, (this.slotCallbacks[slot] ??= this.reportTo(slot)));
    } catch (thrown) {
      // A synchronous engine may have reported already, and what is thrown then comes from a callback further down
      // (it propagates, as from any engine callback). Otherwise the engine threw instead of reporting: that becomes
      // the action's error, delivered later like any completion, so the slot and the handle move on.
      if (action.reports !== reports || action.phase !== EXECUTING) throw thrown;
      this.completeLater(action, engineFailure(thrown, this.engine.name, action.step.kind), undefined);
    }
  }

  /**
   * The engine callback of a slot, made once: it reports to the action executing in the slot (one closure per slot,
   * not one per action). A report for a slot whose action is not executing (an engine that reports twice) throws; one
   * that arrives after the slot went to another action cannot be told apart.
   */
  private reportTo(slot: number): FileCallback<unknown> {
    const done: FileCallback<unknown> = (error, result) => {
      const action = this.executing[slot];
      if (action === undefined || action.phase !== EXECUTING) {
        throw new Error(`internal: engine ${this.engine.name} reported in slot ${slot}, where no call is pending`);
      }
      action.request = undefined;
      const reports = ++action.reports;
      const proceed = action.step.proceed;
      if (error === null && proceed !== undefined) {
        let next: ReturnType<typeof proceed>;
        try {
          next = proceed(action, this, done, result);
        } catch (thrown) {
          // as in start(): only a throw of the engine's next call is the action's error
          if (action.reports !== reports || action.phase !== EXECUTING) throw thrown;
          next = engineFailure(thrown, this.engine.name, action.step.kind);
        }
        if (next === 'pending') return;
        if (next !== undefined) error = next;
      }
      this.onEngineDone(action, error, result);
    };
    return done;
  }

  /** Records the outcome of an action whose work is done (no engine call) for a later turn (DeferredDelivery). */
  completeLater(action: FileAction, error: EngineError | Error | null, result: unknown): void {
    this.deferred.completeLater(action, error, result);
  }

  /** @internal The outcome of an executing action, from its engine callback or a deferred delivery. */
  onEngineDone(action: FileAction, error: EngineError | null, result: unknown): void {
    this.events.emit('finished', null, action, error, result, undefined);
    // a read buffer that must go back does so unless the user receives it (the engine is done with it now)
    if (action.bufferOrigin >= ALLOCATOR_BUFFER && (error !== null || action.isCanceled)) {
      this.buffers.giveBack(action);
    }
    if (action.isCanceled) return this.endCanceled(action, error, result);
    const onSuccess = action.step.onSuccess;
    if (error === null && onSuccess !== undefined) return this.applySuccess(action, onSuccess, result);
    this.deliver(action, error, result);
  }

  /** The outcome of an action canceled while executing: a success is undone, then the action ends uncalled. */
  private endCanceled(action: FileAction, error: EngineError | null, result: unknown): void {
    action.phase = UNDOING;
    if (error === null) {
      undoThen(action, result, this.engine, this.onUndone, (undone, isUndone) => {
        this.events.settle(undone, isUndone ? 'undone' : 'succeeded', null, isUndone ? undefined : result);
        this.finish(undone);
      });
    } else {
      this.events.settle(action, error.code === 'ECANCELED' ? 'not-run' : 'failed', error, undefined);
      this.finish(action);
    }
  }

  /** Applies a success to the handle (the step's onSuccess), then delivers the value it returns. */
  private applySuccess(action: FileAction, onSuccess: NonNullable<ActionStep['onSuccess']>, result: unknown): void {
    let value: unknown;
    try {
      value = onSuccess(action, this, result);
    } catch (thrown) {
      // the success cannot be applied (an engine call it makes threw): undo it, then fail the action with that
      action.phase = UNDOING;
      const failure = engineFailure(thrown, this.engine.name, action.step.kind);
      undoThen(action, result, this.engine, this.onUndone, (undone) => this.deliver(undone, failure, undefined));
      return;
    }
    this.deliver(action, null, value);
  }

  /** Calls the action's callback (unless it was canceled meanwhile), then ends the action. */
  private deliver(action: FileAction, error: EngineError | null, value: unknown): void {
    if (action.isCanceled) {
      // canceled while the success it could not apply was being undone
      this.events.settle(action, error === null ? 'succeeded' : 'failed', error, error === null ? value : undefined);
      return this.finish(action);
    }
    action.phase = DELIVERING;
    const handle = action.handle;
    if (handle !== null && handle.pendingId === action.id) handle.pendingId = 0;
    try {
      const callback = action.callback;
      // complete() is the exactly-once guard: it fails only if the op was completed some other way (never here)
      const isCalling = callback !== undefined && action.own?.complete() === true;
      // an abort's close has no callback: it still publishes `completed` (only the trace's `callback` needs one)
      this.events.emit(isCalling ? 'callback' : null, completedChannel, action, error, value, undefined);
      if (isCalling) callback(error, error === null ? value : undefined);
    } finally {
      this.finish(action);
    }
  }

  /** Ends an action (delivered, canceled or undone): hands its slot to its handle's next action or the FIFO. */
  private finish(action: FileAction): void {
    const slot = action.slot;
    const handle = action.handle;
    action.phase = FINISHED;
    action.slot = -1;
    if (slot >= 0) this.executing[slot] = undefined;
    let next: FileAction | null = null;
    if (handle !== null) {
      // the finished action is its handle's first: the one behind it takes over
      const first = handle.firstAction;
      if (first !== null) {
        next = first.behind;
        first.behind = null;
        handle.firstAction = next;
      }
    }
    this.release(action);
    if (next !== null) {
      if (slot >= 0) this.start(next, slot);
      else this.submit(next);
    } else {
      if (slot >= 0) {
        this.freeSlots.push(slot);
        this.pump();
      }
      if (handle !== null) handle.onLastActionFinished();
    }
  }

  /** Drops the action's own reference and counts it out. */
  private release(action: FileAction): void {
    const own = action.own;
    if (own === null) return;
    action.own = null;
    own.complete();
    own.release();
    this.outstanding.decrement();
  }

  /** Reports an undo (undoThen's report). */
  private readonly onUndone = (action: FileAction): void =>
    this.events.emit('undone', undoneChannel, action, null, undefined, undefined);
}

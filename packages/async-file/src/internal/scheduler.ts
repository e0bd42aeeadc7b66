import { AsyncOp } from 'async-op';
import type { BufferAllocator } from '../buffer-pool.js';
import { WOULD_BLOCK, type EngineError, type FileEngine } from '../file-engine.js';
import type { FileTraceEventType, FileTraceListener } from '../file-trace.js';
import type { ActionSettlement, ActionSettlementOutcome } from '../action-settlement.js';
import { ActionQueue } from './action-queue.js';
import { engineFailure } from './engine-failure.js';
import {
  DELIVERING,
  EXECUTING,
  FINISHED,
  FileAction,
  QUEUED,
  UNDOING,
  WAITING,
  type ActionCallback,
  type ActionStep,
  type HandleState,
} from './file-action.js';

/** The default of `fastPathDelivery`: a later turn of the event loop. */
function onNextTurn(deliver: () => void): void {
  setImmediate(deliver);
}

/** The most calls in a row that skip the cache probe after it was declined (see HandleState.probeBackoff). */
const MAX_PROBE_BACKOFF = 64;

function cancelAction(action: FileAction): void {
  action.scheduler.cancel(action);
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
 */
export class Scheduler {
  private readonly queue = new ActionQueue();
  private readonly freeSlots: number[];
  /** By slot: the action executing there, and the slot's engine callback (see reportTo). */
  private readonly executing: (FileAction | undefined)[] = [];
  private readonly slotCallbacks: ActionCallback[] = [];
  private isPumping = false;
  /** Set by AsyncFileManager.close(): user actions are refused from then on (an abort's close still runs). */
  isClosed = false;
  private nextActionId = 1;
  private nextHandle = 1;
  /** Actions not finished yet (any phase), for whenIdle(). */
  private outstanding = 0;
  private idleWaiters: (() => void)[] = [];
  /** Reads and writes up to this many bytes take the fast path (0: off); a handle may override it. */
  syncThreshold = 0;
  /** Whether the fast path asks the engine never to block (the cache probe). */
  noWait = false;
  /** Schedules the delivery of a batch of fast-path completions (the `fastPathDelivery` option). */
  scheduleDelivery: (deliver: () => void) => void = onNextTurn;
  /** Where read buffers come from (undefined: the built-in slabs). */
  readBuffers: BufferAllocator | undefined = undefined;
  /** The memory of read results that did not come from `readBuffers` though it is set (O_DIRECT reads). */
  private readonly unpooledReadBuffers = new WeakSet<ArrayBufferLike>();
  /**
   * How many of those are tracked and not released yet: while none is, releaseBuffer() skips the WeakSet (about 30 ns
   * per read). One the user never releases keeps it consulted, which is correct, only slower.
   */
  private unpooledCount = 0;
  /** Completions waiting for delivery, as (action, error, result) triples, and whether a delivery turn is scheduled. */
  private ready: unknown[] = [];
  private spare: unknown[] = [];
  private isDeliveryScheduled = false;

  constructor(
    readonly engine: FileEngine,
    readonly concurrency: number,
    private readonly trace: FileTraceListener | undefined,
  ) {
    this.freeSlots = Array.from({ length: concurrency }, (_, index) => concurrency - 1 - index);
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
    return this.outstanding;
  }

  /** A new action; the caller sets its argument fields, then passes it to enqueue(). */
  create(step: ActionStep, handle: HandleState | null, callback: ActionCallback | undefined): FileAction {
    return new FileAction(this, this.nextActionId++, step, handle, callback);
  }

  /**
   * Queues an action behind its handle's earlier actions (or in the FIFO), and returns the caller's reference. The
   * action keeps its own reference until it finished.
   */
  enqueue(action: FileAction): AsyncOp<FileAction> {
    const { handle, callback } = action;
    const op = AsyncOp.create({ context: action, cancel: cancelAction });
    action.own = op.ref();
    this.outstanding++;
    this.emit('enqueued', action);
    if (handle === null) {
      this.submitOrRelease(action, op);
    } else {
      if (callback !== undefined) handle.pending = action;
      const last = handle.lastAction;
      handle.lastAction = action;
      if (last === null) {
        handle.firstAction = action;
        this.submitOrRelease(action, op);
      } else {
        last.behind = action;
      }
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
    if (handle !== null && handle.pending === action) handle.pending = null;
    action.isCanceled = true;
    this.emit('canceled', action);
    // a close always runs (it frees a descriptor); cancel only drops its callback
    if (action.step.alwaysRuns) return;
    if (action.phase === WAITING) {
      // behind an earlier action of its handle (never the first): unlink it from the handle's list
      let before = handle === null ? null : handle.firstAction;
      while (before !== null && before.behind !== action) before = before.behind;
      if (handle !== null && before !== null) {
        before.behind = action.behind;
        if (handle.lastAction === action) handle.lastAction = before;
        action.behind = null;
        action.phase = FINISHED;
        this.settleCanceled(action, 'not-run', null, undefined);
        this.release(action);
      }
    } else if (action.phase === QUEUED) {
      this.queue.remove(action);
      this.settleCanceled(action, 'not-run', null, undefined);
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
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
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
    this.emit('started', action);
    if (action.fast && this.runNow(action)) return;
    this.executing[slot] = action;
    const reports = action.reports;
    try {
      action.step.run(action, this.engine, (this.slotCallbacks[slot] ??= this.reportTo(slot)));
    } catch (thrown) {
      // A synchronous engine may have reported already, and what is thrown then comes from a callback further down
      // (it propagates, as from any engine callback). Otherwise the engine threw instead of reporting: that becomes
      // the action's error, delivered later like any completion, so the slot and the handle move on.
      if (action.reports !== reports || action.phase !== EXECUTING) throw thrown;
      this.completeLater(action, engineFailure(thrown, this.engine.name, action.step.kind), undefined);
    }
  }

  /**
   * The engine callback of a slot, made once: it reports to the action executing in the slot. One closure per slot
   * instead of one per action saves about 20 ns per action. A report for a slot whose action is not executing (an
   * engine that reports twice) throws; one that arrives after the slot went to another action cannot be told apart.
   */
  private reportTo(slot: number): ActionCallback {
    const done: ActionCallback = (error, result) => {
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
          next = proceed(action, this.engine, done, result);
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

  /** The fast path: does the action's work now; returns false if it must go the asynchronous way instead. */
  private runNow(action: FileAction): boolean {
    const handle = action.handle;
    const kind = action.step.probeSlot; // read and readInto share the reads' back-off
    const probe = handle === null ? null : handle.probeBackoff;
    if (this.noWait && probe !== null && (probe[kind] ?? 0) > 0) {
      probe[kind]--;
      return false;
    }
    let result: unknown;
    try {
      result = (action.step.runNow as NonNullable<ActionStep['runNow']>)(action, this.engine, this.noWait);
    } catch (error) {
      this.completeLater(action, engineFailure(error, this.engine.name, action.step.kind), undefined);
      return true;
    }
    if (result === WOULD_BLOCK) {
      // A declined probe costs the JS thread a system call, and a missed read even starts the disk I/O from it (the
      // kernel's readahead): on a file that is not cached, back off so that the loop stays free.
      if (this.noWait && handle !== null) {
        const state = (handle.probeBackoff ??= [0, 0, 0, 0]);
        const backoff = Math.min(2 * (state[kind + 2] ?? 0) || 1, MAX_PROBE_BACKOFF);
        state[kind + 2] = backoff;
        state[kind] = backoff;
      }
      return false;
    }
    if (probe !== null) probe[kind + 2] = 0;
    this.completeLater(action, null, result);
    return true;
  }

  /**
   * Records the outcome of an executing action whose work is already done (the fast path, a failed allocation, an
   * empty write) for delivery on a later turn, with every other outcome recorded before the turn.
   */
  completeLater(action: FileAction, error: EngineError | Error | null, result: unknown): void {
    this.ready.push(action, error, result);
    if (!this.isDeliveryScheduled) {
      this.isDeliveryScheduled = true;
      this.scheduleDelivery(this.deliverReady);
    }
  }

  /**
   * Delivers the outcomes recorded before this turn. Those recorded while it runs (a chained fast action) wait for the
   * next turn, so a chain of fast actions yields to the event loop once per batch instead of running forever.
   */
  private readonly deliverReady = (): void => {
    this.isDeliveryScheduled = false;
    const batch = this.ready;
    this.ready = this.spare;
    let index = 0;
    try {
      while (index < batch.length) {
        const action = batch[index] as FileAction;
        const error = batch[index + 1] as EngineError | null;
        const result = batch[index + 2];
        index += 3;
        this.onEngineDone(action, error, result);
      }
    } finally {
      // a callback threw (it propagates, as from an engine callback): the rest of the batch goes first next turn
      if (index < batch.length) {
        this.ready = batch.slice(index).concat(this.ready);
        if (!this.isDeliveryScheduled) {
          this.isDeliveryScheduled = true;
          this.scheduleDelivery(this.deliverReady);
        }
      }
      batch.length = 0;
      this.spare = batch;
    }
  };

  /** Marks an O_DIRECT read's buffer as not the allocator's (when there is one), for releaseBuffer(). */
  trackUnpooled(action: FileAction): void {
    if (this.readBuffers === undefined) return;
    this.unpooledReadBuffers.add((action.buffer as Uint8Array).buffer);
    this.unpooledCount++;
    action.unpooled = true;
  }

  /** Takes back a buffer trackUnpooled() marked: returns false for any other buffer. */
  untrackUnpooled(buffer: Uint8Array): boolean {
    if (this.unpooledCount === 0 || !this.unpooledReadBuffers.delete(buffer.buffer)) return false;
    this.unpooledCount--;
    return true;
  }

  private onEngineDone(action: FileAction, error: EngineError | null, result: unknown): void {
    this.emit('finished', action, error);
    // a read buffer from the allocator goes back unless the user receives it (the engine is done with it now)
    if ((action.pooled || action.unpooled) && (error !== null || action.isCanceled)) {
      if (action.pooled) this.readBuffers?.release(action.buffer as Uint8Array);
      else this.untrackUnpooled(action.buffer as Uint8Array);
      action.pooled = action.unpooled = false;
    }
    if (action.isCanceled) {
      action.phase = UNDOING;
      if (error === null) {
        this.undoThen(action, result, (undone, isUndone) => {
          this.settleCanceled(undone, isUndone ? 'undone' : 'succeeded', null, isUndone ? undefined : result);
          this.finish(undone);
        });
      } else {
        this.settleCanceled(action, error.code === 'ECANCELED' ? 'not-run' : 'failed', error, undefined);
        this.finish(action);
      }
      return;
    }
    const onSuccess = action.step.onSuccess;
    let value = result;
    if (error === null && onSuccess !== undefined) {
      try {
        value = onSuccess(action, result);
      } catch (thrown) {
        // the success cannot be applied (an engine call it makes threw): undo it, then fail the action with that
        action.phase = UNDOING;
        const failure = engineFailure(thrown, this.engine.name, action.step.kind);
        this.undoThen(action, result, (undone) => this.deliver(undone, failure, undefined));
        return;
      }
    }
    this.deliver(action, error, value);
  }

  /** Calls the action's callback (unless it was canceled meanwhile), then ends the action. */
  private deliver(action: FileAction, error: EngineError | null, value: unknown): void {
    if (action.isCanceled) {
      // canceled while the success it could not apply was being undone
      this.settleCanceled(action, error === null ? 'succeeded' : 'failed', error, error === null ? value : undefined);
      return this.finish(action);
    }
    action.phase = DELIVERING;
    const handle = action.handle;
    if (handle !== null && handle.pending === action) handle.pending = null;
    try {
      // complete() is the exactly-once guard: it fails only if the op was completed some other way (never here)
      if (action.callback !== undefined && action.own?.complete() === true) {
        this.emit('callback', action);
        action.callback(error, error === null ? value : undefined);
      }
    } finally {
      this.finish(action);
    }
  }

  /**
   * Tells a canceled action's `onSettled` (ManagerActionOptions.onSettledAfterCancel) what became of it, on a
   * microtask: never inside cancel(), and queued before the action counts out, so it runs before whenIdle() resolves.
   */
  private settleCanceled(
    action: FileAction,
    outcome: ActionSettlementOutcome,
    error: EngineError | null,
    result: unknown,
  ): void {
    const listener = action.onSettled;
    if (listener === undefined) return;
    action.onSettled = undefined;
    const settlement: ActionSettlement = { outcome, error, result };
    queueMicrotask(() => listener(settlement));
  }

  /**
   * Undoes a success the action may not keep (the step's undo: close an opened file, remove a created link), then
   * calls `then` once, saying whether it was undone. An undo the engine refuses by throwing cannot be retried: `then`
   * runs at once (the effect stays; a descriptor the engine would not close stays open), so the action still ends and
   * its handle is not wedged. A step without an undo keeps its effect.
   */
  private undoThen(action: FileAction, result: unknown, then: (action: FileAction, isUndone: boolean) => void): void {
    const undo = action.step.undo;
    if (undo === undefined) return then(action, false);
    let isDone = false;
    try {
      undo(action, result, this.engine, () => {
        if (isDone) return;
        isDone = true;
        this.emit('undone', action);
        then(action, true);
      });
    } catch (thrown) {
      // reported already: the throw comes from what ran after it (a callback), and goes on up
      if (isDone) throw thrown;
      isDone = true;
      then(action, false);
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
        if (next === null) handle.lastAction = null;
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
      if (handle !== null) handle.onIdle();
    }
  }

  /** Drops the action's own reference and counts it out. */
  private release(action: FileAction): void {
    const own = action.own;
    if (own === null) return;
    action.own = null;
    own.complete();
    own.release();
    if (--this.outstanding === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private emit(type: FileTraceEventType, action: FileAction, error?: EngineError | null): void {
    if (this.trace === undefined) return;
    this.trace({
      time: performance.now(),
      type,
      actionId: action.id,
      action: action.step.kind,
      handleId: action.handle === null ? undefined : action.handle.id,
      slot: action.slot,
      ...(error !== undefined && error !== null && error.code !== undefined ? { error: error.code } : {}),
    });
  }
}

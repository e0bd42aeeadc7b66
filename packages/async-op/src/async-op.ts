import { AsyncOpReleasedError } from './async-op-released-error.js';
import { CancelRegistration, INERT_REGISTRATION, type CancelCallback } from './cancel-registration.js';
import { describeValue, expectFunction } from './describe-value.js';
import {
  addReference,
  cancelOp,
  completeOp,
  COMPLETED,
  dropReference,
  FIRST_RELEASED,
  follow,
  INITIAL_BITS,
  isCanceled,
  reasonOf,
  register,
  RUNNING,
  signalOf,
  stateOf,
  upstreamOf,
  type Extras,
  type Hook,
  type ListNode,
  type OpRecord,
} from './internal/op-record.js';
import { SignalLink } from './internal/signal-link.js';
import { getTracker } from './internal/tracking.js';

/** The state of an operation: `running`, then `canceling` once cancel won, and `completed` once complete() won. */
export type AsyncOpState = 'running' | 'canceling' | 'completed';

const STATE_NAMES: readonly AsyncOpState[] = ['running', 'canceling', 'completed'];

/** What AsyncOp.create() takes. */
export interface AsyncOpOptions<C> {
  /** The module's state for this operation; passed to `cancel` and `dispose`. */
  readonly context: C;
  /**
   * The cancel implementation. Runs at most once, synchronously inside the cancel() call that won, never after
   * complete(). It may re-enter anything: call the completion callback, complete or release this op, cancel others.
   */
  readonly cancel?: ((context: C) => void) | undefined;
  /** Runs exactly once, when the last reference is released, whoever releases it. */
  readonly dispose?: ((context: C) => void) | undefined;
}

/**
 * One reference to a shared, reference-counted asynchronous operation.
 *
 * @remarks
 * Every holder owns its own reference: take one with {@link AsyncOp.ref} and give it back with
 * {@link AsyncOp.release} exactly once (or `using`). Any call on a released reference throws
 * {@link AsyncOpReleasedError} (`ERR_ASYNC_OP_RELEASED`) without touching the operation. When the last reference is
 * released, `dispose(context)` runs once, synchronously, inside that release().
 *
 * @example
 * ```ts
 * const op = AsyncOp.create({
 *   context: { timer: undefined as NodeJS.Timeout | undefined },
 *   cancel: (ctx) => clearTimeout(ctx.timer),
 * });
 * op.cancel(); // runs the cancel implementation now, once
 * op.release(); // the last reference: dispose (if any) runs now
 * ```
 */
export abstract class AsyncOp<C = unknown> {
  /** @internal Returns the record, or throws AsyncOpReleasedError naming `action` if this reference was released. */
  protected abstract live(action: string): OpRecord;

  /**
   * Creates an operation and returns its first reference; the state is `running`.
   *
   * @param options - the context and the optional cancel and dispose hooks.
   * @returns the first reference, owned by the caller.
   * @throws TypeError if `options` is not an object or a hook is not a function.
   */
  static create<C>(options: AsyncOpOptions<C>): AsyncOp<C> {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
    }
    const { context, cancel, dispose } = options;
    expectFunction('options.cancel', cancel, true);
    expectFunction('options.dispose', dispose, true);
    return new FirstReference(context, cancel, dispose);
  }

  /** The context given to create(). @throws AsyncOpReleasedError on a released reference. */
  get context(): C {
    return this.live('context').ctx as C;
  }

  /** `running`, `canceling` or `completed`. @throws AsyncOpReleasedError on a released reference. */
  get state(): AsyncOpState {
    return STATE_NAMES[stateOf(this.live('state'))] as AsyncOpState;
  }

  /** Whether a cancel() won (true from then on, also after completion). @throws AsyncOpReleasedError if released. */
  get isCanceled(): boolean {
    return isCanceled(this.live('isCanceled'));
  }

  /** Whether complete() was called. @throws AsyncOpReleasedError on a released reference. */
  get isCompleted(): boolean {
    return stateOf(this.live('isCompleted')) === COMPLETED;
  }

  /** Whether this reference was released. Never throws. */
  abstract get isReleased(): boolean;

  /**
   * The cancel reason: the value given to the cancel() that won, or a {@link CanceledError} if it gave none;
   * undefined while not canceled.
   *
   * @throws AsyncOpReleasedError on a released reference.
   */
  get reason(): unknown {
    const record = this.live('reason');
    return isCanceled(record) ? reasonOf(record) : undefined;
  }

  /**
   * An AbortSignal that aborts with {@link AsyncOp.reason} when cancel wins, for APIs that take `{ signal }`.
   *
   * @remarks
   * Created on first access only (an AbortController costs microseconds); already aborted if the op was canceled
   * before. It never aborts once the op completed without cancel. The op keeps no listener on it.
   * @throws AsyncOpReleasedError on a released reference.
   */
  get signal(): AbortSignal {
    return signalOf(this.live('signal'));
  }

  /**
   * Takes another reference to the same operation, for another holder.
   *
   * @returns a new reference that the new holder must release once.
   * @throws AsyncOpReleasedError on a released reference.
   */
  ref(): AsyncOp<C> {
    const record = this.live('ref()');
    addReference(record);
    return new SharedReference<C>(record);
  }

  /**
   * Requests cancellation.
   *
   * @param reason - why; defaults to a {@link CanceledError}. `undefined` counts as no reason.
   * @returns true if this call won (the op was running and is now `canceling`); false if the op was already
   *   canceling or completed, in which case nothing runs.
   * @throws AsyncOpReleasedError on a released reference. If the cancel implementation or onCancel callbacks threw,
   *   it rethrows after all of them ran: one error as is, several as a {@link CancelCallbackError}.
   * @remarks
   * Synchronous: before cancel() returns, the cancel implementation ran once, the op's `signal` (if created) aborted,
   * and every onCancel callback ran, in the order registered. Nothing is locked meanwhile: they may call cancel()
   * again (a no-op), complete(), release(), or start other operations. An op that follows a signal or a parent op
   * stops following it here.
   */
  cancel(reason?: unknown): boolean {
    return cancelOp(this.live('cancel()'), reason);
  }

  /**
   * Marks the operation completed, once.
   *
   * @returns true if this call won (first completion); false if it was already completed.
   * @throws AsyncOpReleasedError on a released reference.
   * @remarks
   * The exactly-once guard for racing deliveries (a real completion against a fake cancel, a completion against
   * cancel-all): deliver the result only if complete() returned true. Once completed, cancel() runs nothing and every
   * onCancel registration (and the link to a followed signal or parent) is dropped.
   */
  complete(): boolean {
    return completeOp(this.live('complete()'));
  }

  /**
   * Throws the cancel reason if the op was canceled, like `AbortSignal.throwIfAborted()`.
   *
   * @throws the {@link AsyncOp.reason} when canceled; AsyncOpReleasedError on a released reference.
   */
  throwIfCanceled(): void {
    const record = this.live('throwIfCanceled()');
    if (isCanceled(record)) throw reasonOf(record);
  }

  /**
   * Registers a callback that runs when cancel wins.
   *
   * @param callback - receives the cancel reason.
   * @returns a registration; its unregister() is O(1).
   * @throws TypeError if `callback` is not a function; AsyncOpReleasedError on a released reference.
   * @remarks
   * One rule for late registration: if cancel has already won, the callback runs at once, synchronously, before
   * onCancel() returns (and its errors propagate to the caller); if the op completed without cancel, it never runs.
   * Registrations are dropped unrun when the op completes or its last reference is released.
   */
  onCancel(callback: CancelCallback): CancelRegistration {
    expectFunction('callback', callback, false);
    return this.listen(this.live('onCancel()'), callback);
  }

  /**
   * Makes this op follow `source`: when the AbortSignal aborts, or the parent op is canceled, this op is canceled
   * with the same reason.
   *
   * @param source - an AbortSignal or another live AsyncOp reference.
   * @throws TypeError for anything else; Error if this op already follows a source; AsyncOpReleasedError if either
   *   reference is released.
   * @remarks
   * If the source is already aborted or canceled, this op is canceled at once, inside follow(). The link is removed
   * when this op is canceled, completes or is finally released, so a long-lived source keeps nothing per finished op.
   * Following does not hold a reference to the parent op.
   */
  follow(source: AbortSignal | AsyncOp<unknown>): void {
    const record = this.live('follow()');
    if (upstreamOf(record) !== null) throw new Error('This AsyncOp already follows a signal or a parent op');
    if (stateOf(record) !== RUNNING) return;
    if (source instanceof AsyncOp) {
      const link = this.listen(source.live('follow() on the parent'), record);
      if (link !== INERT_REGISTRATION) follow(record, link);
    } else if (source instanceof AbortSignal) {
      if (source.aborted) cancelOp(record, source.reason);
      else follow(record, new SignalLink(source, record));
    } else {
      throw new TypeError(`Expected \`source\` to be an AbortSignal or an AsyncOp, got ${describeValue(source)}`);
    }
  }

  /**
   * Gives this reference back. The last release runs `dispose(context)` once, synchronously.
   *
   * @throws AsyncOpReleasedError if this reference was already released; whatever dispose throws (the reference is
   *   released either way).
   */
  abstract release(): void;

  /** Same as release(), so `using op = AsyncOp.create(...)` works. */
  [Symbol.dispose](): void {
    this.release();
  }

  private listen(record: OpRecord, target: CancelCallback | OpRecord): CancelRegistration {
    if (isCanceled(record)) {
      if (typeof target === 'function') target(reasonOf(record));
      else cancelOp(target, reasonOf(record));
      return INERT_REGISTRATION;
    }
    if (stateOf(record) === COMPLETED) return INERT_REGISTRATION;
    const registration = new CancelRegistration(target);
    register(record, registration);
    return registration;
  }
}

/**
 * The first reference of an op is also its shared record: one object where a separate record would cost 32 more
 * bytes per op. Its own release is a flag in `bits`; the record lives on while other references hold it.
 */
class FirstReference<C> extends AsyncOp<C> implements OpRecord {
  bits = INITIAL_BITS;
  prev: ListNode | null = this;
  next: ListNode | null = this;
  extras: Extras | null = null;

  constructor(
    readonly ctx: unknown,
    readonly cancelImpl: Hook,
    readonly disposeImpl: Hook,
  ) {
    super();
    const tracker = getTracker();
    if (tracker !== null) tracker.created(this, ctx);
  }

  protected live(action: string): OpRecord {
    if ((this.bits & FIRST_RELEASED) !== 0) throw new AsyncOpReleasedError(action);
    return this;
  }

  get isReleased(): boolean {
    return (this.bits & FIRST_RELEASED) !== 0;
  }

  release(): void {
    this.live('release()');
    this.bits |= FIRST_RELEASED;
    const tracker = getTracker();
    if (tracker !== null) tracker.released(this);
    dropReference(this);
  }
}

/** Every reference after the first: a pointer to the record, cleared on release. */
class SharedReference<C> extends AsyncOp<C> {
  private record: OpRecord | null;

  constructor(record: OpRecord) {
    super();
    this.record = record;
    const tracker = getTracker();
    if (tracker !== null) tracker.created(this, record.ctx);
  }

  protected live(action: string): OpRecord {
    const record = this.record;
    if (record === null) throw new AsyncOpReleasedError(action);
    return record;
  }

  get isReleased(): boolean {
    return this.record === null;
  }

  release(): void {
    const record = this.live('release()');
    this.record = null;
    const tracker = getTracker();
    if (tracker !== null) tracker.released(this);
    dropReference(record);
  }
}

function keepNothing(): void {
  // the cancel hook of the hidden-class keeper below, never called
}

/**
 * @internal One live instance of each reference class, for as long as this module lives.
 *
 * @remarks
 * V8 keeps the hidden classes (maps) of a class's instances only while one of them is alive. A full garbage collection
 * that finds none (every op finished, as between two bursts of work) frees them, and with them every optimized
 * function that relied on them (`--trace-deopt` says "weak objects"): the next ops run in slower code until V8 has
 * optimized it again. Measured with bench/probes/gc-rewarm.js (medians of 10 rounds): an op's life as a module
 * uses it (create, ref, complete, two releases) took 40 ns warm and 46 ns right after a `gc()` without these, 30 and
 * 28 ns with them; the file manager's own work per read, 452 and 621 ns without, 231 and 247 ns with (it keeps one
 * action alive the same way).
 */
export const HIDDEN_CLASS_KEEPERS: readonly AsyncOp<unknown>[] = (() => {
  const first = new FirstReference<unknown>({}, keepNothing as Hook, undefined);
  return [first, new SharedReference<unknown>(first)];
})();

import type { AsyncOpOptions, AsyncOpState } from './async-op-options.js';
import { CancelRegistration, type CancelCallback } from './cancel-registration.js';
import { systemClock, type Clock } from './clock.js';
import { describeValue } from './describe-value.js';
import { isTraced, traceCreate } from './internal/channels.js';
import { invalidCallback, invalidHolder, invalidHooks, invalidOptions, isHook } from './internal/argument-errors.js';
import { applySettings, expectClock, expectTime, readSettings } from './internal/create-settings.js';
import { followAbortSignal, followParent } from './internal/follow-source.js';
import { clockOf, effectiveDeadlineOf, setDeadline } from './internal/deadline.js';
import {
  addReference,
  cancelOp,
  completeOp,
  COMPLETED,
  createReleased,
  extrasOf,
  OBSERVED,
  isCanceled,
  labelOf,
  moreOf,
  reasonOf,
  referenceCount,
  register,
  RUNNING,
  signalOf,
  stateOf,
  type OpRecord,
} from './internal/op-record.js';
import { lateRegistration } from './internal/late-registration.js';
import { defineReferenceClasses, keepHiddenClasses } from './internal/reference-classes.js';
import { isObserved } from './internal/observed.js';
import { grantRecordAccess } from './internal/record-access.js';
import { tracker } from './internal/tracking.js';

const STATE_NAMES: readonly AsyncOpState[] = ['running', 'canceling', 'completed'];

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

  // the package's internals that hold only a reference (the promise facade) reach its record through this, not a cast
  static {
    grantRecordAccess((op, action) => (op instanceof AsyncOp ? op.live(action) : null));
  }

  /**
   * Creates an operation and returns its first reference; the state is `running`.
   *
   * @param options - the context, the optional cancel and dispose hooks, and optionally a label, a deadline (with
   *   its clock) and `shield`.
   * @returns the first reference, owned by the caller.
   * @throws TypeError if `options` is not an object, a hook is not a function, or a setting has the wrong type;
   *   RangeError for a NaN deadline or a negative or NaN `timeoutMs`. Nothing is created then.
   * @remarks
   * A deadline arms one timer on the clock, cleared when the op is canceled, completes or is finally released. The
   * cancel it makes always comes from that timer, never inside create(), even for a deadline already passed. An op
   * without a deadline or label costs nothing for them.
   */
  static create<C>(options: AsyncOpOptions<C>): AsyncOp<C> {
    if (typeof options !== 'object' || options === null) throw invalidOptions(options);
    const { context, cancel, dispose } = options;
    if (!isHook(cancel) || !isHook(dispose)) throw invalidHooks(cancel, dispose);
    // kept small (V8 inlines create() into the caller, and drops the caller's options object, only while it is): the
    // common op takes one branch for everything it does not use (settings, tracing, leak tracking)
    if (
      options.label === undefined &&
      options.shield === undefined &&
      options.deadline === undefined &&
      options.timeoutMs === undefined &&
      options.clock === undefined &&
      !isObserved
    ) {
      return new FirstReference(context, cancel, dispose) as AsyncOp<C>;
    }
    return createWithSettings(options);
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

  /** How many references of the op are live, this one included. @throws AsyncOpReleasedError if released. */
  get referenceCount(): number {
    return referenceCount(this.live('referenceCount'));
  }

  /** The label given to create(), if any. @throws AsyncOpReleasedError on a released reference. */
  get label(): string | undefined {
    return labelOf(this.live('label'));
  }

  /**
   * The cancel reason: the value given to the cancel() that won, else a {@link CanceledError} that says how the op
   * was canceled (`kind`: explicit, deadline, parent) and where it started (`origin`); undefined while not canceled.
   *
   * @throws AsyncOpReleasedError on a released reference.
   * @remarks A reason the package creates is created on first read, once, without a stack trace.
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
   * before. It never aborts once the op completed without cancel. The op keeps no listener on it. When a deadline
   * canceled the op (its own or a parent's), the reason is a {@link DeadlineExceededError}, named `TimeoutError` as
   * `AbortSignal.timeout()`'s reason is.
   * @throws AsyncOpReleasedError on a released reference.
   */
  get signal(): AbortSignal {
    return signalOf(this.live('signal'));
  }

  /**
   * The earliest deadline that can cancel this op, absolute on its clock: its own, or that of an op it follows on
   * the same clock (a shielded op: only its own); undefined for none.
   *
   * @throws AsyncOpReleasedError on a released reference.
   */
  get deadline(): number | undefined {
    const at = effectiveDeadlineOf(this.live('deadline'));
    return at === Infinity ? undefined : at;
  }

  /**
   * Sets this op's own deadline, replacing any earlier one; `Infinity` removes it.
   *
   * @param deadline - absolute, on `clock`'s time base.
   * @param clock - default: the op's clock (the one given to create() or to the previous deadline), else
   *   {@link systemClock}.
   * @throws TypeError/RangeError for a deadline that is not a number or is NaN, or a clock that is not a Clock;
   *   AsyncOpReleasedError on a released reference.
   * @remarks
   * Does nothing once the op was canceled or completed. When the deadline passes, the op is canceled with a
   * {@link DeadlineExceededError} (kind `deadline`), from the clock's timer: never inside this call, even for a
   * deadline already passed.
   */
  setDeadline(deadline: number, clock?: Clock): void {
    const at = expectTime('deadline', deadline, false);
    const given = expectClock('clock', clock);
    const record = this.live('setDeadline()');
    if (stateOf(record) !== RUNNING) return;
    setDeadline(record, given ?? clockOf(record) ?? systemClock, at);
  }

  /**
   * Sets this op's own deadline `timeoutMs` from now, replacing any earlier one (like .NET's CancelAfter).
   *
   * @param timeoutMs - milliseconds >= 0; `Infinity` removes the deadline.
   * @param clock - as for {@link AsyncOp.setDeadline}.
   * @throws as {@link AsyncOp.setDeadline}, and RangeError for a negative delay.
   */
  cancelAfter(timeoutMs: number, clock?: Clock): void {
    const delay = expectTime('timeoutMs', timeoutMs, true);
    const given = expectClock('clock', clock);
    const record = this.live('cancelAfter()');
    if (stateOf(record) !== RUNNING) return;
    const on = given ?? clockOf(record) ?? systemClock;
    setDeadline(record, on, delay === Infinity ? Infinity : on.now() + delay);
  }

  /**
   * Takes another reference to the same operation, for another holder.
   *
   * @param holder - who will hold it, shown by the diagnostics while tracking is on (ignored otherwise).
   * @returns a new reference that the new holder must release once.
   * @throws TypeError for a `holder` that is not a string; AsyncOpReleasedError on a released reference; RangeError
   *   if the op already has 2^23 - 1 live references
   *   (an unreleased reference per iteration of a loop, most likely).
   */
  ref(holder?: string): AsyncOp<C> {
    if (holder !== undefined && typeof holder !== 'string') throw invalidHolder(holder);
    const record = this.live('ref()');
    addReference(record);
    return new SharedReference(record, holder) as AsyncOp<C>;
  }

  /**
   * Requests cancellation.
   *
   * @param reason - why; defaults to a {@link CanceledError} of kind `explicit`. `undefined` counts as no reason.
   * @returns true if this call won (the op was running and is now `canceling`); false if the op was already
   *   canceling or completed, in which case nothing runs.
   * @throws AsyncOpReleasedError on a released reference. If the cancel implementation, onCancel callbacks or a
   *   dispose left to the end of the cancel threw, it rethrows after all of them ran: one error as is, several as a
   *   {@link CancelCallbackError}.
   * @remarks
   * Synchronous: before cancel() returns, the cancel implementation ran once, the op's `signal` (if created) aborted,
   * and every onCancel callback ran, in the order registered; ops that follow this one were canceled (each with a
   * reason of kind `parent` whose `cause` is this op's reason). Nothing is locked meanwhile: they may call cancel()
   * again (a no-op), complete(), release(), or start other operations. An op that follows a signal or a parent op
   * stops following it here, and its deadline's timer is cleared. If the last reference is released during all this,
   * dispose runs at the end, after the last callback, still inside this cancel().
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
   * onCancel registration (and the link to a followed signal or parent, and the deadline's timer) is dropped.
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
    if (typeof callback !== 'function') throw invalidCallback(callback);
    const record = this.live('onCancel()');
    if (stateOf(record) !== RUNNING) return lateRegistration(record, callback);
    const registration = new CancelRegistration(callback);
    register(record, registration);
    return registration;
  }

  /**
   * Makes this op follow `source`: when the AbortSignal aborts, or the parent op is canceled, this op is canceled.
   *
   * @param source - an AbortSignal or another live AsyncOp reference.
   * @throws TypeError for anything else; Error if this op already follows a source; AsyncOpReleasedError if either
   *   reference is released.
   * @remarks
   * From a signal, the op's reason is `signal.reason` unchanged; from a parent op, a {@link CanceledError} of kind
   * `parent` whose `cause` is the parent's reason (a {@link DeadlineExceededError} when the parent's cancel came from
   * a deadline). If the source is already aborted or canceled, this op is canceled at once, inside follow(). The link
   * is removed when this op is canceled, completes or is finally released, so a long-lived source keeps nothing per
   * finished op. Following does not hold a reference to the parent op. Any number of ops may follow one signal: the
   * signal gets one listener from this package, and following or leaving it is O(1). A shielded op (see
   * {@link AsyncOpOptions.shield}) only records a parent op, and ignores a signal.
   */
  follow(source: AbortSignal | AsyncOp<unknown>): void {
    const record = this.live('follow()');
    if (source instanceof AsyncOp) followParent(record, source.live('follow() on the parent'));
    else if (source instanceof AbortSignal) followAbortSignal(record, source);
    else throw new TypeError(`Expected \`source\` to be an AbortSignal or an AsyncOp, got ${describeValue(source)}`);
  }

  /**
   * A promise that resolves once the operation's last reference was released and its dispose ran: the moment its
   * work is really over, whoever held it (the caller, the callback, a file action, a fake cancel's pending work).
   *
   * @returns the same promise on every call for this op; it never rejects (it resolves even if dispose threw).
   * @throws AsyncOpReleasedError on a released reference.
   * @remarks
   * Created on first call; an op whose end nobody awaits pays nothing. It cannot resolve while this reference is
   * live: take it, cancel, release your reference, then await it.
   *
   * @example
   * ```ts
   * const ended = op.whenReleased();
   * op.cancel();
   * op.release();
   * await ended; // the work the cancel stopped has let go of the op
   * ```
   */
  whenReleased(): Promise<void> {
    const more = moreOf(this.live('whenReleased()'));
    return (more.released ??= createReleased()).promise;
  }

  /**
   * Gives this reference back. The last release runs `dispose(context)` once, synchronously.
   *
   * @throws AsyncOpReleasedError if this reference was already released; whatever dispose throws (the reference is
   *   released either way).
   * @remarks
   * One exception to "inside the last release": a last release made while a cancel() of this op is running its
   * implementation and callbacks leaves dispose to the end of that cancel(), so that every callback still runs with a
   * live context.
   */
  abstract release(): void;

  /** Same as release(), so `using op = AsyncOp.create(...)` works. */
  [Symbol.dispose](): void {
    this.release();
  }
}

/** create() with a label, deadline, clock or shield, or while tracing or leak tracking is on. */
function createWithSettings<C>(options: AsyncOpOptions<C>): AsyncOp<C> {
  const settings = readSettings(options);
  const op = new FirstReference(options.context, options.cancel, options.dispose);
  if (isObserved) {
    op.bits |= OBSERVED;
    extrasOf(op);
  }
  if (tracker !== null) tracker.created(op, op, undefined);
  applySettings(op, settings);
  if (isTraced) traceCreate(op);
  return op as AsyncOp<C>;
}

// the reference classes extend AsyncOp, so they are made here, once AsyncOp exists (internal/reference-classes.ts)
const REFERENCE_CLASSES = defineReferenceClasses(AsyncOp);
const { FirstReference, SharedReference } = REFERENCE_CLASSES;

/**
 * @internal One live instance of each reference class, for as long as this module lives.
 *
 * @remarks V8 keeps the hidden classes (maps) of a class's instances only while one of them is alive. A full GC that
 * finds none (every op finished, as between two bursts of work) frees them, and with them every optimized function
 * that relied on them (`--trace-deopt` says "weak objects"), so the next ops ran in slower code until re-optimized; the
 * same held for the classes an op uses only sometimes (a signal's follower, a child link). Guarded by
 * bench/checks/hidden-class-keepers.ts; bench/probes/gc-rewarm.js measures what it saves (bench/journal/async-op.md).
 */
export const HIDDEN_CLASS_KEEPERS: readonly AsyncOp<unknown>[] = keepHiddenClasses(REFERENCE_CLASSES);

import type { AsyncOp } from '../async-op.js';
import { isCanceledError } from '../canceled-error.js';
import { describeValue } from '../describe-value.js';
import { leaveFollowedSignal } from './follow-source.js';
import { recordOf } from './record-access.js';

/** start() is running: a callback now is held until start() returned something valid. */
const STARTING = 0;
/** start() returned an op reference; the promise waits for the callback (or, rejecting on cancel, a winning cancel). */
const WAITING = 1;
/** The promise settled and the reference was released; another callback is a contract breach. */
const SETTLED = 2;
/** start() returned something that is not a live reference: the promise rejected, the callback is ignored. */
const IGNORING = 3;

/** The signal reaches the op neither way (no signal, not yet, or only the abort during start). */
const UNLINKED = 0;
/** The op follows the signal: the signal's one fan-out listener cancels it. */
const FOLLOWING = 1;
/** The op already followed a source: this run is a listener of the signal, removed when it settles. */
const LISTENING = 2;

/** The run whose promise is being constructed: Promise executors run synchronously, so one slot is enough. */
let constructing: PromiseRun<unknown> | null = null;

/** The one executor of every run's promise: a module-level function, not a closure per call. */
function captureSettlers(resolve: (value: unknown) => void, reject: (reason: unknown) => void): void {
  const run = constructing as PromiseRun<unknown>;
  run.resolve = resolve;
  run.reject = reject;
}

function ignore(): void {}

/**
 * One runAsPromise() call in flight: its promise, the start function's AsyncOp reference, and the callback.
 *
 * @remarks
 * The op follows the signal (`op.follow(signal)`), so any number of pending calls add one 'abort' listener to a
 * signal between them, and a settled call leaves nothing on it (the link goes when the op completes or is canceled,
 * and at the settlement for an op its module still runs). An op that already follows a source cannot follow a second
 * one: then this run is the signal's listener itself (`handleEvent`), until it settles. The rejecting variant
 * registers `op.onCancel`, so that a winning cancel, whoever made it, settles the promise: its start function never
 * calls back after that.
 */
export class PromiseRun<T> {
  resolve: (value: T) => void = ignore;
  reject: (reason: unknown) => void = ignore;
  readonly promise: Promise<T>;
  /** The start function's callback: the one closure of a call. */
  readonly callback: (error: unknown, value?: T) => void = (error, value) => this.called(error, value);
  /** The caller's reference returned by start(): released once the promise settled. */
  private op: AsyncOp<unknown> | null = null;
  private phase = STARTING;
  private hasEarlyOutcome = false;
  private earlyError: unknown = undefined;
  private earlyValue: T | undefined = undefined;
  /** How the signal reaches the op: it follows it (FOLLOWING), or this run listens (LISTENING), or neither. */
  private link = UNLINKED;

  constructor(
    private readonly signal: AbortSignal | undefined,
    private readonly isRejectingOnCancel: boolean,
  ) {
    constructing = this as PromiseRun<unknown>;
    this.promise = new Promise<T>(
      captureSettlers as (resolve: (value: T) => void, reject: (reason: unknown) => void) => void,
    );
    constructing = null;
  }

  /** start() threw: the promise rejects with that, and no callback will come. */
  failed(error: unknown): void {
    this.phase = SETTLED;
    this.reject(error);
  }

  /** start() returned `returned`: deliver an early outcome, or wait for the callback and cancel on abort. */
  started(returned: unknown): void {
    if (!isLiveAsyncOp(returned)) {
      // the start function broke its contract, so its outcome (before or after) is not trusted
      this.phase = IGNORING;
      this.reject(new TypeError(`Expected \`start\` to return an AsyncOp reference, got ${describeReturn(returned)}`));
      return;
    }
    this.op = returned;
    // 1. the callback came before start returned: the reference is released here
    if (this.hasEarlyOutcome) return this.deliver(this.earlyError, this.earlyValue);
    this.phase = WAITING;
    try {
      // 2. before following: an op already canceled (by the start function, a parent) rejects at once
      if (this.isRejectingOnCancel) returned.onCancel((reason) => this.canceledBy(reason));
      const signal = this.signal;
      if (signal === undefined || this.phase !== WAITING) return;
      // 3. aborted while start() ran: nothing listened yet, so cancel now that the op is known
      if (signal.aborted) return this.handleEvent();
      this.followOrListen(returned, signal);
    } catch (error) {
      // a cancel that threw (its implementation or callbacks): as when start() threw, the promise rejects; the
      // reference is still released when the callback (or the winning cancel) comes
      this.reject(error);
    }
  }

  /** The signal's 'abort', on the fallback path (or once, for an abort while start() ran): cancels the op. */
  handleEvent(): void {
    this.op?.cancel((this.signal as AbortSignal).reason);
  }

  private followOrListen(op: AsyncOp<unknown>, signal: AbortSignal): void {
    try {
      op.follow(signal);
      this.link = FOLLOWING;
    } catch {
      // the op already follows a signal or a parent op: listen as one listener of our own until settled
      this.link = LISTENING;
      signal.addEventListener('abort', this);
    }
  }

  private called(error: unknown, value: T | undefined): void {
    const phase = this.phase;
    if (phase === IGNORING) return;
    if (phase === SETTLED || this.hasEarlyOutcome) {
      throw new Error('the start function called its callback more than once, or after cancel');
    }
    if (phase === WAITING) return this.deliver(error, value);
    this.hasEarlyOutcome = true;
    this.earlyError = error;
    this.earlyValue = value;
  }

  /** The rejecting variant's onCancel: a cancel won, so no callback will come; reject with its reason now. */
  private canceledBy(reason: unknown): void {
    if (this.phase !== WAITING) return;
    this.settle();
    this.reject(reason);
  }

  private deliver(error: unknown, value: T | undefined): void {
    this.settle();
    if (error === undefined || error === null) return this.resolve(value as T);
    const signal = this.signal;
    this.reject(signal !== undefined && signal.aborted && isCanceledError(error) ? signal.reason : error);
  }

  private settle(): void {
    this.phase = SETTLED;
    const op = this.op;
    this.op = null;
    // an op its module holds running past the callback would keep following: the signal must keep nothing of it
    if (this.link === FOLLOWING) leaveSignal(op as AsyncOp<unknown>);
    else if (this.link === LISTENING) (this.signal as AbortSignal).removeEventListener('abort', this);
    // releasing inside the op's own cancel is allowed: its end then waits for the end of that cancel
    op?.release();
  }
}

/** Makes a running op of this copy stop following its signal (an op of another copy keeps it until it ends). */
function leaveSignal(op: AsyncOp<unknown>): void {
  const record = recordOf(op, 'leaveSignal()');
  if (record !== null) leaveFollowedSignal(record);
}

/** A live AsyncOp reference from this copy of the package or another (checked by shape, not instanceof). */
function isLiveAsyncOp(value: unknown): value is AsyncOp<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<'cancel' | 'release' | 'complete' | 'follow' | 'isReleased', unknown>>;
  return (
    typeof candidate.cancel === 'function' &&
    typeof candidate.release === 'function' &&
    typeof candidate.complete === 'function' &&
    typeof candidate.follow === 'function' &&
    candidate.isReleased === false
  );
}

function describeReturn(value: unknown): string {
  const isReleasedOp = typeof value === 'object' && value !== null && (value as { isReleased?: unknown }).isReleased;
  return isReleasedOp === true ? 'a released AsyncOp reference' : describeValue(value);
}

/**
 * @internal One PromiseRun alive for as long as this module: a full GC that finds no call pending would free its hidden
 * class, and with it the optimized code of every call's path (see HIDDEN_CLASS_KEEPERS in async-op.ts).
 */
export const HIDDEN_CLASS_KEEPER: unknown = new PromiseRun<unknown>(undefined, false);

import { describeValue, type AsyncOp } from 'async-op';
import type { FileCallback } from '../file-callback.js';

/** `{ signal }`: what every facade action takes (RunAsPromiseOptions' shape). */
export interface SignalOptions {
  readonly signal?: AbortSignal | undefined;
}

/**
 * Starts one action of a callback handle or manager with the given arguments; a module-level function per action kind,
 * so that a facade call allocates no closure of its own to start it.
 */
export type StartAction<S, A, B, C, T> = (
  source: S,
  first: A,
  second: B,
  third: C,
  callback: FileCallback<T>,
) => AsyncOp<unknown>;

/** The call whose promise is being constructed: Promise executors run synchronously, so one slot is enough. */
let constructing: PromiseCall<unknown> | null = null;

/** The one executor of every facade promise: a module-level function, not a closure per call. */
function captureSettlers(resolve: (value: unknown) => void, reject: (reason: unknown) => void): void {
  const call = constructing as PromiseCall<unknown>;
  call.resolve = resolve;
  call.reject = reject;
}

function ignore(): void {}

/**
 * One facade action in flight: its promise, the action's AsyncOp reference, and the one function that is both the
 * action's callback and its cancel registration.
 *
 * @remarks
 * The op follows the signal (`op.follow(signal)`): the signal gets one 'abort' listener from async-op however many
 * actions follow it, where an 'abort' listener per action made every call walk the signal's listener list, allocate a
 * listener, and (Node 20) print a MaxListenersExceededWarning past ten. The registration (`op.onCancel`) rejects the
 * promise when cancel wins, whoever canceled (the signal, or the handle's abort()): a canceled file action never calls
 * back, so nothing else would settle it.
 */
class PromiseCall<T> {
  resolve: (value: T) => void = ignore;
  reject: (reason: unknown) => void = ignore;
  readonly promise: Promise<T>;
  /** The caller's reference to the action: released once the promise settled. */
  private op: AsyncOp<unknown> | null = null;
  private isSettled = false;
  /**
   * The action's callback `(error, value)` and, once the action started, its onCancel callback `(reason)`: the op
   * tells them apart, being canceled only in the second case (a file action never calls back after cancel won).
   */
  readonly report = (errorOrReason: unknown, value?: T): void => this.settle(errorOrReason, value);

  constructor() {
    constructing = this as PromiseCall<unknown>;
    this.promise = new Promise<T>(
      captureSettlers as (resolve: (value: T) => void, reject: (reason: unknown) => void) => void,
    );
    constructing = null;
  }

  /** The action started and returned `op`: cancel on abort (at once if the signal aborted meanwhile). */
  started(op: AsyncOp<unknown>, signal: AbortSignal | undefined): void {
    // a callback that came before the action returned (an engine breaking the contract) already settled the promise
    if (this.isSettled) return op.release();
    this.op = op;
    // 1. the registration first: follow() cancels at once for a signal that aborted while the action was started
    op.onCancel(this.report);
    if (signal !== undefined) op.follow(signal);
  }

  /** The action threw instead of starting: the promise rejects with that (a facade never throws). */
  fail(error: unknown): Promise<T> {
    this.isSettled = true;
    this.reject(error);
    return this.promise;
  }

  private settle(errorOrReason: unknown, value: T | undefined): void {
    if (this.isSettled) return;
    this.isSettled = true;
    const op = this.op;
    this.op = null;
    // the cancel won: no callback will come, so the promise rejects with the reason now (signal.reason unchanged)
    const isCanceled = op !== null && op.isCanceled;
    // releasing inside the op's own cancel is allowed: its end then waits for the end of that cancel
    op?.release();
    if (isCanceled || (errorOrReason !== null && errorOrReason !== undefined)) this.reject(errorOrReason);
    else this.resolve(value as T);
  }
}

/** The signal of `options`, checked. @throws TypeError for options that are not an object, or a signal that is not one. */
function signalOf(options: SignalOptions | undefined): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
  }
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`Expected \`options.signal\` to be an AbortSignal, got ${describeValue(signal)}`);
  }
  return signal;
}

/**
 * Runs one callback action as a promise that honours `{ signal }`: what every PromiseFileHandle and PromiseFileManager
 * method does.
 *
 * @param start - starts the action on `source` with the three arguments (unused ones undefined) and the callback.
 * @param options - `signal`: its abort cancels the action with `signal.reason`.
 * @returns the promise of the callback's value.
 * @remarks
 * Never throws: a bad `options` or signal, and whatever `start` throws (a bad argument, a state error), reject the
 * promise. An already-aborted signal rejects with its reason and starts nothing. After that, the promise settles
 * exactly once: with the callback's outcome, or, when the action's cancel wins (the signal's abort, the handle's
 * abort()), at once with the cancel reason (`signal.reason` unchanged for the signal's), since a canceled action
 * never calls back. A cancel that lost (the callback already ran) changes nothing. The action's AsyncOp reference is
 * released when the promise settles; the signal keeps nothing of a settled action.
 */
export function runAction<S, A, B, C, T>(
  start: StartAction<S, A, B, C, T>,
  source: S,
  first: A,
  second: B,
  third: C,
  options: SignalOptions | undefined,
): Promise<T> {
  let signal: AbortSignal | undefined;
  try {
    signal = signalOf(options);
  } catch (error) {
    return Promise.reject(error);
  }
  if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
  const call = new PromiseCall<T>();
  let op: AsyncOp<unknown>;
  try {
    op = start(source, first, second, third, call.report);
  } catch (error) {
    return call.fail(error);
  }
  call.started(op, signal);
  return call.promise;
}

/** @internal One PromiseCall alive for as long as this module (see HIDDEN_CLASS_KEEPER in internal/file-action). */
export const HIDDEN_CLASS_KEEPER: unknown = new PromiseCall<unknown>();

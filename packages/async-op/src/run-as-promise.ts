import type { AsyncOp } from './async-op.js';
import { describeValue, expectFunction } from './describe-value.js';
import { PromiseRun } from './internal/promise-run.js';

/** A Node-style completion callback: an error, or undefined/null and the value. */
export type NodeCallback<T> = (error: unknown, value?: T) => void;

/**
 * A callback-style start function: it starts the work and returns the caller's AsyncOp reference, or throws; if it
 * returned, it calls `callback` exactly once (possibly before returning).
 */
export type StartFunction<T> = (callback: NodeCallback<T>) => AsyncOp<unknown>;

/** Options of {@link runAsPromise}. */
export interface RunAsPromiseOptions {
  /** Cancels the operation when it aborts. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Runs a callback-style start function as a Promise that honours `{ signal }`.
 *
 * @param start - called once, synchronously, unless the signal is already aborted.
 * @param options - `signal`: aborting it cancels the operation with `signal.reason`.
 * @returns a promise of the callback's value.
 * @throws TypeError (synchronously) for a bad `start` or `options`.
 * @remarks
 * - An already-aborted signal rejects with `signal.reason` and does not call `start`.
 * - The promise settles when the callback arrives, never earlier, so nothing the operation produced is lost: a
 *   cancel that came too late to stop it still resolves with the value. When the signal aborted and the callback
 *   reports a cancellation ({@link isCanceledError}), the promise rejects with `signal.reason` unchanged.
 * - If `start` throws, the promise rejects with that error.
 * - If the signal aborts while `start` runs, the operation is canceled as soon as `start` has returned it.
 * - If `start` returns anything but a live AsyncOp reference (a released one included), the promise rejects with a
 *   TypeError naming the value, and a callback that arrives (before or after) is ignored: the start function broke
 *   its contract, so its outcome is not trusted.
 * - The reference returned by `start` is released when the callback has arrived.
 * - The op `start` returns follows the signal (`op.follow(signal)`): any number of pending calls add one 'abort'
 *   listener to a signal between them, and a settled call leaves nothing on it (an op still running after its
 *   callback, held by its module, stops following it then). An op that already follows a signal or a parent op
 *   cannot follow another source: the call then listens to the signal itself, one listener until the callback
 *   arrives.
 *
 * @example
 * ```ts
 * const value = await runAsPromise<number>((callback) => startWork(callback), { signal: AbortSignal.timeout(100) });
 * ```
 */
export function runAsPromise<T>(start: StartFunction<T>, options: RunAsPromiseOptions = {}): Promise<T> {
  return run(start, options, false);
}

/**
 * Runs a callback-style start function whose callback never runs once cancel won (a file action, a timer), as a
 * Promise that honours `{ signal }`.
 *
 * @param start - called once, synchronously, unless the signal is already aborted.
 * @param options - `signal`: aborting it cancels the operation with `signal.reason`.
 * @returns a promise of the callback's value.
 * @throws TypeError (synchronously) for a bad `start` or `options`.
 * @remarks
 * Differs from {@link runAsPromise} in one point: when a cancel of the op wins, the promise rejects at once with the
 * op's reason, since no callback will come: `signal.reason` unchanged for the signal's abort, the canceler's reason for
 * a cancel made by anyone else (a parent op the op follows, its module's close, the start function itself before it
 * returned). If cancel() loses (the callback already ran), the promise keeps the callback's outcome. Use it only for
 * start functions whose contract says that after cancel() returns true, the callback never runs, and that cancel
 * undoes or discards what the work produced.
 */
export function runAsPromiseRejectingOnCancel<T>(
  start: StartFunction<T>,
  options: RunAsPromiseOptions = {},
): Promise<T> {
  return run(start, options, true);
}

function run<T>(start: StartFunction<T>, options: RunAsPromiseOptions, isRejectingOnCancel: boolean): Promise<T> {
  expectFunction('start', start, false);
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
  }
  const { signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`Expected \`options.signal\` to be an AbortSignal, got ${describeValue(signal)}`);
  }
  if (signal?.aborted === true) return Promise.reject(signal.reason);
  const call = new PromiseRun<T>(signal, isRejectingOnCancel);
  let returned: unknown;
  try {
    returned = start(call.callback);
  } catch (error) {
    call.failed(error);
    return call.promise;
  }
  call.started(returned);
  return call.promise;
}

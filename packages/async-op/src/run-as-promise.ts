import type { AsyncOp } from './async-op.js';
import { isCanceledError } from './canceled-error.js';
import { describeValue, expectFunction } from './describe-value.js';

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
 * - If `start` returns anything but an AsyncOp reference, the promise rejects with a TypeError naming the value, and
 *   a callback that arrives (before or after) is ignored: the start function broke its contract, so its outcome is
 *   not trusted.
 * - The reference returned by `start` is released when the callback has arrived; the abort listener is removed then.
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
 * Differs from {@link runAsPromise} in one point: when the abort's cancel() wins, the promise rejects with
 * `signal.reason` at once, since no callback will come; if cancel() loses (the callback already ran), the promise
 * keeps the callback's outcome. Use it only for start functions whose contract says that after cancel() returns true,
 * the callback never runs, and that cancel undoes or discards what the work produced.
 */
export function runAsPromiseRejectingOnCancel<T>(
  start: StartFunction<T>,
  options: RunAsPromiseOptions = {},
): Promise<T> {
  return run(start, options, true);
}

function run<T>(
  start: StartFunction<T>,
  options: RunAsPromiseOptions,
  isCallbackSilencedByCancel: boolean,
): Promise<T> {
  expectFunction('start', start, false);
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
  }
  const { signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`Expected \`options.signal\` to be an AbortSignal, got ${describeValue(signal)}`);
  }
  if (signal?.aborted === true) return Promise.reject(signal.reason);

  return new Promise<T>((resolve, reject) => {
    let op: AsyncOp<unknown> | undefined;
    let isStarting = true;
    let isInvalid = false;
    let hasSettled = false;
    /** An outcome that came while start() ran: held until start() returned something valid. */
    let early: { readonly error: unknown; readonly value: T | undefined } | undefined;
    const settle = (): void => {
      hasSettled = true;
      signal?.removeEventListener('abort', onAbort);
      op?.release();
      op = undefined;
    };
    const deliver = (error: unknown, value: T | undefined): void => {
      settle();
      if (error === undefined || error === null) resolve(value as T);
      else reject(signal?.aborted === true && isCanceledError(error) ? signal.reason : error);
    };
    const onAbort = (): void => {
      if (op?.cancel(signal?.reason) === true && isCallbackSilencedByCancel && !hasSettled) {
        settle();
        reject(signal?.reason);
      }
    };
    const callback: NodeCallback<T> = (error, value) => {
      // after a rejection for a bad return value, the start function's callback is ignored, as documented
      if (isInvalid) return;
      if (hasSettled || early !== undefined) {
        throw new Error('the start function called its callback more than once, or after cancel');
      }
      if (isStarting) early = { error, value };
      else deliver(error, value);
    };
    let returned: unknown;
    try {
      returned = start(callback);
    } catch (error) {
      isStarting = false;
      hasSettled = true;
      reject(error);
      return;
    }
    isStarting = false;
    if (!isAsyncOp(returned)) {
      isInvalid = true;
      hasSettled = true;
      reject(new TypeError(`Expected \`start\` to return an AsyncOp reference, got ${describeValue(returned)}`));
      return;
    }
    op = returned;
    if (early !== undefined) {
      // the callback came before start returned: the reference is released here
      deliver(early.error, early.value);
    } else if (signal?.aborted === true) {
      // aborted while start() ran: the listener was not there yet, so cancel now that the op is known
      onAbort();
    } else {
      signal?.addEventListener('abort', onAbort);
    }
  });
}

/** An AsyncOp reference from this copy of the package or another (checked by shape, not instanceof). */
function isAsyncOp(value: unknown): value is AsyncOp<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<'cancel' | 'release' | 'complete', unknown>>;
  return (
    typeof candidate.cancel === 'function' &&
    typeof candidate.release === 'function' &&
    typeof candidate.complete === 'function'
  );
}

import { describeValue, type Clock } from 'async-op';
import { expectClock, expectObject, expectTimeoutMs } from './option-validators.js';

/** What {@link delay} takes besides the time. */
export interface DelayOptions {
  /** The clock to wait on; default async-op's `systemClock` (real time). Tests give a `ManualClock`. */
  readonly clock?: Clock | undefined;
  /** Aborting it ends the wait at once: the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Waits `ms` milliseconds on a clock: the promise-level wait of a task body (a backoff, a rate limit), like
 * `setTimeout` of `node:timers/promises` but on an injectable clock.
 *
 * @param ms - milliseconds >= 0; `Infinity` waits until the signal aborts.
 * @param options - `clock` (default real time) and `signal`.
 * @returns a promise that resolves once the time passed on the clock, or rejects with `signal.reason` when the signal
 *   aborts first (at once, without a timer, when it is aborted already).
 * @throws TypeError/RangeError (synchronously) for an `ms` that is not a number >= 0, options that are not an object,
 *   a `clock` that is not a Clock or a `signal` that is not an AbortSignal.
 * @remarks Resolves in a later turn, never inside delay(). The timer is cleared when the signal aborts, and the abort
 *   listener removed when the timer fires: a finished wait leaves neither behind. On a `ManualClock` the wait ends
 *   when the test advances the clock past it.
 */
export function delay(ms: number, options: DelayOptions = {}): Promise<void> {
  const duration = expectTimeoutMs('ms', ms);
  const { clock: given, signal } = expectObject('options', options);
  const clock = expectClock('options.clock', given);
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`Expected \`options.signal\` to be an AbortSignal, got ${describeValue(signal)}`);
  }
  if (signal?.aborted === true) return Promise.reject(signal.reason as unknown);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimer(timer);
      reject(signal?.reason);
    };
    const timer = clock.setTimer(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      duration,
      undefined,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

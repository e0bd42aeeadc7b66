import { describeValue, systemClock, type Clock } from 'async-op';
import type { CancellableModule } from './module-types.js';

/** The longest delay Node's timers take, 2^31-1 ms (about 24.8 days): a longer one fires after 1 ms instead. */
export const MAX_TIMER_DELAY_MS = 0x7fffffff;

/** The name of the checked value, as the caller wrote it; a wrong type here is the caller's bug, named at once. */
function expectName(name: unknown): string {
  if (typeof name !== 'string') throw new TypeError(`Expected \`name\` to be a string, got ${describeValue(name)}`);
  return name;
}

/**
 * Checks that a value is an object (not null, not a primitive), as the options of a constructor must be.
 *
 * @param name - how the error message names the value, e.g. `options`.
 * @param value - the value received.
 * @returns `value`, typed as a record whose fields can be read once each.
 * @throws TypeError naming the value received: "Expected \`options\` to be an object, got \`null\`".
 * @remarks Synchronous; reads nothing of the object.
 */
export function expectObject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`Expected \`${expectName(name)}\` to be an object, got ${describeValue(value)}`);
  }
  return value as Record<string, unknown>;
}

/**
 * Checks that a start function's callback is a function: the first check of every start function, so that a bad
 * call throws before anything starts.
 *
 * @param callback - the value received.
 * @throws TypeError naming the value received.
 * @remarks Synchronous. A start function that throws here never calls back and leaves nothing behind.
 */
export function expectCallback(callback: unknown): asserts callback is (...args: never[]) => unknown {
  if (typeof callback !== 'function') {
    throw new TypeError(`Expected \`callback\` to be a function, got ${describeValue(callback)}`);
  }
}

/**
 * Checks a numeric option: an integer from `min` to `max`, both included.
 *
 * @param name - how the error message names the option, e.g. `options.maxAttempts`.
 * @param value - the value received.
 * @param min - the smallest allowed value (a safe integer).
 * @param max - the largest allowed value (a safe integer, at least `min`).
 * @returns the value.
 * @throws TypeError naming the value when it is not a number; RangeError naming it when it is NaN, infinite, not an
 *   integer or out of range; RangeError when `min`/`max` themselves are not safe integers in order.
 * @remarks Timer delays: pass {@link MAX_TIMER_DELAY_MS} as `max`, since Node fires a longer timer after 1 ms.
 */
export function expectInteger(name: string, value: unknown, min: number, max: number): number {
  expectName(name);
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
    throw new RangeError(`Expected the bounds of \`${name}\` to be safe integers, min <= max, got ${min} and ${max}`);
  }
  const expected = `Expected \`${name}\` to be an integer from ${min} to ${max}`;
  if (typeof value !== 'number') throw new TypeError(`${expected}, got ${describeValue(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${expected}, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Checks the options of a module that sits on another: an object whose `lower` has start() and close() functions.
 *
 * @param options - the options received.
 * @throws TypeError naming the value received (the options, or their `lower`).
 * @remarks Reads `options.lower` once. It cannot tell whether the lower module's request and value types match this
 *   module's: TypeScript checks that at compile time.
 */
export function expectLowerModule(options: unknown): asserts options is {
  /** The module beneath. */
  lower: CancellableModule<unknown, unknown>;
} {
  const lower = expectObject('options', options)['lower'];
  const module = lower as { start?: unknown; close?: unknown } | null;
  if (
    typeof lower !== 'object' ||
    lower === null ||
    typeof module?.start !== 'function' ||
    typeof module.close !== 'function'
  ) {
    throw new TypeError(`Expected \`options.lower\` to be a CancellableModule, got ${describeValue(lower)}`);
  }
}

/**
 * Checks a timeout option: milliseconds from now, `Infinity` for none.
 *
 * @param name - how the error message names the option, e.g. `options.timeoutMs`.
 * @param value - the value received.
 * @returns the value.
 * @throws TypeError naming the value when it is not a number; RangeError naming it when it is NaN or negative.
 * @remarks Synchronous. Any delay is accepted, however long: the clocks of async-op run a delay past 2^31-1 ms as a
 *   chain of timers, so unlike a bare setTimeout() a long timeout never fires early.
 */
export function expectTimeoutMs(name: string, value: unknown): number {
  expectName(name);
  const expected = `Expected \`${name}\` to be a number of milliseconds >= 0 (Infinity for none)`;
  if (typeof value !== 'number') throw new TypeError(`${expected}, got ${describeValue(value)}`);
  if (Number.isNaN(value) || value < 0) throw new RangeError(`${expected}, got ${describeValue(value)}`);
  return value;
}

/**
 * Checks a clock option: an object with now(), setTimer() and clearTimer(), as async-op's `Clock`.
 *
 * @param name - how the error message names the option, e.g. `options.clock`.
 * @param value - the value received; undefined means the default.
 * @returns the clock, or `systemClock` (real time) for undefined.
 * @throws TypeError naming the value received.
 * @remarks Synchronous; reads the three methods once each (nothing is called). Every timer of a module goes through
 *   its clock, so a test gives it a `ManualClock` and never sleeps.
 */
export function expectClock(name: string, value: unknown): Clock {
  expectName(name);
  if (value === undefined) return systemClock;
  const clock = value as Partial<Record<keyof Clock, unknown>> | null;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof clock?.now !== 'function' ||
    typeof clock.setTimer !== 'function' ||
    typeof clock.clearTimer !== 'function'
  ) {
    throw new TypeError(
      `Expected \`${name}\` to be a Clock (an object with now(), setTimer() and clearTimer()), got ${describeValue(value)}`,
    );
  }
  return value as Clock;
}

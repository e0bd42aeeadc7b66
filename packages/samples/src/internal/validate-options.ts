import { AsyncFileManager } from 'async-op-file';
import { describeValue } from 'async-op';
import { LowLevelTestSettings } from '../ll-test-settings.js';
import type { LowLevelModuleOptions } from '../ll-options.js';
import type { CancellableModule } from '../module-types.js';

/** @throws TypeError naming the value received, for options that are not LowLevelModuleOptions. */
export function expectLowLevelOptions(options: unknown): asserts options is LowLevelModuleOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
  }
  const { manager, testSettings } = options as Record<string, unknown>;
  if (!(manager instanceof AsyncFileManager)) {
    throw new TypeError(`Expected \`options.manager\` to be an AsyncFileManager, got ${describeValue(manager)}`);
  }
  if (testSettings !== undefined && !(testSettings instanceof LowLevelTestSettings)) {
    throw new TypeError(
      `Expected \`options.testSettings\` to be a LowLevelTestSettings or undefined, got ${describeValue(testSettings)}`,
    );
  }
}

/** @throws TypeError naming the value received, for a lower module that lacks start(). */
export function expectModule(name: string, value: unknown): asserts value is CancellableModule<unknown, unknown> {
  if (typeof value !== 'object' || value === null || typeof (value as { start?: unknown }).start !== 'function') {
    throw new TypeError(`Expected \`${name}\` to be a CancellableModule, got ${describeValue(value)}`);
  }
}

/** The longest delay Node's timers take, 2^31-1 ms (about 24.8 days): a longer one fires after 1 ms instead. */
export const MAX_TIMER_DELAY_MS = 0x7fffffff;

/**
 * Checks a numeric option: an integer from `min` to `max`.
 *
 * @returns the value.
 * @throws TypeError naming the value when it is not a number; RangeError naming it when it is NaN, infinite, not an
 *   integer or out of range.
 */
export function expectIntegerOption(name: string, value: unknown, min: number, max: number): number {
  const expected = `Expected \`${name}\` to be an integer from ${min} to ${max}`;
  if (typeof value !== 'number') throw new TypeError(`${expected}, got ${describeValue(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${expected}, got ${describeValue(value)}`);
  }
  return value;
}

import { AsyncFileManager } from 'async-op-file';
import { describeValue } from 'async-op';
import { LowLevelTestSettings } from '../ll-test-settings.js';
import type { LowLevelModuleOptions } from '../ll-options.js';
import type { CancellableModule } from '../module-types.js';

/** @returns `options` as a record. @throws TypeError naming the value received, unless it is an object. */
function expectOptionsObject(options: unknown): Record<string, unknown> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
  }
  return options as Record<string, unknown>;
}

/** @throws TypeError naming the value received, for options that are not LowLevelModuleOptions. */
export function expectLowLevelOptions(options: unknown): asserts options is LowLevelModuleOptions {
  const { manager, testSettings } = expectOptionsObject(options);
  if (!(manager instanceof AsyncFileManager)) {
    throw new TypeError(`Expected \`options.manager\` to be an AsyncFileManager, got ${describeValue(manager)}`);
  }
  if (testSettings !== undefined && !(testSettings instanceof LowLevelTestSettings)) {
    throw new TypeError(
      `Expected \`options.testSettings\` to be a LowLevelTestSettings or undefined, got ${describeValue(testSettings)}`,
    );
  }
}

/**
 * Checks the options of an ML or HL module: an object whose `lower` is a module (start() and close() functions).
 *
 * @throws TypeError naming the value received.
 */
export function expectLowerModule(options: unknown): asserts options is { lower: CancellableModule<unknown, unknown> } {
  const lower = expectOptionsObject(options)['lower'];
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

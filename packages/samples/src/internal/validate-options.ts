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

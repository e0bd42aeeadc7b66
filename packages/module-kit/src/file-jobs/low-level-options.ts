import { describeValue } from 'async-op';
import { AsyncFileManager } from 'async-op-file';
import { expectObject } from '../option-validators.js';
import { LowLevelTestSettings } from './low-level-test-settings.js';

/** What a low-level file module takes at creation. */
export interface LowLevelModuleOptions {
  /** The file manager that runs the jobs (long-lived, shared; the module does not own it). */
  readonly manager: AsyncFileManager;
  /** Test hooks: scripted outcomes consumed one per start(). */
  readonly testSettings?: LowLevelTestSettings | undefined;
}

/**
 * Checks the options of a low-level file module.
 *
 * @param options - the value received.
 * @throws TypeError naming the value received: options not an object, `manager` not an AsyncFileManager,
 *   `testSettings` neither a LowLevelTestSettings nor undefined.
 * @remarks Reads each field once.
 */
export function expectLowLevelOptions(options: unknown): asserts options is LowLevelModuleOptions {
  const { manager, testSettings } = expectObject('options', options);
  if (!(manager instanceof AsyncFileManager)) {
    throw new TypeError(`Expected \`options.manager\` to be an AsyncFileManager, got ${describeValue(manager)}`);
  }
  if (testSettings !== undefined && !(testSettings instanceof LowLevelTestSettings)) {
    throw new TypeError(
      `Expected \`options.testSettings\` to be a LowLevelTestSettings or undefined, got ${describeValue(testSettings)}`,
    );
  }
}

import type { AsyncFileManager } from 'async-op-file';
import type { LowLevelTestSettings } from './ll-test-settings.js';

/** What both LL modules take at creation. */
export interface LowLevelModuleOptions {
  /** The file manager that runs the jobs (long-lived, shared; the module does not own it). */
  readonly manager: AsyncFileManager;
  /** Test hooks: scripted outcomes consumed one per start(). */
  readonly testSettings?: LowLevelTestSettings | undefined;
}

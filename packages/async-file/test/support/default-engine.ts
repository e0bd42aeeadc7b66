import { AsyncFileManager } from '../../src/index.js';

/**
 * The engine of managers created without `engine` in this run: `node-fs`, or what ASYNC_FILE_ENGINE names. `npm test`
 * runs the suites that touch real files once per engine (test/support/run-engines.ts), so a test that depends on the
 * engine says which one it is about with this.
 */
export const DEFAULT_ENGINE = new AsyncFileManager().engineName;

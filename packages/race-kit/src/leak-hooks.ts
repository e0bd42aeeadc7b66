import { LeakCheck } from './leak-check.js';

/** The part of mocha's test the hooks read. */
export interface MochaTestState {
  /** `passed` or `failed` once the test ran. */
  readonly state?: string | undefined;
}

/** The part of mocha's hook context the hooks use: the current test's state, and the hook's own error(). */
export interface MochaHookContext {
  /** The test the hook runs for. */
  readonly currentTest?: MochaTestState | undefined;
  /** The hook itself (its error() fails the current test). */
  readonly test?: unknown;
}

/** Mocha root hooks: export them as `mochaHooks` from a file given to mocha's `--require`. */
export interface MochaLeakHooks {
  /** Marks what exists before the test. */
  beforeEach(this: MochaHookContext): void;
  /** Fails the passing test that left something behind. */
  afterEach(this: MochaHookContext): void;
}

/**
 * Mocha root hooks that fail a passing test which left an AsyncOp reference unreleased or a file open.
 *
 * @returns `{ beforeEach, afterEach }`; in a file loaded with `--require`: `export const mochaHooks = mochaLeakHooks();`.
 * @remarks
 * A leak fails the TEST, not the hook (through mocha's Hook#error()), so the rest of the suite still runs; a test
 * that failed already is not judged again. See {@link LeakCheck} for what counts.
 *
 * @example
 * ```ts
 * // test/leak-hooks.ts, run with: mocha --require test/leak-hooks.js
 * import { mochaLeakHooks } from 'async-op-race-kit';
 * export const mochaHooks = mochaLeakHooks();
 * ```
 */
export function mochaLeakHooks(): MochaLeakHooks {
  const check = new LeakCheck();
  return {
    beforeEach() {
      check.begin();
    },
    afterEach() {
      if (this.currentTest?.state !== 'passed') return;
      const leak = check.end();
      if (leak !== undefined) (this.test as { error(error: Error): void }).error(leak);
    },
  };
}

/**
 * Wraps a local check for mocha's `afterEach` so that a failed check fails the TEST, as the root leak hooks do,
 * instead of failing the hook (after which mocha skips every later test of the `describe`).
 *
 * @param check - the cleanup and its assertions (may be async); runs after every test, passed or not, with mocha's
 *   hook context as `this` (`this.currentTest.state` tells which).
 * @returns the function to give to `afterEach`.
 * @remarks What `check` throws after a test that already failed is not reported again (the test's own failure is
 *   the one to read); after a passing test it fails that test, and the rest of the suite still runs.
 *
 * @example
 * ```ts
 * afterEach(mochaCheckAfterEach(async () => {
 *   await module.close();
 *   expect(engine.openDescriptorCount).to.equal(0);
 * }));
 * ```
 */
export function mochaCheckAfterEach(
  check: (this: MochaHookContext) => void | Promise<void>,
): (this: MochaHookContext) => Promise<void> {
  return async function (this: MochaHookContext) {
    try {
      await check.call(this);
    } catch (error) {
      if (this.currentTest?.state !== 'passed') return;
      (this.test as { error(error: unknown): void }).error(error);
    }
  };
}

/** The hook functions of node:test that {@link nodeTestLeakHooks} registers with. */
export interface NodeTestHooks {
  /** node:test's beforeEach. */
  beforeEach(fn: () => void): void;
  /** node:test's afterEach. */
  afterEach(fn: () => void): void;
}

/**
 * Registers node:test hooks that fail a test which left an AsyncOp reference unreleased or a file open.
 *
 * @param hooks - node:test's `beforeEach` and `afterEach` (pass them in: the kit does not import node:test).
 * @remarks
 * Call it at the top of a test file (the hooks then apply to every test of the file) or inside a `describe`. A leak
 * makes the afterEach hook throw, which node:test reports as that test's failure (`hookFailed`); the other tests
 * still run. See {@link LeakCheck} for what counts.
 *
 * @example
 * ```ts
 * import { afterEach, beforeEach, test } from 'node:test';
 * import { nodeTestLeakHooks } from 'async-op-race-kit';
 * nodeTestLeakHooks({ beforeEach, afterEach });
 * ```
 */
export function nodeTestLeakHooks(hooks: NodeTestHooks): void {
  const check = new LeakCheck();
  hooks.beforeEach(() => check.begin());
  hooks.afterEach(() => {
    const leak = check.end();
    if (leak !== undefined) throw leak;
  });
}

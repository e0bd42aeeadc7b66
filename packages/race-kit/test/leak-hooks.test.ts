import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AsyncOp } from 'async-op';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { LeakCheck, mochaCheckAfterEach, mochaLeakHooks } from '../src/index.js';

/** A fake mocha hook context: the current test's state, and the hook's error() that fails that test. */
function hookContext(state: string): {
  currentTest: { state: string };
  test: { error(error: unknown): void };
  errors: unknown[];
} {
  const errors: unknown[] = [];
  return { currentTest: { state }, test: { error: (error) => errors.push(error) }, errors };
}

describe('LeakCheck', () => {
  it('should report a reference created and left unreleased since begin(), once', () => {
    const check = new LeakCheck();
    check.begin();
    const op = AsyncOp.create({ context: 'leaked on purpose' });
    const leak = check.end();
    expect(leak?.name).to.equal('LeakError');
    expect(leak?.message).to.match(/^The test passed but left resources behind:\n1 unreleased AsyncOp reference\(s\)/);
    expect(leak?.message).to.contain('(leaked on purpose) created');
    op.release();
    check.begin();
    expect(check.end()).to.equal(undefined);
  });
});

describe('mochaLeakHooks()', () => {
  it('should fail the passing test that leaked, through the hook error (the suite goes on)', () => {
    const hooks = mochaLeakHooks();
    const context = hookContext('passed');
    hooks.beforeEach.call(context);
    const op = AsyncOp.create({ context: null });
    hooks.afterEach.call(context);
    expect(context.errors).to.have.length(1);
    expect((context.errors[0] as Error).name).to.equal('LeakError');
    op.release();
  });

  it('should not judge a test that failed already', () => {
    const hooks = mochaLeakHooks();
    const context = hookContext('failed');
    hooks.beforeEach.call(context);
    const op = AsyncOp.create({ context: null });
    hooks.afterEach.call(context);
    op.release();
    expect(context.errors).to.deep.equal([]);
  });
});

describe('mochaCheckAfterEach()', () => {
  it('should fail the passing test whose check threw, and leave a failed test alone', async () => {
    const failure = new Error('2 descriptors left open');
    const hook = mochaCheckAfterEach(async () => {
      await Promise.resolve();
      throw failure;
    });
    const passed = hookContext('passed');
    await hook.call(passed);
    expect(passed.errors).to.deep.equal([failure]);
    const failed = hookContext('failed');
    await hook.call(failed);
    expect(failed.errors).to.deep.equal([]);
  });
});

describe('nodeTestLeakHooks()', () => {
  it('should fail the node:test test that leaked, and pass the others', () => {
    const fixture = fileURLToPath(new URL('./fixtures/node-test-leak.fixture.js', import.meta.url));
    const run = spawnSync(process.execPath, ['--test', '--test-reporter', 'tap', fixture], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stdout).to.match(/^# pass 1$/m);
    expect(run.stdout).to.match(/^# fail 1$/m);
    expect(run.stdout).to.match(/not ok \d+ - leaks one reference/);
    expect(run.stdout).to.contain('unreleased AsyncOp reference');
  });
});

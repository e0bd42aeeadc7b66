import { expect } from 'chai';
import { describe, it } from 'mocha';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('the shared leak check (root hook)', () => {
  it('should fail a passing test that left an AsyncOp reference unreleased, and only that test', () => {
    const result = spawnSync(
      process.execPath,
      [
        'node_modules/mocha/bin/mocha.js',
        '--no-config',
        '--enable-source-maps',
        '--require',
        'test/dist/support/root-hooks.js',
        '--reporter',
        'test/support/summary-reporter.cjs',
        'test/dist/fixtures/leaky.fixture.js',
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, FC_SEED: '1' }, timeout: 60_000 },
    );
    const output = result.stdout + result.stderr;
    expect(result.status, output).to.equal(1);
    expect(output).to.contain('1 unreleased AsyncOp reference(s)');
    expect(output).to.contain('(leaked)');
    expect(output).to.match(/leaky\.fixture\.ts:\d+/);
    expect(output).to.contain('fast-check: seed 1,');
    expect(output.trim().split('\n').at(-1)).to.equal('2 passed, 1 failed');
  });
});

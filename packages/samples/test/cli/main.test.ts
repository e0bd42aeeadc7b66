import { expect } from 'chai';
import { describe, it } from 'mocha';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function demo(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('async-op-demo (the demo CLI)', () => {
  it('should show chaining, cancel every sample cleanly and leak nothing, end to end', () => {
    const { status, stdout, stderr } = demo();
    expect(status, stderr).to.equal(0);
    expect(stdout).to.contain('chained    OPEN-WRITE-CLOSE x5');
    expect(stdout).to.contain('unchained  OPEN x5, WRITE x5, CLOSE x5');
    expect(stdout).to.match(/chained {4}OPEN-WRITE-CLOSE x5\n\s+peak open files: 1 \(workers: 1\)/);
    expect(stdout.match(/-> canceled cleanly/g)).to.have.length(7);
    expect(stdout.match(/nothing leaked/g)).to.have.length(7);
    expect(stdout.trim().split('\n').at(-1)).to.equal('all checks held');
  });

  it('should keep peak open files <= workers with chaining for more workers', () => {
    const { status, stdout } = demo('chaining', '--files', '40', '--workers', '3');
    expect(status).to.equal(0);
    const peak = /chained {4}.*\n\s+peak open files: (\d+)/.exec(stdout);
    expect(Number(peak?.[1])).to.be.within(1, 3);
  });

  it('should explore a pitfall: the broken variant fails with its minimal interleaving, the real module passes', () => {
    const list = demo('explore', '--list');
    expect(list.status).to.equal(0);
    expect(list.stdout.trim().split('\n').length).to.be.at.least(10);
    const { status, stdout, stderr } = demo('explore', 'fake-cancel-without-once-guard');
    expect(status, stderr).to.equal(0);
    expect(stdout).to.contain('the minimal interleaving');
    expect(stdout).to.contain('broken because: the contract broken');
    expect(stdout).to.match(/correct module, same generated case:\n(.*\n)* {3}every rule of the contract holds/);
    expect(stdout).to.match(/scheduled tasks ran, in this order:\n\s+1\. \S/);
  });

  it('should print help for every command and exit 0', () => {
    for (const command of [[], ['chaining'], ['samples'], ['explore']]) {
      const { status, stdout } = demo(...command, '--help');
      expect(status).to.equal(0);
      expect(stdout).to.match(/^Usage: async-op-demo/);
    }
  });

  it('should exit 2 with a clear message for bad usage', () => {
    for (const [args, message] of [
      [['nope'], 'unknown command "nope"'],
      [['chaining', '--files', '0'], '--files must be an integer in [1, 1000], got "0"'],
      [['samples', 'll-imaginary'], 'unknown sample(s): ll-imaginary'],
      [['explore', 'no-such-mistake'], 'unknown pitfall "no-such-mistake"'],
      [['explore'], 'explore takes one pitfall name'],
      [['--bogus'], "Unknown option '--bogus'"],
    ] as const) {
      const { status, stderr } = demo(...args);
      expect(status, stderr).to.equal(2);
      expect(stderr).to.contain(message);
    }
  });
});

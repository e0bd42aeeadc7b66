import { expect } from 'chai';
import { describe, it } from 'mocha';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function demo(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('async-op-demo (the demo CLI)', function () {
  // each test starts the CLI as a new process, some of them a dozen times: on a loaded machine that alone can pass the
  // suite's default timeout (this is no speed check; a hang still fails, at the spawn's own 60 s limit)
  this.timeout(180_000);

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
    // the shrunk case usually breaks this one invariant; now and then (fast-check's seed is random) others with it
    expect(stdout).to.match(
      /broken because: the race of .* broke \d+ invariant\(s\):\n(\s+- .*\n)*?\s+- op\d+ called back 2 time\(s\)/,
    );
    expect(stdout).not.to.contain('IS NOT IN THE COUNTEREXAMPLE');
    expect(stdout).to.match(
      /the unmodified copy \(the control\), same generated case:\n(.*\n)* {3}every rule of the contract holds/,
    );
    expect(stdout).to.match(/the real sample, same generated case:\n(.*\n)* {3}every rule of the contract holds/);
    expect(stdout).to.match(/scheduled tasks ran, in this order:\n\s+1\. \S/);
    expect(stdout.trim().split('\n').at(-1)).to.contain('the ladder holds');
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
      [['--bogus'], 'unknown option --bogus; options: --help, --version, --list, --files, --workers'],
      [['chaining', '--files', '-1'], '--files must be an integer in [1, 1000], got "-1"'],
      [['chaining', '--workers'], '--workers needs a value'],
      [['--help=yes'], '--help takes no value'],
      [['chaining', '--list'], '--list applies to samples and explore, not to chaining'],
      [['samples', '--files', '3'], '--files applies to all and chaining, not to samples'],
      [['samples', 'hl', 'hl'], 'sample hl is named twice'],
      [['chaining', 'extra'], 'unexpected argument(s): extra'],
    ] as const) {
      const { status, stderr } = demo(...args);
      expect(status, stderr).to.equal(2);
      expect(stderr).to.contain(message);
      // the CLI's own words, never node:util's parser text
      expect(stderr).not.to.match(/ambiguous|To specify an option argument|Unknown option '/);
    }
  });

  it('should print its version from its package.json and exit 0', () => {
    const manifest = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-v']) {
      const { status, stdout } = demo(flag);
      expect(status).to.equal(0);
      expect(stdout).to.equal(`async-op-demo ${manifest.version}\n`);
    }
  });

  it('should list the seven samples without running any', () => {
    const { status, stdout } = demo('samples', '--list');
    expect(status).to.equal(0);
    const lines = stdout.trim().split('\n');
    expect(lines.map((line) => line.split(' ')[0])).to.deep.equal([
      'll-real-cancel',
      'll-fake-cancel',
      'ml-pass-through',
      'ml-chain',
      'ml-retries',
      'hl',
      'hl-cancel-all',
    ]);
    expect(stdout).not.to.contain('== sample');
  });

  it('should run the named samples in the order given', () => {
    const { status, stdout, stderr } = demo('samples', 'hl', 'll-real-cancel');
    expect(status, stderr).to.equal(0);
    const headers = stdout.split('\n').filter((line) => line.startsWith('== sample'));
    expect(headers.map((line) => line.split(':')[0])).to.deep.equal(['== sample 1/2', '== sample 2/2']);
    expect(headers.map((line) => line.split(': ')[1])).to.deep.equal(['hl', 'll-real-cancel']);
  });

  it('should show the HL deadline canceling each op beneath, and the reason chain down to the deadline', () => {
    const { status, stdout, stderr } = demo('samples', 'hl');
    expect(status, stderr).to.equal(0);
    expect(stdout).to.match(/"hl doc-0\.txt" canceled: TimeoutError: kind deadline/);
    expect(stdout).to.match(/"ml-chain save doc-0\.txt" canceled: TimeoutError: kind parent/);
    expect(stdout).to.match(/callback #0: canceled \(TimeoutError: kind deadline/);
    const chain = stdout.slice(stdout.indexOf('reason chain of the op canceled last:'));
    expect(chain, stdout).to.match(/^reason chain[^\n]*\n\s+"ml-retries write-file [^"]+":\n/);
    expect(chain).to.match(/<- caused by TimeoutError: kind deadline, origin "hl doc-0\.txt", a deadline\n/);
    expect(stdout).to.contain('result: canceled -> canceled cleanly');
  });

  it('should run explore from what the package ships: its ladder imports nothing outside the package', () => {
    const dist = fileURLToPath(new URL('../../src/', import.meta.url));
    const outside: string[] = [];
    const visit = (folder: string): void => {
      for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
        const file = path.join(folder, entry.name);
        if (entry.isDirectory()) visit(file);
        else if (file.endsWith('.js')) {
          for (const match of fs.readFileSync(file, 'utf8').matchAll(/from '(\.[^']*)'|import\('(\.[^']*)'\)/g)) {
            const specifier = match[1] ?? match[2] ?? '';
            const target = path.resolve(path.dirname(file), specifier);
            if (!target.startsWith(dist)) outside.push(`${path.relative(dist, file)} -> ${specifier}`);
          }
        }
      }
    };
    visit(path.join(dist, 'cli'));
    visit(path.join(dist, 'pitfalls'));
    visit(path.join(dist, 'race'));
    expect(outside).to.deep.equal([]);
  });
});

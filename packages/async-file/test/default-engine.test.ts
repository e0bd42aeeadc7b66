import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { ENGINE_ENV } from '../src/index.js';
import { ioUringUnavailableReason } from './support/io-uring-availability.js';

const INDEX_URL = new URL('../src/index.js', import.meta.url).href;

/**
 * Runs `script` (ESM, with AsyncFileManager, NodeFsEngine in scope) in a fresh Node process whose ASYNC_FILE_ENGINE is
 * `value` (undefined: unset), since the variable is read once per process. Returns what it printed, trimmed.
 */
function inChild(value: string | undefined, script: string): string {
  const env = { ...process.env };
  delete env[ENGINE_ENV];
  if (value !== undefined) env[ENGINE_ENV] = value;
  const source = `import { AsyncFileManager, NodeFsEngine } from '${INDEX_URL}';\n${script}`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', source], { env, encoding: 'utf8' }).trim();
}

/** Prints the engine and the reason of a manager created without `engine`. */
const DEFAULT_MANAGER = `const m = new AsyncFileManager(); console.log(m.engineName + ' | ' + m.engineReason);`;

describe(`the default engine: the environment variable ${ENGINE_ENV}`, function () {
  this.timeout(20_000);
  const unavailable = ioUringUnavailableReason();

  it('should be node-fs when the variable is unset or empty', () => {
    expect(inChild(undefined, DEFAULT_MANAGER)).to.equal('node-fs | the default engine');
    expect(inChild('', DEFAULT_MANAGER)).to.equal('node-fs | the default engine');
  });

  it('should be the engine it names, with the variable in the reason', function () {
    expect(inChild('node-fs', DEFAULT_MANAGER)).to.equal('node-fs | ASYNC_FILE_ENGINE=node-fs: node-fs requested');
    if (unavailable !== undefined) this.skip();
    expect(inChild('io_uring', DEFAULT_MANAGER)).to.equal('io_uring | ASYNC_FILE_ENGINE=io_uring: io_uring requested');
    expect(inChild('auto', DEFAULT_MANAGER)).to.equal('io_uring | ASYNC_FILE_ENGINE=auto: io_uring is available');
  });

  it('should apply to managers created without `engine` only', () => {
    const script = `console.log([
      new AsyncFileManager({ engine: 'node-fs' }).engineName,
      new AsyncFileManager({ engine: new NodeFsEngine() }).engineReason,
    ].join(' | '));`;
    expect(inChild('io_uring', script)).to.equal('node-fs | given by the caller');
  });

  it('should be read once, at the first manager created without `engine`', () => {
    const script = `process.env.${ENGINE_ENV} = 'node-fs'; // before the first manager: counts
      const first = new AsyncFileManager().engineReason;
      process.env.${ENGINE_ENV} = 'no-such-engine'; // after: ignored
      console.log(first + ' | ' + new AsyncFileManager().engineReason);`;
    expect(inChild(undefined, script)).to.equal(
      'ASYNC_FILE_ENGINE=node-fs: node-fs requested | ASYNC_FILE_ENGINE=node-fs: node-fs requested',
    );
  });

  it('should make managers without `engine` throw a TypeError naming the variable and the unknown value', () => {
    const script = `try { new AsyncFileManager(); } catch (error) { console.log(error.name + ': ' + error.message); }
      console.log(new AsyncFileManager({ engine: 'node-fs' }).engineName);`;
    expect(inChild('uring', script).split('\n')).to.deep.equal([
      "TypeError: Expected the environment variable ASYNC_FILE_ENGINE to be 'auto', 'node-fs' or 'io_uring' (or unset), got `uring`",
      'node-fs',
    ]);
  });

  it('should make managers without `engine` throw IoUringUnavailableError for io_uring where it is unavailable', function () {
    if (unavailable === undefined) this.skip(); // available here: the case is covered above
    const script = `try { new AsyncFileManager(); } catch (error) { console.log(error.code); }`;
    expect(inChild('io_uring', script)).to.equal('ERR_IO_URING_UNAVAILABLE');
  });
});

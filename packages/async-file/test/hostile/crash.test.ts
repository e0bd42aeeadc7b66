import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { useTempDir } from '../support/temp-dir.js';

/** The package's entry point, as the scripts import it. */
const ENTRY = new URL('../../src/index.js', import.meta.url).href;

interface Exit {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `script` (an ES module body that imports the package as `lib`) in a child process: where the thing tested is a
 * crash, the crash must not take the test runner with it.
 */
function runScript(script: string, env: Record<string, string> = {}): Promise<Exit> {
  const source = `import * as lib from ${JSON.stringify(ENTRY)};\n${script}`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '--eval', source],
      { timeout: 20_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const exit = error as (Error & { code?: number; signal?: string }) | null;
        resolve({ code: exit === null ? 0 : (exit.code ?? null), signal: exit?.signal ?? null, stdout, stderr });
      },
    );
  });
}

function expectCleanExit(exit: Exit, lines: readonly string[]): void {
  expect(exit.stderr, 'stderr').to.equal('');
  expect([exit.code, exit.signal], `exit (stderr: ${exit.stderr})`).to.deep.equal([0, null]);
  expect(exit.stdout.trim().split('\n')).to.deep.equal(lines);
}

describe('AsyncFileManager engine failures that used to crash the process (child processes, real files)', () => {
  const tmp = useTempDir();

  it('should survive an engine that throws from a chained write and from a queued one', async () => {
    const exit = await runScript(`
      const scripted = new lib.ScriptedEngine({ completion: 'async' });
      scripted.writeFile('/d/f', 'x');
      const engine = new Proxy(scripted, {
        get: (target, key) => key === 'write'
          ? () => { throw new RangeError('The value of "length" is out of range') }
          : typeof target[key] === 'function' ? target[key].bind(target) : target[key],
      });
      const manager = new lib.AsyncFileManager({ concurrency: 1, engine });
      const a = manager.newFileHandle();
      const b = manager.newFileHandle();
      const chained = new Promise((resolve) => a.openExistingFile('/d/f', 'write', () => {
        // chained: takes over the slot from inside the callback
        a.write(Buffer.from('y'), 0, (error) => resolve(console.log('chained', error.code))).release();
      }).release());
      // queued behind the busy slot
      const queued = new Promise((resolve) => b.openExistingFile('/d/f', 'write', () => {
        b.write(Buffer.from('z'), 0, (error) => resolve(console.log('queued', error.code))).release();
      }).release());
      await Promise.all([chained, queued]);
      a.abort();
      b.abort();
      await manager.close();
      console.log('closed');
    `);
    expectCleanExit(exit, ['chained ERR_FILE_ENGINE_FAILED', 'queued ERR_FILE_ENGINE_FAILED', 'closed']);
  });

  it('should refuse a 2 GiB write chained from a callback at the call, and still close (node-fs)', async () => {
    const file = tmp.join('file');
    fs.writeFileSync(file, '');
    const exit = await runScript(`
      const manager = new lib.AsyncFileManager({ engine: 'node-fs' });
      const handle = manager.newFileHandle();
      const huge = Buffer.allocUnsafeSlow(2 ** 31);
      handle.openExistingFile(${JSON.stringify(file)}, 'write', () => {
        try {
          handle.write(huge, 0, () => console.log('called back')).release();
        } catch (error) {
          console.log(error.name);
        }
        handle.abort();
      }).release();
      await handle.whenIdle();
      await manager.close();
      console.log('closed');
    `);
    expectCleanExit(exit, ['RangeError', 'closed']);
  });

  it('should fail a write whose buffer was detached while it was queued, on both real engines', async () => {
    const file = tmp.join('file');
    fs.writeFileSync(file, '');
    for (const engine of ['node-fs', 'io_uring']) {
      const exit = await runScript(`
        let manager;
        try {
          manager = new lib.AsyncFileManager({ concurrency: 1, engine: ${JSON.stringify(engine)} });
        } catch (error) {
          if (error.code !== 'ERR_IO_URING_UNAVAILABLE') throw error;
          manager = new lib.AsyncFileManager({ concurrency: 1, engine: 'node-fs' });
        }
        const busy = manager.newFileHandle();
        const handle = manager.newFileHandle();
        handle.openExistingFile(${JSON.stringify(file)}, 'write', () => {
          busy.openExistingFile(${JSON.stringify(file)}, 'read', () => busy.abort()).release();
          const buffer = new Uint8Array(1024);
          // chained behind nothing on this handle, but queued: the busy open holds the only slot... then detached
          handle.write(buffer, 0, (error) => { console.log(error.code); handle.abort(); }).release();
          structuredClone(buffer.buffer, { transfer: [buffer.buffer] });
        }).release();
        await handle.whenIdle();
        await busy.whenIdle();
        await manager.close();
        console.log('closed');
      `);
      expectCleanExit(exit, ['ERR_FILE_BUFFER_DETACHED', 'closed']);
      expect(fs.statSync(file).size, engine).to.equal(0);
    }
  });

  it('should survive an io_uring engine closed under the manager by another manager', async () => {
    const exit = await runScript(`
      let shared;
      try {
        shared = new lib.IoUringEngine();
      } catch (error) {
        if (error.code !== 'ERR_IO_URING_UNAVAILABLE') throw error;
        console.log('ERR_IO_URING_CLOSED'); console.log('closed');
        process.exit(0);
      }
      await new lib.AsyncFileManager({ engine: shared }).close();
      const manager = new lib.AsyncFileManager({ engine: shared });
      manager.stat('/', (error) => console.log(error.code)).release();
      await manager.close();
      console.log('closed');
    `);
    expectCleanExit(exit, ['ERR_IO_URING_CLOSED', 'closed']);
  });
});

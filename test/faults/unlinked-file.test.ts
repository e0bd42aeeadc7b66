import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AsyncFileManager, type AsyncFileHandle, type EngineError, type FileCallback } from 'async-op-file';
import type { AsyncOp } from 'async-op';
import { RealCancelFileModule, type FileJobValue, type Result } from 'async-op-samples';
import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import { faultEngines } from './support/fault-child.js';

/** What an action's callback received. */
function outcome<T>(
  start: (callback: FileCallback<T>) => AsyncOp<unknown>,
): Promise<{ error: string | null; result: T }> {
  return new Promise((resolve) => {
    let isDone = false;
    const op = start((error: EngineError | null, result: T) => {
      isDone = true;
      resolve({ error: error?.code ?? null, result });
    });
    if (isDone) op.release();
    else void Promise.resolve().then(() => op.release());
  });
}

describe('faults: a file unlinked under its open handle', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fault-unlinked-')));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const engine of faultEngines()) {
    it(`should keep reading and writing the open file, refuse to name it again, and close it (${engine})`, async () => {
      const file = path.join(dir, 'file');
      fs.writeFileSync(file, 'still here');
      const manager = new AsyncFileManager({ engine: engine as 'node-fs' });
      const handle: AsyncFileHandle = manager.newFileHandle();
      expect((await outcome<void>((cb) => handle.openExistingFile(file, 'read-write', cb))).error).to.equal(null);
      fs.unlinkSync(file);
      const read = await outcome<Buffer>((cb) => handle.read(0, 100, cb));
      expect([read.error, read.result.toString()]).to.deep.equal([null, 'still here']);
      expect((await outcome<number>((cb) => handle.write(Buffer.from('STILL'), 0, cb))).result).to.equal(5);
      const stat = await outcome((cb) => handle.stat(cb));
      expect((stat.result as { nlink: number }).nlink).to.equal(0);
      // a file that was named once and lost its last name cannot be named again (only O_TMPFILE files can)
      expect((await outcome<void>((cb) => handle.createHardLink(path.join(dir, 'again'), cb))).error).to.equal(
        'ENOENT',
      );
      expect((await outcome<void>((cb) => handle.sync(cb))).error).to.equal(null);
      expect((await outcome<void>((cb) => handle.close(cb))).error).to.equal(null);
      // the path is gone: a new action on it fails clearly
      expect((await outcome((cb) => manager.stat(file, cb))).error).to.equal('ENOENT');
      await manager.close();
      expect(fs.readdirSync(dir)).to.deep.equal([]);
    });

    it(`should let an LL read-file finish on a file unlinked while it reads (${engine})`, async () => {
      const file = path.join(dir, 'file');
      const data = Buffer.alloc(256 * 1024, 9);
      fs.writeFileSync(file, data);
      // the trace says when the job's open finished: the name goes right then, before its first read
      const manager = new AsyncFileManager({
        engine: engine as 'node-fs',
        trace: (event) => {
          if (event.type === 'finished' && event.action === 'openExistingFile') fs.unlinkSync(file);
        },
      });
      const real = new RealCancelFileModule({ manager });
      real.open();
      const result = await new Promise<Result<FileJobValue>>((resolve) => {
        real.start({ kind: 'read-file', path: file, chunkSize: 4096 }, resolve).release();
      });
      await real.close();
      await manager.close();
      expect(result.status).to.equal('ok');
      expect(result.value?.data?.equals(data)).to.equal(true);
      expect(fs.readdirSync(dir)).to.deep.equal([]);
    });
  }
});

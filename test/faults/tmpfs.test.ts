import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AsyncFileManager, type AsyncFileHandle, type EngineError, type FileCallback } from 'async-op-file';
import type { AsyncOp } from 'async-op';
import {
  AtomicSaveModule,
  FakeCancelFileModule,
  RealCancelFileModule,
  RetryModule,
  type CancellableModule,
  type FileJobRequest,
  type FileJobValue,
  type Result,
} from 'async-op-samples';
import { expect } from 'chai';
import { after, afterEach, before, beforeEach, describe, it } from 'mocha';
import { faultEngines } from './support/fault-child.js';

/** The size of the tmpfs: a write of more fails with ENOSPC. */
const SIZE = 1024 * 1024;

/** What an action's callback received: the error's code, or null and the result. */
function outcome<T>(start: (callback: FileCallback<T>) => AsyncOp<unknown>): Promise<{ error: string | null }> {
  return new Promise((resolve) => {
    let isDone = false;
    const op = start((error: EngineError | null) => {
      isDone = true;
      resolve({ error: error?.code ?? null });
    });
    if (isDone) op.release();
    else void Promise.resolve().then(() => op.release());
  });
}

/** What a module's callback received: the status and the error's code. */
function job<R>(module: CancellableModule<R, FileJobValue>, request: R): Promise<{ status: string; code: unknown }> {
  return new Promise((resolve) => {
    module
      .start(request, (result: Result<FileJobValue>) =>
        resolve({ status: result.status, code: (result.error as EngineError | undefined)?.code ?? null }),
      )
      .release();
  });
}

/** The LL, chain and retry modules over one manager. */
interface Modules {
  readonly manager: AsyncFileManager;
  readonly real: RealCancelFileModule;
  readonly fake: FakeCancelFileModule;
  readonly chain: AtomicSaveModule;
  readonly retries: RetryModule<FileJobRequest, FileJobValue>;
}

function modules(engine: string): Modules {
  const manager = new AsyncFileManager({ engine: engine as 'node-fs' });
  const real = new RealCancelFileModule({ manager });
  const fake = new FakeCancelFileModule({ manager });
  real.open();
  fake.open();
  const chain = new AtomicSaveModule({ lower: real });
  const retries = new RetryModule<FileJobRequest, FileJobValue>({ lower: fake, baseDelayMs: 1 });
  chain.open();
  retries.open();
  return { manager, real, fake, chain, retries };
}

async function closeAll({ manager, real, fake, chain, retries }: Modules): Promise<void> {
  await Promise.all([chain.close(), retries.close()]);
  await Promise.all([real.close(), fake.close()]);
  await manager.close();
}

/**
 * ENOSPC and EROFS on a small tmpfs mounted for this suite (tests run as root; where mounting is not allowed the suite
 * is skipped with the reason printed: the one skip of the fault suites).
 */
describe('faults: ENOSPC and EROFS (a 1 MiB tmpfs)', function () {
  let mountPoint: string | undefined;
  let unavailable: string | undefined;

  before(function () {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fault-tmpfs-')));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
      mountPoint = dir;
    } catch (error) {
      fs.rmdirSync(dir);
      unavailable = String((error as { stderr?: Buffer }).stderr ?? error).trim();
      console.warn(`ENOSPC/EROFS fault tests skipped: cannot mount a tmpfs here (${unavailable})`);
      this.skip();
    }
  });

  after(() => {
    if (mountPoint === undefined) return;
    execFileSync('umount', [mountPoint]);
    fs.rmdirSync(mountPoint);
  });

  beforeEach(() => {
    const root = mountPoint as string;
    execFileSync('mount', ['-o', 'remount,rw', root]);
    for (const entry of fs.readdirSync(root)) fs.rmSync(path.join(root, entry), { recursive: true, force: true });
    fs.writeFileSync(path.join(root, 'target'), 'old content');
  });

  afterEach(() => {
    if (mountPoint !== undefined) execFileSync('mount', ['-o', 'remount,rw', mountPoint]);
  });

  for (const engine of faultEngines()) {
    it(`should report ENOSPC, not retryable, leaving no file behind (${engine})`, async () => {
      const root = mountPoint as string;
      const big = Buffer.alloc(SIZE + 200_000, 3);
      const all = modules(engine);
      const handle: AsyncFileHandle = all.manager.newFileHandle();
      fs.writeFileSync(path.join(root, 'grown'), '');
      await outcome<void>((cb) => handle.openExistingFile(path.join(root, 'grown'), 'write', cb));
      // writeNewFile first, on an empty file system: its write is short (the disk fills up), then the rest fails
      const result = {
        writeNewFile: await outcome((cb) => all.manager.writeNewFile(path.join(root, 'new'), big, cb)),
        write: await outcome((cb) => handle.write(big, 0, cb)),
        realWrite: await job(all.real, { kind: 'write-file', path: path.join(root, 'real'), data: big }),
        fakeWrite: await job(all.fake, { kind: 'write-file', path: path.join(root, 'fake'), data: big }),
        save: await job(all.chain, { path: path.join(root, 'target'), data: big }),
        retried: await job(all.retries, { kind: 'write-file', path: path.join(root, 'retried'), data: big }),
      };
      await outcome<void>((cb) => handle.close(cb));
      fs.rmSync(path.join(root, 'grown'));
      await closeAll(all);
      expect(result).to.deep.equal({
        write: { error: 'ENOSPC' },
        writeNewFile: { error: 'ENOSPC' },
        realWrite: { status: 'error', code: 'ENOSPC' },
        fakeWrite: { status: 'error', code: 'ENOSPC' },
        save: { status: 'error', code: 'ENOSPC' },
        retried: { status: 'error', code: 'ENOSPC' },
      });
      expect(fs.readdirSync(root)).to.deep.equal(['target']);
      expect(fs.readFileSync(path.join(root, 'target'), 'utf8')).to.equal('old content');
    });

    it(`should report EROFS for every change on a read-only file system, and still read (${engine})`, async () => {
      const root = mountPoint as string;
      execFileSync('mount', ['-o', 'remount,ro', root]);
      const all = modules(engine);
      const handle = all.manager.newFileHandle();
      const target = path.join(root, 'target');
      const result = {
        openForWriting: await outcome<void>((cb) => handle.openExistingFile(target, 'write', cb)),
        anonymous: await outcome<void>((cb) => handle.createAnonymousFile(root, cb)),
        writeNewFile: await outcome((cb) => all.manager.writeNewFile(path.join(root, 'new'), Buffer.from('x'), cb)),
        rename: await outcome<void>((cb) => all.manager.rename(target, path.join(root, 'renamed'), cb)),
        unlink: await outcome<void>((cb) => all.manager.unlink(target, cb)),
        realWrite: await job(all.real, { kind: 'write-file', path: path.join(root, 'real'), data: Buffer.from('x') }),
        fakeRename: await job(all.fake, { kind: 'rename', from: target, to: path.join(root, 'renamed') }),
        save: await job(all.chain, { path: target, data: Buffer.from('new') }),
        read: await job(all.real, { kind: 'read-file', path: target }),
      };
      await closeAll(all);
      expect(result).to.deep.equal({
        openForWriting: { error: 'EROFS' },
        anonymous: { error: 'EROFS' },
        writeNewFile: { error: 'EROFS' },
        rename: { error: 'EROFS' },
        unlink: { error: 'EROFS' },
        realWrite: { status: 'error', code: 'EROFS' },
        fakeRename: { status: 'error', code: 'EROFS' },
        save: { status: 'error', code: 'EROFS' },
        read: { status: 'ok', code: null },
      });
      expect(fs.readdirSync(root)).to.deep.equal(['target']);
    });
  }
});

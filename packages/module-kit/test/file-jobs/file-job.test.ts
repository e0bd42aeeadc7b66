import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AsyncFileManager, ScriptedEngine } from 'async-op-file';
import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import { FileJob } from '../../src/file-jobs/file-job.js';
import type { FileJobRequest, FileJobValue } from '../../src/file-jobs/file-job-request.js';
import { ModuleStateError } from '../../src/module-errors.js';
import type { Result } from '../../src/module-types.js';
import { expectRefusal } from '../support/hostile.js';

const DEFAULT_ENGINE = process.env['ASYNC_FILE_ENGINE'] ?? 'node-fs';

interface Scripted {
  readonly engine: ScriptedEngine;
  readonly manager: AsyncFileManager;
  readonly ends: Result<FileJobValue>[];
  job(request: FileJobRequest): FileJob;
}

function scripted(): Scripted {
  const engine = new ScriptedEngine({ completion: 'manual' });
  engine.addDirectory('/d');
  engine.writeFile('/d/a.txt', 'abcdefghij');
  const manager = new AsyncFileManager({ engine });
  const ends: Result<FileJobValue>[] = [];
  return { engine, manager, ends, job: (request) => new FileJob(manager, request, (end) => ends.push(end)) };
}

/** Completes the engine's calls one at a time until `until` says stop (checked before each), letting callbacks run. */
async function drive(engine: ScriptedEngine, until: () => boolean = () => false): Promise<void> {
  for (let idle = 0; idle < 3 && !until();) {
    const call = engine.pendingCalls[0];
    if (call === undefined) {
      idle++;
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    idle = 0;
    call.complete();
  }
}

describe('FileJob (scripted engine)', () => {
  let s: Scripted;

  beforeEach(() => {
    s = scripted();
  });

  afterEach(async () => {
    await s.manager.close();
    expect(s.engine.openDescriptorCount).to.equal(0);
  });

  it('should run each kind to its ok end, once', async () => {
    const data = Buffer.from('0123456789');
    const requests: FileJobRequest[] = [
      { kind: 'write-file', path: '/d/new.txt', data, chunkSize: 3 },
      { kind: 'read-file', path: '/d/a.txt', chunkSize: 4 },
      { kind: 'sync-file', path: '/d/a.txt' },
      { kind: 'rename', from: '/d/a.txt', to: '/d/b.txt' },
    ];
    for (const request of requests) {
      s.job(request).start();
      await drive(s.engine);
    }
    s.job({ kind: 'unlink', path: '/d/b.txt' }).start();
    await drive(s.engine);
    expect(s.ends).to.deep.equal([
      { status: 'ok', value: { bytes: 10 } },
      { status: 'ok', value: { bytes: 10, data: Buffer.from('abcdefghij') } },
      { status: 'ok', value: { bytes: 0 } },
      { status: 'ok', value: { bytes: 0 } },
      { status: 'ok', value: { bytes: 0 } },
    ]);
    expect(s.engine.listDirectory('/d')).to.deep.equal(['new.txt']);
    expect(s.engine.readFile('/d/new.txt')?.equals(data)).to.equal(true);
  });

  it('should stop between chunks on abort, name nothing, close the file, then end canceled', async () => {
    const job = s.job({ kind: 'write-file', path: '/d/new.txt', data: Buffer.alloc(12), chunkSize: 3 });
    job.start();
    const writesDone = (): number =>
      s.engine.calls.filter((call) => call.kind === 'write' && call.state === 'completed').length;
    await drive(s.engine, () => writesDone() === 2);
    job.abort('stop');
    expect(job.isOutcomeDecided).to.equal(true);
    await drive(s.engine);
    expect(s.ends).to.deep.equal([{ status: 'canceled', error: 'stop' }]);
    expect(s.engine.calls.filter((call) => call.kind === 'link')).to.have.length(0);
    expect(s.engine.listDirectory('/d')).to.deep.equal(['a.txt']);
  });

  it('should keep an ok end once the name exists: an abort after the link changes nothing', async () => {
    const job = s.job({ kind: 'write-file', path: '/d/new.txt', data: Buffer.from('xy') });
    job.start();
    await drive(s.engine, () => s.engine.calls.some((call) => call.kind === 'link' && call.state === 'completed'));
    expect(job.isOutcomeDecided).to.equal(true);
    job.abort('late');
    job.withdraw('late');
    job.abandon('late');
    await drive(s.engine);
    expect(s.ends).to.deep.equal([{ status: 'ok', value: { bytes: 2 } }]);
    expect(s.engine.readFile('/d/new.txt')?.toString()).to.equal('xy');
  });

  it('should withdraw a queued first action and end canceled on abandon (fake cancel), starting nothing', async () => {
    const job = s.job({ kind: 'read-file', path: '/d/a.txt' });
    job.start();
    job.withdraw('fake');
    expect(s.ends).to.deep.equal([]);
    job.abandon('fake');
    await drive(s.engine);
    expect(s.ends).to.deep.equal([{ status: 'canceled', error: 'fake' }]);
    expect(s.engine.calls.filter((call) => call.kind === 'read')).to.have.length(0);
  });

  it('should let the action in flight finish after abandon, then remove the name it created and end canceled', async () => {
    const job = s.job({ kind: 'write-file', path: '/d/new.txt', data: Buffer.from('xy') });
    job.start();
    await drive(s.engine, () => s.engine.pendingCalls[0]?.kind === 'link');
    job.withdraw('fake');
    job.abandon('fake');
    await drive(s.engine);
    expect(s.ends).to.deep.equal([{ status: 'canceled', error: 'fake' }]);
    expect(s.engine.listDirectory('/d')).to.deep.equal(['a.txt']);
  });

  it('should end with DataDetachedError, naming nothing, when its data is detached before its first chunk', async () => {
    const data = new Uint8Array(8);
    const job = s.job({ kind: 'write-file', path: '/d/new.txt', data, chunkSize: 4 });
    job.start();
    // detached while the anonymous file is created: no write of it is in flight yet
    structuredClone(data.buffer, { transfer: [data.buffer] });
    await drive(s.engine);
    expect(s.ends).to.have.length(1);
    expect(s.ends[0]?.status).to.equal('error');
    expect(s.ends[0]?.error).to.have.property('code', 'ERR_DATA_DETACHED');
    expect(s.engine.listDirectory('/d')).to.deep.equal(['a.txt']);
  });

  it('should report a transient engine error as error-can-retry', async () => {
    s.job({ kind: 'unlink', path: '/d/a.txt' }).start();
    s.engine.pendingCalls[0]?.fail('EBUSY');
    await drive(s.engine);
    expect(s.ends.map((end) => [end.status, (end.error as { code?: string } | undefined)?.code])).to.deep.equal([
      ['error-can-retry', 'EBUSY'],
    ]);
  });

  it('should start once, and refuse a bad manager, request or onEnd at construction, naming the value', () => {
    const job = s.job({ kind: 'unlink', path: '/d/a.txt' });
    job.start();
    expect(() => job.start()).to.throw(ModuleStateError, 'starts once');
    expectRefusal(() => new FileJob({} as never, { kind: 'unlink', path: '/a' }, () => undefined), 'manager', {});
    expectRefusal(() => new FileJob(s.manager, { kind: 'unlink', path: '' }, () => undefined), 'request.path', '');
    expectRefusal(() => new FileJob(s.manager, { kind: 'unlink', path: '/a' }, 'end' as never), 'callback', 'end');
    s.engine.completeAll();
  });
});

describe(`FileJob on real files (${DEFAULT_ENGINE})`, () => {
  let directory: string;
  let manager: AsyncFileManager;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'file-job-'));
    manager = new AsyncFileManager();
  });

  afterEach(async () => {
    await manager.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  function run(
    request: FileJobRequest,
    onStarted: (job: FileJob) => void = () => undefined,
  ): Promise<Result<FileJobValue>> {
    return new Promise((resolve) => {
      const job = new FileJob(manager, request, resolve);
      job.start();
      onStarted(job);
    });
  }

  it('should write a new file whole, then read it back, in chunks', async () => {
    const target = path.join(directory, 'out.bin');
    const data = Buffer.alloc(100_000, 3);
    expect(await run({ kind: 'write-file', path: target, data, chunkSize: 4096 })).to.deep.equal({
      status: 'ok',
      value: { bytes: data.length },
    });
    const read = await run({ kind: 'read-file', path: target, chunkSize: 8192 });
    expect(read.status === 'ok' && read.value.data?.equals(data)).to.equal(true);
  });

  it('should leave no file when aborted while writing, and end canceled after the close', async () => {
    const target = path.join(directory, 'out.bin');
    const result = await run(
      { kind: 'write-file', path: target, data: Buffer.alloc(1 << 20), chunkSize: 4096 },
      (job) => setImmediate(() => job.abort('stop')),
    );
    expect(result).to.deep.equal({ status: 'canceled', error: 'stop' });
    expect(fs.readdirSync(directory)).to.deep.equal([]);
  });

  it('should fail with EEXIST without touching an existing file', async () => {
    const target = path.join(directory, 'taken.txt');
    fs.writeFileSync(target, 'mine');
    const result = await run({ kind: 'write-file', path: target, data: Buffer.from('theirs') });
    expect(result.status).to.equal('error');
    expect(result.error).to.have.property('code', 'EEXIST');
    expect(fs.readFileSync(target, 'utf8')).to.equal('mine');
  });
});

import { mochaCheckAfterEach } from 'async-op-race-kit';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CrossThreadExitError } from 'async-op';
import { expect } from 'chai';
import { after, afterEach, before, describe, it } from 'mocha';
import { ModuleClosedError, WorkerPoolModule, type HashRequest, sampleLabel } from '../src/index.js';
import { createTestPool, PoolTraceLog, startTask, workerStats } from './support/pool.js';

/** The digest runHashTask computes: each chunk hashed `rounds` times, the results hashed together. */
function expectedDigest(data: Buffer, chunkSize: number, rounds: number): string {
  const total = createHash('sha256');
  for (let offset = 0; offset < data.length; offset += chunkSize) {
    let digest: Uint8Array = data.subarray(offset, offset + chunkSize);
    for (let round = 0; round < rounds; round++) digest = createHash('sha256').update(digest).digest();
    total.update(digest);
  }
  return total.digest('hex');
}

describe(`${sampleLabel('ll-worker-pool')} on real worker threads`, () => {
  // one pool of two threads for the suite (a thread takes ~100 ms to start); each test leaves it as it found it
  const log = new PoolTraceLog();
  let pool: WorkerPoolModule;
  let dir: string;
  let dataPath: string;
  const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31) % 251));

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-pool-'));
    dataPath = path.join(dir, 'data.bin');
    fs.writeFileSync(dataPath, data);
    pool = createTestPool(2, log);
    pool.open();
  });

  after(async () => {
    await pool.close();
    pool.destroy();
    expect(pool.workerCount).to.equal(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // a failed check fails its test, not the hook (mocha would skip the rest of the describe)
  afterEach(
    mochaCheckAfterEach(async function () {
      if (this.currentTest?.state !== 'passed') return;
      expect(pool.pendingCount).to.equal(0);
      expect(pool.cancelSlotsInUse, 'cancel slots in use').to.equal(0);
      expect(pool.workersStarted, 'no thread was restarted').to.equal(2);
      expect(await workerStats(pool)).to.deep.equal([
        { following: 0, liveReferences: 0 },
        { following: 0, liveReferences: 0 },
      ]);
    }),
  );

  it("should hash a file's chunks in a worker, and bytes", async () => {
    const file = startTask(pool, { kind: 'hash-file', path: dataPath, chunkSize: 50_000, rounds: 3 });
    const bytes = startTask(pool, { kind: 'hash-bytes', data: data.subarray(0, 1000) });
    for (const task of [file, bytes]) task.op.release();
    expect(await file.result).to.deep.equal({
      status: 'ok',
      value: { bytes: data.length, chunks: 4, digest: expectedDigest(data, 50_000, 3) },
    });
    expect((await bytes.result).value?.digest).to.equal(expectedDigest(data.subarray(0, 1000), 1000, 1));
  });

  it("should report a file error with Node's code, as error", async () => {
    const task = startTask(pool, { kind: 'hash-file', path: path.join(dir, 'missing') });
    task.op.release();
    const result = await task.result;
    expect(result.status).to.equal('error');
    expect(result.error).to.include({ code: 'ENOENT' });
  });

  it('should stop a task busy hashing (the one-load check) and keep the worker', async () => {
    const task = startTask(pool, { kind: 'hash-file', path: dataPath, rounds: 1_000_000 });
    const id = log.lastTaskId;
    await log.whenTask(id, 'hash-started');
    const reason = new Error('enough hashing');
    expect(task.op.cancel(reason)).to.equal(true);
    task.op.release();
    expect(await task.result).to.deep.equal({ status: 'canceled', error: reason });
    expect(log.of(id)).to.include('cancel-seen check');
  });

  it('should stop a task awaiting file I/O without any check (the doorbell), reporting once that I/O ended', async () => {
    // opening a FIFO for reading waits until someone opens it for writing: an open that stays in flight
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const task = startTask(pool, { kind: 'hash-file', path: fifo });
    const id = log.lastTaskId;
    await log.whenTask(id, 'open-started');
    // the open is enqueued; give it time to be executing (blocked in open(2)): either way nothing checks now
    await new Promise((resolve) => setTimeout(resolve, 20));
    task.op.cancel('no more waiting');
    task.op.release();
    await log.whenTask(id, 'cancel-seen');
    expect(log.of(id)).to.include('cancel-seen doorbell');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(task.isDelivered(), 'real cancel: not before the open in flight ended (and was undone)').to.equal(false);
    // read-write never waits, and ends the worker's open; the worker then closes what it opened
    const writer = fs.openSync(fifo, 'r+');
    try {
      expect(await task.result).to.deep.equal({ status: 'canceled', error: 'no more waiting' });
    } finally {
      fs.closeSync(writer);
    }
    expect(log.of(id).slice(-4)).to.deep.equal([
      'file-closed',
      'task-ended canceled',
      'reported canceled',
      'callback canceled',
    ]);
  });

  it('should stop a task pausing between chunks (an idle worker) through the doorbell', async () => {
    const task = startTask(pool, { kind: 'hash-file', path: dataPath, pauseMs: 60_000 });
    const id = log.lastTaskId;
    await log.whenTask(id, 'pause-started');
    task.op.cancel('wake up');
    task.op.release();
    expect(await task.result).to.deep.equal({ status: 'canceled', error: 'wake up' });
    expect(log.of(id)).to.include('cancel-seen doorbell');
  });

  it('should cancel a queued task inside cancel(), without it ever reaching a worker', async () => {
    const busy = [0, 1].map(() => startTask(pool, { kind: 'hash-file', path: dataPath, pauseMs: 60_000 }));
    const queued = startTask(pool, { kind: 'hash-bytes', data: new Uint8Array(1) });
    const queuedId = log.lastTaskId;
    expect(pool.pendingCount).to.equal(3);
    queued.op.cancel();
    expect(queued.isDelivered(), 'called back inside cancel()').to.equal(true);
    expect((await queued.result).status).to.equal('canceled');
    for (const task of busy) task.op.cancel();
    for (const task of [...busy, queued]) task.op.release();
    for (const task of busy) expect((await task.result).status).to.equal('canceled');
    expect(log.of(queuedId)).to.deep.equal(['enqueued', 'cancel-requested queued', 'callback canceled']);
  });

  it('should deliver exactly once when cancels race completions', async () => {
    // exactly once is checked for every task; the race needs both outcomes to have been exercised. How long a task
    // takes depends on the machine's load, so the cancels come later in each round (0 to 3, then 0 to 6, ... ms) until
    // both outcomes were seen
    const statuses = new Set<string>();
    for (let scale = 1; scale <= 64 && statuses.size < 2; scale *= 2) {
      const tasks = Array.from({ length: 40 }, (_, i) => {
        const request = { kind: 'hash-bytes', data: data.subarray(0, 10_000), rounds: 1 + (i % 5) * 20 } as const;
        const task = startTask(pool, request);
        const cancel = new Promise<boolean>((resolve) => setTimeout(() => resolve(task.op.cancel()), (i % 4) * scale));
        return { task, cancel };
      });
      for (const { task, cancel } of tasks) {
        const didWin = await cancel;
        task.op.release();
        const result = await task.result;
        statuses.add(result.status);
        if (result.status === 'canceled') expect(didWin).to.equal(true);
        else expect(result.status).to.equal('ok');
      }
    }
    expect([...statuses].sort()).to.deep.equal(['canceled', 'ok']);
  });

  it('should throw for a bad request or callback, leaving nothing behind', () => {
    const bad: [unknown, string][] = [
      [null, 'Expected `request` to be an object, got `null`'],
      [{ kind: 'hash-disk' }, 'got `"hash-disk"`'],
      [{ kind: 'hash-file', path: '' }, 'non-empty path string without NUL bytes, got `""`'],
      [{ kind: 'hash-file', path: 'a\u0000b' }, 'non-empty path string'],
      [{ kind: 'hash-file', path: 'a', rounds: 0 }, 'request.rounds` to be an integer from 1 to 1000000, got `0`'],
      [{ kind: 'hash-file', path: 'a', rounds: Number.NaN }, 'got `NaN`'],
      [{ kind: 'hash-file', path: 'a', chunkSize: 2 ** 31 }, `got \`${2 ** 31}\``],
      [{ kind: 'hash-file', path: 'a', pauseMs: -1 }, 'got `-1`'],
      [{ kind: 'hash-file', path: 'a', pauseMs: Number.POSITIVE_INFINITY }, 'got `Infinity`'],
      [{ kind: 'hash-bytes', data: 'abc' }, 'Uint8Array, got `"abc"`'],
    ];
    for (const [request, message] of bad) {
      expect(() => pool.start(request as HashRequest, () => undefined), message).to.throw(message);
    }
    const detached = new ArrayBuffer(4);
    const view = new Uint8Array(detached);
    structuredClone(detached, { transfer: [detached] });
    expect(() => pool.start({ kind: 'hash-bytes', data: view }, () => undefined)).to.throw(
      'a Uint8Array that is not detached, got a detached Uint8Array',
    );
    expect(() => pool.start({ kind: 'hash-bytes', data: new Uint8Array(1) }, 'cb' as never)).to.throw(TypeError);
    expect(pool.pendingCount).to.equal(0);
  });
});

describe(`${sampleLabel('ll-worker-pool')} lifecycle and crashes on real worker threads`, () => {
  it('should reject bad options, starts before open, and destroy while open', async () => {
    expect(() => new WorkerPoolModule({ workers: 0 })).to.throw(RangeError, 'got `0` (number)');
    expect(() => new WorkerPoolModule({ workers: 65 })).to.throw(RangeError);
    expect(() => new WorkerPoolModule({ workers: 1.5 })).to.throw(RangeError);
    expect(() => new WorkerPoolModule({ createThread: 'x' as never })).to.throw(TypeError, 'got `"x"`');
    expect(() => new WorkerPoolModule(null as never)).to.throw(TypeError, 'got `null`');
    const pool = createTestPool(1);
    expect(() => pool.start({ kind: 'hash-bytes', data: new Uint8Array(1) }, () => undefined)).to.throw(
      ModuleClosedError,
    );
    expect(pool.workerCount, 'no thread before open').to.equal(0);
    pool.open();
    expect(() => pool.open())
      .to.throw()
      .with.property('code', 'ERR_MODULE_STATE');
    expect(() => pool.destroy())
      .to.throw()
      .with.property('code', 'ERR_MODULE_STATE');
    await pool.close();
    pool.destroy();
  });

  it('should cancel every task on close, resolve after every callback, then stop the threads', async () => {
    const log = new PoolTraceLog();
    const pool = createTestPool(1, log);
    pool.open();
    const running = startTask(pool, { kind: 'hash-file', path: 'test-command:stats', rounds: 1 });
    await running.result;
    const busy = startTask(pool, { kind: 'hash-bytes', data: new Uint8Array(100_000), rounds: 1_000_000 });
    const queued = startTask(pool, { kind: 'hash-bytes', data: new Uint8Array(1) });
    await log.whenTask(log.lastTaskId - 1, 'hash-started');
    const closed = pool.close();
    expect(queued.isDelivered(), 'the queued task called back inside close()').to.equal(true);
    expect(() => pool.start({ kind: 'hash-bytes', data: new Uint8Array(1) }, () => undefined)).to.throw(
      ModuleClosedError,
    );
    await closed;
    expect(busy.isDelivered()).to.equal(true);
    expect((await busy.result).status).to.equal('canceled');
    expect(pool.workerCount).to.equal(0);
    expect(pool.cancelSlotsInUse).to.equal(0);
    for (const task of [running, busy, queued]) task.op.release();
    pool.destroy();
  });

  it('should fail the task of a thread that exits or throws, once, and replace the thread', async () => {
    const pool = createTestPool(1);
    pool.open();
    // a first task, so the thread counts as working: a thread that dies before working is not replaced
    const first = startTask(pool, { kind: 'hash-bytes', data: new Uint8Array(1) });
    await first.result;
    for (const command of ['exit:7', 'throw:thread blew up']) {
      const crash = startTask(pool, { kind: 'hash-file', path: `test-command:${command}` });
      const next = startTask(pool, { kind: 'hash-bytes', data: new Uint8Array(1) });
      const result = await crash.result;
      expect(result.status).to.equal('error');
      expect(result.error).to.be.instanceOf(CrossThreadExitError);
      if (command.startsWith('exit')) expect(result.error).to.have.property('exitCode', 7);
      else expect((result.error as Error).cause).to.have.property('message', 'thread blew up');
      expect((await next.result).status, 'the queued task ran on the replacement').to.equal('ok');
      for (const task of [crash, next]) task.op.release();
    }
    expect(pool.workersStarted).to.equal(3);
    expect(pool.cancelSlotsInUse).to.equal(0);
    first.op.release();
    await pool.close();
  });
});

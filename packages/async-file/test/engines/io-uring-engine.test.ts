import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import {
  AsyncFileManager,
  FileTraceRecorder,
  IoUringEngine,
  NodeFsEngine,
  selectEngine,
  type FileStats,
} from '../../src/index.js';
import { descriptorTarget, descriptorsUnder } from '../support/descriptors.js';
import { call, type Report } from '../support/engine-call.js';
import { ioUringUnavailableReason } from '../support/io-uring-availability.js';
import { outcome, settlesWithin, step } from '../support/step.js';
import { useTempDir } from '../support/temp-dir.js';

/** The open flags of `fd` (octal, from /proc/self/fdinfo). */
function fdFlags(fd: number): number {
  const match = /flags:\s+([0-7]+)/.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
  return parseInt(match?.[1] ?? '0', 8);
}

const O_CLOEXEC = 0o2000000;

function makeFifo(file: string): void {
  execFileSync('mkfifo', ['-m', '600', file]);
}

// why the io_uring engine cannot run here, or undefined if it can (then every test below runs)
const reason = ioUringUnavailableReason();

describe('IoUringEngine', function () {
  if (reason !== undefined) {
    // CI runs on machines where the addon must build and io_uring must work: there, unavailability is a failure
    it(`is ${process.env['CI'] ? 'required in CI' : 'skipped'}: io_uring unavailable (${reason})`, function () {
      if (process.env['CI']) throw new Error(`the io_uring engine must be available in CI: ${reason}`);
      console.warn(`io_uring engine tests skipped: ${reason}`);
      this.skip();
    });
    return;
  }

  describe("AsyncFileManager({ engine: 'auto' })", () => {
    it('should pick io_uring here, and say why', async () => {
      const manager = new AsyncFileManager({ engine: 'auto' });
      expect(manager.engineName).to.equal('io_uring');
      expect(manager.engineReason).to.equal('io_uring is available');
      await manager.whenIdle();
    });

    it('should refuse an unknown engine name with a TypeError naming it', () => {
      expect(() => new AsyncFileManager({ engine: 'uring' as never })).to.throw(TypeError, 'got `"uring"` (string)');
    });
  });

  const tmp = useTempDir();
  let engine: IoUringEngine;

  beforeEach(() => {
    engine = new IoUringEngine();
  });

  afterEach(async () => {
    engine.shutdown();
    // the ring is torn down once nothing is pending: one loop turn after the last completion
    await settlesWithin(
      (async () => {
        while (!engine.info.closed) await new Promise((resolve) => setImmediate(resolve));
      })(),
      2000,
      'the ring shutdown',
    );
  });

  it('should be named io_uring and chosen by selectEngine("auto") here', () => {
    expect(engine.name).to.equal('io_uring');
    const { engine: chosen, reason: why } = selectEngine('auto');
    expect(chosen).to.be.instanceOf(IoUringEngine);
    expect(why).to.equal('io_uring is available');
    (chosen as IoUringEngine).shutdown();
    expect(selectEngine('node-fs').engine).to.be.instanceOf(NodeFsEngine);
  });

  it('should shut down with shutdown(), [Symbol.dispose]() and the deprecated close() without arguments', () => {
    for (const shut of [
      (ring: IoUringEngine) => ring.shutdown(),
      (ring: IoUringEngine) => ring[Symbol.dispose](),
      (ring: IoUringEngine) => ring.close(),
    ]) {
      const ring = new IoUringEngine();
      expect(ring.info.closed).to.equal(false);
      shut(ring);
      // nothing pending: torn down at once; a second shutdown is a no-op
      expect(ring.info.closed).to.equal(true);
      ring.shutdown();
      expect(() => ring.read(0, Buffer.alloc(1), 0, 1, 0, () => undefined)).to.throw(/ERR_IO_URING_CLOSED|closed/);
    }
  });

  describe('calls', () => {
    it('should open with O_CLOEXEC, read, write, fstat, ftruncate, fsync, duplicate and close', async () => {
      const file = tmp.join('a.txt');
      fs.writeFileSync(file, 'hello');
      const opened = await call<number>((cb) => engine.openExisting(file, 'read-write', cb));
      expect(opened.error).to.equal(null);
      const fd = opened.result;
      expect(fdFlags(fd) & O_CLOEXEC).to.equal(O_CLOEXEC);
      const buffer = Buffer.alloc(10);
      expect(await call<number>((cb) => engine.read(fd, buffer, 2, 8, 1, cb))).to.deep.equal({
        error: null,
        result: 4,
      });
      expect(buffer.subarray(2, 6).toString()).to.equal('ello');
      expect(await call<number>((cb) => engine.read(fd, buffer, 0, 8, 100, cb))).to.deep.equal({
        error: null,
        result: 0,
      });
      const data = Buffer.from('xxabcxx');
      expect(await call<number>((cb) => engine.write(fd, data, 2, 3, 6, cb))).to.deep.equal({ error: null, result: 3 });
      expect(fs.readFileSync(file)).to.deep.equal(Buffer.from('hello\0abc'));
      const stats = await call<FileStats>((cb) => engine.fstat(fd, cb));
      const expected = fs.fstatSync(fd);
      expect(stats.error).to.equal(null);
      expect([
        stats.result.dev,
        stats.result.ino,
        stats.result.mode,
        stats.result.nlink,
        stats.result.size,
      ]).to.deep.equal([expected.dev, expected.ino, expected.mode, expected.nlink, 9]);
      expect(stats.result.mtimeMs).to.be.closeTo(expected.mtimeMs, 0.001);
      expect(stats.result.isFile()).to.equal(true);
      expect(stats.result.isDirectory()).to.equal(false);
      expect((await call<void>((cb) => engine.truncate(fd, 2, cb))).error).to.equal(null);
      expect(fs.statSync(file).size).to.equal(2);
      expect(await call<void>((cb) => engine.sync(fd, cb))).to.deep.equal({ error: null, result: undefined });
      const duplicated = await call<number>((cb) => engine.duplicate(fd, 'read', cb));
      expect(duplicated.error).to.equal(null);
      expect(descriptorTarget(duplicated.result)).to.equal(file);
      expect(fdFlags(duplicated.result) & O_CLOEXEC).to.equal(O_CLOEXEC);
      for (const descriptor of [fd, duplicated.result]) {
        expect(await call<void>((cb) => engine.close(descriptor, cb))).to.deep.equal({
          error: null,
          result: undefined,
        });
      }
      expect(descriptorsUnder(tmp.path)).to.deep.equal([]);
    });

    it('should create an unnamed 0600 O_TMPFILE file with O_CLOEXEC and name it with link()', async () => {
      const { error, result: fd } = await call<number>((cb) => engine.createAnonymous(tmp.path, cb));
      expect(error).to.equal(null);
      expect(engine.usesTmpfile).to.equal(true);
      expect(descriptorTarget(fd)).to.match(/\/#\d+ \(deleted\)$/);
      expect(fdFlags(fd) & O_CLOEXEC).to.equal(O_CLOEXEC);
      expect(fs.fstatSync(fd).mode & 0o777).to.equal(0o600);
      fs.writeSync(fd, 'named now', 0);
      const linkPath = tmp.join('named.txt');
      expect((await call<void>((cb) => engine.link(fd, linkPath, cb))).error).to.equal(null);
      expect(fs.readFileSync(linkPath, 'utf8')).to.equal('named now');
      const again = await call<void>((cb) => engine.link(fd, linkPath, cb));
      expect(again.error?.code).to.equal('EEXIST');
      expect(again.error?.errno).to.equal(-os.constants.errno.EEXIST);
      expect(again.error?.syscall).to.equal('link');
      expect(again.error?.path).to.equal(linkPath);
      expect(again.error?.message).to.equal(`EEXIST: file already exists, link '${linkPath}'`);
      await call<void>((cb) => engine.close(fd, cb));
    });

    it('should fall back to create-exclusive + unlink once O_TMPFILE is known to be missing', async () => {
      (engine as unknown as { hasTmpfile: boolean | undefined }).hasTmpfile = false;
      expect(engine.usesTmpfile, 'the private field was renamed: update this test').to.equal(false);
      const { error, result: fd } = await call<number>((cb) => engine.createAnonymous(tmp.path, cb));
      expect(error).to.equal(null);
      expect(fs.readdirSync(tmp.path)).to.deep.equal([]);
      expect(descriptorTarget(fd)).to.match(/\/\.async-file-[0-9a-f]+\.tmp \(deleted\)$/);
      expect(fs.fstatSync(fd).mode & 0o777).to.equal(0o600);
      expect(fdFlags(fd) & O_CLOEXEC).to.equal(O_CLOEXEC);
      await call<void>((cb) => engine.close(fd, cb));
    });

    it('should report errors as Node does: code, errno, syscall, path (and dest for rename)', async () => {
      const missing = tmp.join('missing.txt');
      const open = await call<number>((cb) => engine.openExisting(missing, 'read', cb));
      expect(open.error).to.be.instanceOf(Error);
      expect(open.result).to.equal(-1);
      expect(open.error?.message).to.equal(`ENOENT: no such file or directory, open '${missing}'`);
      expect([open.error?.code, open.error?.errno, open.error?.syscall, open.error?.path]).to.deep.equal([
        'ENOENT',
        -os.constants.errno.ENOENT,
        'open',
        missing,
      ]);
      expect(fs.existsSync(missing)).to.equal(false);
      const stat = await call<FileStats>((cb) => engine.stat(missing, cb));
      expect([stat.error?.code, stat.error?.syscall, stat.error?.path]).to.deep.equal(['ENOENT', 'stat', missing]);
      const unlink = await call<void>((cb) => engine.unlink(missing, cb));
      expect([unlink.error?.code, unlink.error?.syscall]).to.deep.equal(['ENOENT', 'unlink']);
      const rename = await call<void>((cb) => engine.rename(missing, tmp.join('b'), cb));
      expect(rename.error?.message).to.equal(
        `ENOENT: no such file or directory, rename '${missing}' -> '${tmp.join('b')}'`,
      );
      const badFd = await call<FileStats>((cb) => engine.fstat(1_000_000, cb));
      expect([badFd.error?.code, badFd.error?.syscall, badFd.error?.message]).to.deep.equal([
        'EBADF',
        'fstat',
        'EBADF: bad file descriptor, fstat',
      ]);
    });

    it('should no longer count a request in info.live once its completion is being delivered', async () => {
      const file = tmp.join('live.txt');
      fs.writeFileSync(file, 'x');
      const fd = fs.openSync(file, 'r');
      try {
        const liveInCallback = await new Promise<number>((resolve) => {
          engine.read(fd, Buffer.alloc(1), 0, 1, 0, () => resolve(engine.info.live));
        });
        expect(liveInCallback, 'inside the callback').to.equal(0);
        // this continuation runs as a microtask of the same delivery, before the ring releases the slot
        expect(engine.info.live, 'right after the await').to.equal(0);
      } finally {
        fs.closeSync(fd);
      }
    });

    it('should keep more requests than the ring holds in a backlog and complete them all', async () => {
      const small = new IoUringEngine({ entries: 4 });
      try {
        const file = tmp.join('blocks.bin');
        const content = Buffer.alloc(64 * 16);
        for (let i = 0; i < 64; i++) content.fill(i, i * 16, i * 16 + 16);
        fs.writeFileSync(file, content);
        const { result: fd } = await call<number>((cb) => small.openExisting(file, 'read', cb));
        const buffers = Array.from({ length: 64 }, () => Buffer.alloc(16));
        const reads = buffers.map((buffer, i) => call<number>((cb) => small.read(fd, buffer, 0, 16, i * 16, cb)));
        expect(small.info.backlog).to.be.greaterThan(0);
        for (const report of await Promise.all(reads)) expect(report).to.deep.equal({ error: null, result: 16 });
        buffers.forEach((buffer, i) => expect(buffer.every((byte) => byte === i)).to.equal(true));
        await call<void>((cb) => small.close(fd, cb));
      } finally {
        small.shutdown();
      }
    });
  });

  describe('kernel cancellation', () => {
    let fifo: string;
    let fifoFd: number;
    beforeEach(() => {
      fifo = tmp.join('fifo');
      makeFifo(fifo);
      fifoFd = fs.openSync(fifo, 'r+'); // read-write: the open does not wait for a writer, a read waits for data
    });
    afterEach(() => {
      fs.closeSync(fifoFd);
    });

    it('should cancel a read the kernel holds (IORING_OP_ASYNC_CANCEL): ECANCELED, and it never read anything', async () => {
      const buffer = Buffer.alloc(8, 0xee);
      let report: Report<number> | undefined;
      const request = engine.read(fifoFd, buffer, 0, 8, 0, (error, result) => (report = { error, result }));
      // let it be submitted and wait in the kernel for data that never comes
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(report).to.equal(undefined);
      expect(engine.info.live).to.equal(1);
      request.cancel();
      request.cancel(); // a second cancel does nothing more
      await settlesWithin(
        (async () => {
          while (report === undefined) await new Promise((resolve) => setImmediate(resolve));
        })(),
        2000,
        'the canceled read',
      );
      expect(report?.error?.code).to.equal('ECANCELED');
      expect(report?.error?.syscall).to.equal('read');
      expect(buffer.every((byte) => byte === 0xee)).to.equal(true);
      // the proof it never executed: data written now is still there for the next reader
      fs.writeSync(fifoFd, 'late');
      const check = Buffer.alloc(8);
      expect(fs.readSync(fifoFd, check, 0, 8, null)).to.equal(4);
      expect(check.subarray(0, 4).toString()).to.equal('late');
    });

    it("should keep a read's buffer alive while the kernel holds the read, though its caller dropped it", async () => {
      const collect = async (): Promise<void> => {
        // a WeakRef keeps its target until the current job ends: collect on a later turn, twice
        for (let i = 0; i < 2; i++) {
          await new Promise((resolve) => setImmediate(resolve));
          globalThis.gc?.();
        }
      };
      expect(globalThis.gc, 'mocha runs with --expose-gc').to.be.a('function');
      let weak: WeakRef<Buffer> | undefined;
      let report: Report<number> | undefined;
      (() => {
        const buffer = Buffer.alloc(8);
        weak = new WeakRef(buffer);
        engine.read(fifoFd, buffer, 0, 8, 0, (error, result) => (report = { error, result }));
      })();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await collect();
      expect(report, 'the read waits for data').to.equal(undefined);
      expect(weak?.deref(), 'the engine holds the buffer while the kernel holds the read').to.not.equal(undefined);
      fs.writeSync(fifoFd, 'data');
      await settlesWithin(
        (async () => {
          while (report === undefined) await new Promise((resolve) => setImmediate(resolve));
        })(),
        2000,
        'the read',
      );
      expect(report?.error).to.equal(null);
      expect(report?.result).to.equal(4);
      expect(weak?.deref()?.subarray(0, 4).toString(), 'the kernel filled the buffer that was kept').to.equal('data');
      await collect();
      expect(weak?.deref(), 'once the completion arrived, the engine lets it go').to.equal(undefined);
    });

    it('should skip requests canceled before they were submitted (same tick): NOPs that report ECANCELED', async () => {
      const file = tmp.join('a.txt');
      fs.writeFileSync(file, 'hello');
      const reports = await Promise.all([
        call<number>((cb) => engine.openExisting(file, 'read', cb).cancel()),
        call<void>((cb) => engine.unlink(file, cb).cancel()),
      ]);
      expect(reports.map((report) => report.error?.code)).to.deep.equal(['ECANCELED', 'ECANCELED']);
      expect(reports[0]?.result).to.equal(-1);
      expect(fs.existsSync(file), 'the unlink never ran').to.equal(true);
      expect(descriptorsUnder(tmp.path), 'the open never ran').to.deep.equal([fifoFd]);
    });

    it('should cancel requests queued in the kernel worker queue: each ECANCELED link never created its name', async () => {
      // immediate submission: every link is in the kernel before its cancel, so the cancel goes through
      // IORING_OP_ASYNC_CANCEL. linkat always runs on an io-wq worker; how many the workers started before the cancels
      // arrive varies (0 to 64 of 64 here), so rounds repeat until one saw a kernel cancel. The invariant is checked in
      // every round: a canceled link never created its name, a completed one did.
      const immediate = new IoUringEngine({ submit: 'immediate' });
      try {
        const { result: fd } = await call<number>((cb) => immediate.createAnonymous(tmp.path, cb));
        let canceledTotal = 0;
        for (let round = 0; round < 20 && canceledTotal === 0; round++) {
          const names = Array.from({ length: 64 }, (_, i) => tmp.join(`link-${round}-${i}`));
          const requests: { cancel(): void }[] = [];
          const reports = Promise.all(
            names.map((name) => call<void>((cb) => requests.push(immediate.link(fd, name, cb)))),
          );
          // the last submitted are the likeliest to be still queued
          for (const request of requests.reverse()) request.cancel();
          const outcomes = await reports;
          const canceled = names.filter((_, i) => outcomes[i]?.error?.code === 'ECANCELED');
          const linked = names.filter((_, i) => outcomes[i]?.error === null);
          expect(canceled.length + linked.length, 'every link either canceled or done').to.equal(64);
          for (const name of canceled) expect(fs.existsSync(name), `${name} was canceled`).to.equal(false);
          for (const name of linked) expect(fs.existsSync(name), `${name} was linked`).to.equal(true);
          canceledTotal += canceled.length;
        }
        expect(canceledTotal, 'the kernel canceled queued links in 20 rounds').to.be.greaterThan(0);
        await call<void>((cb) => immediate.close(fd, cb));
      } finally {
        immediate.shutdown();
      }
    });

    it('should report the real outcome of a request the kernel already completed (cancel after completion)', async () => {
      const file = tmp.join('a.txt');
      fs.writeFileSync(file, 'hello');
      const { result: fd } = await call<number>((cb) => engine.openExisting(file, 'read', cb));
      const buffer = Buffer.alloc(5);
      let request: { cancel(): void } | undefined;
      const report = await new Promise<Report<number>>((resolve) => {
        request = engine.read(fd, buffer, 0, 5, 0, (error, result) => resolve({ error, result }));
        // submitted at the end of this turn: a cached read completes during submission, before any cancel could
        setImmediate(() => request?.cancel());
      });
      expect(report).to.deep.equal({ error: null, result: 5 });
      await call<void>((cb) => engine.close(fd, cb));
    });

    it('should cancel pending requests when the engine closes, then close the ring', async () => {
      let report: Report<number> | undefined;
      engine.read(fifoFd, Buffer.alloc(4), 0, 4, 0, (error, result) => (report = { error, result }));
      await new Promise((resolve) => setTimeout(resolve, 10));
      engine.shutdown();
      expect(() => engine.fstat(fifoFd, () => undefined)).to.throw(/closed/);
      await settlesWithin(
        (async () => {
          while (!engine.info.closed) await new Promise((resolve) => setImmediate(resolve));
        })(),
        2000,
        'the ring shutdown',
      );
      expect(report?.error?.code).to.equal('ECANCELED');
    });
  });

  describe('linked close: closeAfterCancel(fd), cancel-all-on-fd hard-linked to close', () => {
    /** Resolves once `done()` holds, checking at every loop turn. */
    async function until(done: () => boolean, what: string): Promise<void> {
      await settlesWithin(
        (async () => {
          while (!done()) await new Promise((resolve) => setImmediate(resolve));
        })(),
        2000,
        what,
      );
    }

    it('should cancel a read the kernel holds, then close, in ONE submission with the cancel completing first', async () => {
      const fifo = tmp.join('fifo');
      makeFifo(fifo);
      const { result: fd } = await call<number>((cb) => engine.openExisting(fifo, 'read-write', cb));
      const events: string[] = [];
      const buffer = Buffer.alloc(8, 0xee);
      engine.read(fd, buffer, 0, 8, 0, (error) => events.push(`read ${error?.code ?? 'ok'}`));
      await new Promise((resolve) => setTimeout(resolve, 20)); // submitted: the read waits in the kernel for data
      expect(engine.info.live).to.equal(1);
      const enters = engine.info.enters;
      let closed: Report<number> | undefined;
      engine.closeAfterCancel(fd, (error, canceled) => {
        closed = { error, result: canceled };
        events.push('close');
      });
      await until(() => events.length === 2, 'the read and the close');
      // one io_uring_enter carried both SQEs; the cancel's completion came before the close's and canceled the read
      expect(engine.info.enters - enters).to.equal(1);
      expect(closed).to.deep.equal({ error: null, result: 1 });
      expect(events).to.have.members(['read ECANCELED', 'close']);
      expect(buffer.every((byte) => byte === 0xee)).to.equal(true);
      expect(descriptorsUnder(tmp.path)).to.deep.equal([]);
    });

    it('should close a descriptor with nothing pending: the cancel finds nothing (0), one io_uring_enter', async () => {
      // immediate submission: one io_uring_enter per request; the linked pair is one request
      const immediate = new IoUringEngine({ submit: 'immediate' });
      try {
        const file = tmp.join('a.txt');
        fs.writeFileSync(file, 'hello');
        const { result: fd } = await call<number>((cb) => immediate.openExisting(file, 'read', cb));
        const enters = immediate.info.enters;
        const closed = call<number>((cb) => immediate.closeAfterCancel(fd, cb));
        expect(immediate.info.enters - enters).to.equal(1);
        expect(await closed).to.deep.equal({ error: null, result: 0 });
        expect(descriptorsUnder(tmp.path)).to.deep.equal([]);
      } finally {
        immediate.shutdown();
      }
    });

    it('should still run the close after a failed cancel (hard link): a bad descriptor fails the close with EBADF', async () => {
      const { error, result } = await call<number>((cb) => engine.closeAfterCancel(1_000_000, cb));
      // a soft link would have canceled the close (ECANCELED); the hard link ran it, and close(2) said EBADF
      expect([error?.code, error?.syscall, result]).to.deep.equal(['EBADF', 'close', -1]);
    });

    it('should skip both requests when canceled before submission: the file stays open', async () => {
      const file = tmp.join('a.txt');
      fs.writeFileSync(file, 'hello');
      const { result: fd } = await call<number>((cb) => engine.openExisting(file, 'read', cb));
      const report = await call<number>((cb) => engine.closeAfterCancel(fd, cb).cancel());
      expect(report.error?.code).to.equal('ECANCELED');
      expect(descriptorsUnder(tmp.path)).to.deep.equal([fd]);
      expect(await call<number>((cb) => engine.closeAfterCancel(fd, cb))).to.deep.equal({ error: null, result: 0 });
      expect(descriptorsUnder(tmp.path)).to.deep.equal([]);
    });

    it('should refuse a callback that is not a function', () => {
      expect(() => engine.closeAfterCancel(3, 'no' as never)).to.throw(TypeError, 'got `"no"` (string)');
    });
  });

  describe('linked new file: writeNewFile(), open -> write -> close on a direct descriptor', () => {
    it('should create, write and close in ONE submission, the three steps completing in order', async () => {
      const immediate = new IoUringEngine({ submit: 'immediate', directDescriptors: 4 });
      try {
        expect(immediate.info.directSlots).to.equal(4);
        const file = tmp.join('new.txt');
        const enters = immediate.info.enters;
        const report = call<number>((cb) => immediate.writeNewFile(file, Buffer.from('xxhello'), 2, 5, cb));
        // immediate submission: one io_uring_enter per request; the chain of three SQEs is one request
        expect(immediate.info.enters - enters).to.equal(1);
        expect(immediate.info.directFree).to.equal(3);
        // the write went through the direct descriptor the open filled (so after it), and the close emptied the entry
        // after the write (a close first would have failed the write with EBADF)
        expect(await report).to.deep.equal({ error: null, result: 5 });
        expect(fs.readFileSync(file, 'utf8')).to.equal('hello');
        expect(fs.statSync(file).mode & 0o777).to.equal(0o666 & ~process.umask());
        expect(immediate.info.directFree).to.equal(4);
        expect(descriptorsUnder(tmp.path)).to.deep.equal([]);
      } finally {
        immediate.shutdown();
      }
    });

    it('should cancel the write and the close when the open fails (EEXIST), and free the table entry', async () => {
      const file = tmp.join('exists.txt');
      fs.writeFileSync(file, 'old');
      const { error, result } = await call<number>((cb) => engine.writeNewFile(file, Buffer.from('new'), 0, 3, cb));
      expect([error?.code, error?.syscall, error?.path, result]).to.deep.equal(['EEXIST', 'open', file, -1]);
      expect(fs.readFileSync(file, 'utf8')).to.equal('old');
      expect(engine.info.directFree).to.equal(engine.info.directSlots);
    });

    it('should create nothing when canceled before submission', async () => {
      const file = tmp.join('never.txt');
      const report = await call<number>((cb) => engine.writeNewFile(file, Buffer.from('x'), 0, 1, cb).cancel());
      expect(report.error?.code).to.equal('ECANCELED');
      expect(fs.existsSync(file)).to.equal(false);
      expect(engine.info.directFree).to.equal(engine.info.directSlots);
    });

    it('should run more files than table entries, the rest as separate requests, all correct', async () => {
      const small = new IoUringEngine({ entries: 8, directDescriptors: 2 });
      try {
        const names = Array.from({ length: 40 }, (_, i) => tmp.join(`f${i}`));
        const reports = await Promise.all(
          names.map((name, i) => call<number>((cb) => small.writeNewFile(name, Buffer.from(`file ${i}`), 0, 6, cb))),
        );
        for (const report of reports) expect(report).to.deep.equal({ error: null, result: 6 });
        names.forEach((name, i) => expect(fs.readFileSync(name, 'utf8')).to.equal(`file ${i}`.slice(0, 6)));
        expect(small.info.directFree).to.equal(2);
        expect(descriptorsUnder(tmp.path)).to.deep.equal([]);
        const none = new IoUringEngine({ directDescriptors: 0 });
        try {
          expect(none.info.directSlots).to.equal(0);
          const report = await call<number>((cb) => none.writeNewFile(tmp.join('g'), Buffer.from('abc'), 0, 3, cb));
          expect(report).to.deep.equal({ error: null, result: 3 });
        } finally {
          none.shutdown();
        }
      } finally {
        small.shutdown();
      }
    });

    it('should refuse a directDescriptors option out of range with a RangeError naming it', () => {
      expect(() => new IoUringEngine({ directDescriptors: -1 })).to.throw(RangeError, 'got `-1`');
      expect(() => new IoUringEngine({ directDescriptors: 1.5 })).to.throw(RangeError, 'directDescriptors');
    });
  });

  describe('under AsyncFileManager', () => {
    let manager: AsyncFileManager;

    it('should fail actions through their callback when the engine was closed under the manager (shared engine)', async () => {
      const file = tmp.join('a.txt');
      fs.writeFileSync(file, 'data');
      const shared = new IoUringEngine();
      const first = new AsyncFileManager({ engine: shared });
      manager = new AsyncFileManager({ engine: shared });
      await first.close(); // closes the engine the other manager still uses
      const handle = manager.newFileHandle();
      const opened = await outcome<void>((cb) => handle.openExistingFile(file, 'read', cb));
      expect(opened.error?.code).to.equal('ERR_IO_URING_CLOSED');
      const stat = await outcome((cb) => manager.stat(file, cb));
      expect(stat.error?.code).to.equal('ERR_IO_URING_CLOSED');
      const written = await outcome((cb) => manager.writeNewFile(tmp.join('new'), Buffer.from('x'), cb));
      expect(written.error?.code).to.equal('ERR_IO_URING_CLOSED');
      expect(fs.readdirSync(tmp.path)).to.deep.equal(['a.txt']);
      expect(manager.activeCount).to.equal(0);
      await settlesWithin(manager.close(), 2000, 'manager.close()');
    });

    it('should open, write, read, stat and close through handles', async () => {
      manager = new AsyncFileManager({ engine });
      const file = tmp.join('a.txt');
      fs.writeFileSync(file, '');
      const handle = manager.newFileHandle();
      await step<void>((cb) => handle.openExistingFile(file, 'read-write', cb));
      expect(await step<number>((cb) => handle.write(Buffer.from('hello io_uring'), 0, cb))).to.equal(14);
      expect((await step<Buffer>((cb) => handle.read(6, 100, cb))).toString()).to.equal('io_uring');
      expect((await step<FileStats>((cb) => handle.stat(cb))).size).to.equal(14);
      await step<void>((cb) => handle.close(cb));
      await manager.whenIdle();
      expect(descriptorsUnder(tmp.path)).to.deep.equal([]);
    });

    it('should never call back a read canceled while the kernel holds it, and close its file afterwards', async () => {
      // no fast path: the read must go to the kernel (a synchronous read of a FIFO fails at once with ESPIPE)
      manager = new AsyncFileManager({ engine, syncThresholdBytes: 0 });
      const fifo = tmp.join('fifo');
      makeFifo(fifo);
      const handle = manager.newFileHandle();
      await step<void>((cb) => handle.openExistingFile(fifo, 'read-write', cb));
      let called = false;
      const op = handle.read(0, 16, () => (called = true));
      await new Promise((resolve) => setTimeout(resolve, 20));
      op.cancel();
      op.release();
      await step<void>((cb) => handle.close(cb));
      await manager.whenIdle();
      expect(called).to.equal(false);
      expect(descriptorsUnder(tmp.path)).to.deep.equal([]);
    });

    it('should undo an open that completed after its cancel (the descriptor is closed, no callback)', async () => {
      manager = new AsyncFileManager({ concurrency: 2, engine });
      const file = tmp.join('a.txt');
      fs.writeFileSync(file, 'x');
      let called = false;
      const reader = manager.newFileHandle();
      await step<void>((cb) => reader.openExistingFile(file, 'read', cb));
      const handle = manager.newFileHandle();
      // both submitted in one io_uring_enter and run inline, in order: the cached read's callback cancels the open,
      // whose completion is already in the same batch (too late for the kernel): the manager closes the descriptor
      let open: { cancel(): void; release(): void } | undefined;
      reader
        .read(0, 1, () => {
          open?.cancel();
          open?.release();
          open = undefined;
        })
        .release();
      open = handle.openExistingFile(file, 'read', () => (called = true));
      await manager.whenIdle();
      open?.release();
      await step<void>((cb) => reader.close(cb));
      expect(called).to.equal(false);
      expect(descriptorsUnder(tmp.path)).to.deep.equal([]);
    });

    // Not tested: an open blocked in a kernel worker. io_uring's openat first tries O_NONBLOCK, so even a FIFO
    // without writer opens at once (unlike open(2)); the read-on-a-FIFO tests above cover a request the kernel holds.

    for (const [label, isChained] of [
      ['chained: OPEN-WRITE-CLOSE x5', true],
      ['unchained: OPEN x5, WRITE x5, CLOSE x5', false],
    ] as const) {
      it(`should order actions with concurrency 1, ${label}`, async () => {
        const recorder = new FileTraceRecorder();
        manager = new AsyncFileManager({ concurrency: 1, engine, trace: recorder.listener });
        const later = (action: () => void): void => {
          if (isChained) action();
          else setImmediate(action);
        };
        const openFiles: number[] = [];
        await Promise.all(
          Array.from(
            { length: 5 },
            (_, index) =>
              new Promise<void>((resolve, reject) => {
                const handle = manager.newFileHandle();
                handle
                  .createAnonymousFile(tmp.path, (openError) => {
                    if (openError) return reject(openError);
                    openFiles.push(descriptorsUnder(tmp.path).length);
                    later(() =>
                      handle
                        .write(Buffer.from(`file ${index}`), 0, (writeError) => {
                          if (writeError) return reject(writeError);
                          later(() => handle.close((e) => (e ? reject(e) : resolve())).release());
                        })
                        .release(),
                    );
                  })
                  .release();
              }),
          ),
        );
        await manager.whenIdle();
        if (isChained) {
          expect(recorder.started()).to.deep.equal(
            Array.from({ length: 5 }, () => ['createAnonymousFile', 'write', 'close']).flat(),
          );
          expect(openFiles).to.deep.equal([1, 1, 1, 1, 1]);
        } else {
          expect(recorder.started()).to.deep.equal(
            ['createAnonymousFile', 'write', 'close'].flatMap((kind) => Array.from({ length: 5 }, () => kind)),
          );
          expect(openFiles).to.deep.equal([1, 2, 3, 4, 5]);
        }
      });
    }

    it('should never run a queued action against a descriptor number reused after a close', async () => {
      manager = new AsyncFileManager({ concurrency: 4, engine });
      const first = tmp.join('first.txt');
      const second = tmp.join('second.txt');
      fs.writeFileSync(first, 'first');
      fs.writeFileSync(second, 'second');
      const a = manager.newFileHandle();
      await step<void>((cb) => a.openExistingFile(first, 'read', cb));
      // the close and a stat of another handle race; the freed number is reused by b's open
      const closing = outcome<void>((cb) => a.close(cb));
      const b = manager.newFileHandle();
      await step<void>((cb) => b.openExistingFile(second, 'read', cb));
      await closing;
      expect((await step<Buffer>((cb) => b.read(0, 10, cb))).toString()).to.equal('second');
      expect(() => a.read(0, 1, () => undefined)).to.throw();
      await step<void>((cb) => b.close(cb));
      await manager.whenIdle();
    });

    it('should cancel queued actions without running them (manager FIFO) and run the rest', async () => {
      manager = new AsyncFileManager({ concurrency: 1, engine });
      const file = tmp.join('a.txt');
      fs.writeFileSync(file, 'abc');
      const results: string[] = [];
      const ops = Array.from({ length: 10 }, (_, i) => manager.stat(file, () => results.push(`stat ${i}`)));
      for (const op of ops.filter((_, i) => i % 2 === 1)) op.cancel();
      for (const op of ops) op.release();
      await manager.whenIdle();
      expect(results).to.deep.equal(['stat 0', 'stat 2', 'stat 4', 'stat 6', 'stat 8']);
    });
  });

  describe('many requests', () => {
    it('should deliver thousands of random reads exactly once each with the right data', async () => {
      const file = tmp.join('blocks.bin');
      const blocks = 1024;
      const content = Buffer.alloc(blocks * 512);
      for (let b = 0; b < blocks; b++) content.writeUInt32LE(b, b * 512);
      fs.writeFileSync(file, content);
      const { result: fd } = await call<number>((cb) => engine.openExisting(file, 'read', cb));
      let seen = 0;
      let wrong = 0;
      await new Promise<void>((resolve) => {
        let started = 0;
        const lane = (): void => {
          if (started >= 5000) return;
          const block = (started++ * 7919) % blocks;
          const buffer = Buffer.alloc(512);
          engine.read(fd, buffer, 0, 512, block * 512, (error, bytes) => {
            if (error !== null || bytes !== 512 || buffer.readUInt32LE(0) !== block) wrong++;
            if (++seen === 5000) resolve();
            else lane();
          });
        };
        for (let i = 0; i < 64; i++) lane();
      });
      expect(wrong).to.equal(0);
      expect(engine.info.batches).to.be.lessThan(5000); // completions arrive in batches
      await call<void>((cb) => engine.close(fd, cb));
    });
  });
});

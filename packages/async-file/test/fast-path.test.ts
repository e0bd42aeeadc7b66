import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import fs from 'node:fs';
import sinon from 'sinon';
import {
  AsyncFileManager,
  type BufferPool,
  CACHE_PROBE_ENV,
  FileErrorCode,
  FeatureUnavailableError,
  type FileActionError,
  FileActionErrorCode,
  IoUringEngine,
  NodeFsEngine,
  SYNC_THRESHOLD_ENV,
  WOULD_BLOCK,
  type AsyncFileHandle,
  type FileEngine,
} from '../src/index.js';
import { FADVISE, loadNativeIo } from '../src/internal/native-io.js';
import { expectArgumentError } from './support/argument-error.js';
import { DEFAULT_ENGINE } from './support/default-engine.js';
import { descriptorsUnder } from './support/descriptors.js';
import { openDescriptorOf } from './support/internals.js';
import { openHandle } from './support/open-handle.js';
import { step, stepError } from './support/step.js';
import { useTempDir } from './support/temp-dir.js';

const KiB = 1024;
const nativeIo = loadNativeIo();

/** A new engine of this run's kind (npm test runs this file on node-fs and on io_uring), spied on. */
function spiedEngine(): FileEngine {
  const engine = DEFAULT_ENGINE === 'io_uring' ? new IoUringEngine() : new NodeFsEngine();
  for (const name of ['read', 'write', 'readNow', 'writeNow', 'isCached'] as const) sinon.spy(engine, name);
  return engine;
}

function callCount(engine: FileEngine, name: 'read' | 'write' | 'readNow' | 'writeNow' | 'isCached'): number {
  return (engine[name] as unknown as sinon.SinonSpy).callCount;
}

/** Writes `size` bytes (0..255 repeating) durably, then drops the file's pages from the page cache. */
function writeUncached(file: string, size: number): void {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = i & 0xff;
  fs.writeFileSync(file, bytes);
  evictFile(file, size);
}

/** Drops the first `size` bytes of `file` from the page cache (after an fsync, so that every page is clean). */
function evictFile(file: string, size: number): void {
  const io = nativeIo.io;
  if (io === undefined) throw new Error(nativeIo.reason);
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
    // the kernel skips a page it cannot drop at that moment (seen: block 0 stayed cached once in a full test run); where
    // cachestat can tell, evict again until no block is cached, so that the tests' first probes really miss
    for (let attempt = 0; attempt < EVICT_ATTEMPTS; attempt++) {
      expect(io.fadvise(fd, 0, 0, FADVISE.DONTNEED)).to.equal(0);
      if (!hasCachedBlock(io, fd, size)) break;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** What cachestat says of the 4 KiB blocks of `file` at `offsets` (1 cached, 0 not, below 0 it cannot tell). */
function cachedBlocks(file: string, offsets: readonly number[]): (number | undefined)[] {
  const fd = fs.openSync(file, 'r');
  try {
    return offsets.map((offset) => nativeIo.io?.isCached?.(fd, offset, 4 * KiB));
  } finally {
    fs.closeSync(fd);
  }
}

const EVICT_ATTEMPTS = 10;

/** Whether cachestat finds a 4 KiB block of the first `size` bytes of `fd` cached (false where it cannot tell). */
function hasCachedBlock(io: NonNullable<typeof nativeIo.io>, fd: number, size: number): boolean {
  for (let position = 0; position < size; position += 4 * KiB) {
    if (io.isCached?.(fd, position, 4 * KiB) === 1) return true;
  }
  return false;
}

describe('AsyncFileManager fast path (syncThresholdBytes) on real files', () => {
  const tmp = useTempDir();
  let engine: FileEngine | undefined;
  let manager: AsyncFileManager | undefined;

  afterEach(async () => {
    await manager?.whenIdle();
    if (engine instanceof IoUringEngine) engine.shutdown();
    engine = undefined;
    manager = undefined;
    sinon.restore();
  });

  it('should read and write under the threshold with no engine call, calling back on a later turn', async () => {
    engine = spiedEngine();
    // without the probe (npm test may set ASYNC_FILE_CACHE_PROBE): a never-blocking write may be declined
    manager = new AsyncFileManager({ engine, syncThresholdBytes: 4 * KiB, cacheProbe: false });
    const file = tmp.join('a.txt');
    fs.writeFileSync(file, '');
    const handle = await openHandle(manager, file, 'read-write');
    let isInside = true;
    let calledInside = false;
    const written = step<number>((cb) => {
      const op = handle.write(Buffer.from('hello fast path'), 0, (error, result) => {
        calledInside ||= isInside;
        cb(error, result);
      });
      isInside = false;
      return op;
    });
    // the bytes are on disk as soon as the write's turn came, before its callback
    expect(fs.readFileSync(file, 'utf8')).to.equal('hello fast path');
    expect(await written).to.equal(15);
    expect(calledInside, 'called back inside write()').to.equal(false);
    expect((await step<Buffer>((cb) => handle.read(6, 100, cb))).toString()).to.equal('fast path');
    // readInto: the caller's buffer, the same fast path
    const into = Buffer.alloc(9);
    expect(await step<number>((cb) => handle.readInto(into, 6, cb))).to.equal(9);
    expect(into.toString()).to.equal('fast path');
    expect(callCount(engine, 'writeNow')).to.equal(1);
    expect(callCount(engine, 'readNow')).to.equal(2);
    expect(callCount(engine, 'write') + callCount(engine, 'read')).to.equal(0);
    // above the threshold: the engine's asynchronous call
    expect((await step<Buffer>((cb) => handle.read(0, 4 * KiB + 1, cb))).length).to.equal(15);
    expect(await step<number>((cb) => handle.readInto(Buffer.alloc(4 * KiB + 1), 0, cb))).to.equal(15);
    expect(callCount(engine, 'read')).to.equal(2);
    await step<void>((cb) => handle.close(cb));
  });

  it('should report a failure of a fast call through the callback, as the engine would (EBADF)', async () => {
    manager = new AsyncFileManager({ syncThresholdBytes: 4 * KiB });
    const file = tmp.join('a.txt');
    fs.writeFileSync(file, 'data');
    const writeOnly = await openHandle(manager, file, 'write');
    expect((await stepError<Buffer>((cb) => writeOnly.read(0, 4, cb))).code).to.equal('EBADF');
    await step<void>((cb) => writeOnly.close(cb));
    const readOnly = await openHandle(manager, file, 'read');
    expect((await stepError<number>((cb) => readOnly.write(Buffer.from('x'), 0, cb))).code).to.equal('EBADF');
    await step<void>((cb) => readOnly.close(cb));
  });

  it('should never call back a fast read canceled before its delivery turn, and leave nothing behind', async () => {
    manager = new AsyncFileManager({ syncThresholdBytes: 4 * KiB });
    const file = tmp.join('a.txt');
    fs.writeFileSync(file, 'data');
    const handle = await openHandle(manager, file, 'read');
    const callback = sinon.spy();
    // the read runs inside read() (a free slot), its delivery waits for a later turn: cancel reaches it first
    const op = handle.read(0, 4, callback);
    expect(op.cancel()).to.equal(true);
    op.release();
    await step<void>((cb) => handle.close(cb));
    await manager.whenIdle();
    sinon.assert.notCalled(callback);
    expect(descriptorsUnder(tmp.path)).to.deep.equal([]);
  });

  it('should stop a chain of fast reads at abort() from inside a callback', async () => {
    manager = new AsyncFileManager({ syncThresholdBytes: 4 * KiB });
    const file = tmp.join('a.txt');
    fs.writeFileSync(file, 'data');
    const handle = await openHandle(manager, file, 'read');
    let reads = 0;
    await new Promise<void>((resolve) => {
      const next = (): void => {
        handle
          .read(0, 4, () => {
            if (++reads === 3) {
              handle.abort();
              resolve();
              return;
            }
            next();
          })
          .release();
      };
      next();
    });
    await handle.whenIdle();
    expect(reads).to.equal(3);
    expect(descriptorsUnder(tmp.path)).to.deep.equal([]);
  });

  it('should yield to the event loop once per batch while a chain of fast reads runs', async () => {
    manager = new AsyncFileManager({ syncThresholdBytes: 4 * KiB });
    const file = tmp.join('a.txt');
    fs.writeFileSync(file, Buffer.alloc(4 * KiB));
    const handle = await openHandle(manager, file, 'read');
    const total = 2000;
    let reads = 0;
    let readsWhenTimerFired: number | undefined;
    setTimeout(() => (readsWhenTimerFired = reads), 0);
    await new Promise<void>((resolve, reject) => {
      const next = (): void => {
        handle
          .read(0, 4 * KiB, (error) => {
            if (error !== null) return reject(error);
            if (++reads === total) return resolve();
            next();
          })
          .release();
      };
      next();
    });
    await step<void>((cb) => handle.close(cb));
    // a timer due at once ran in the middle of the chain: the chain did not hold the loop
    expect(readsWhenTimerFired).to.be.a('number').and.below(total);
  });

  it("should let a handle's own threshold override the manager's", async () => {
    engine = spiedEngine();
    manager = new AsyncFileManager({ engine, syncThresholdBytes: 0 });
    expect(manager.syncThresholdBytes).to.equal(0);
    const file = tmp.join('a.txt');
    fs.writeFileSync(file, 'data');
    const slow = await openHandle(manager, file, 'read');
    const fast = await openHandle(manager, file, 'read', { syncThresholdBytes: 4 * KiB });
    expect(slow.syncThresholdBytes).to.equal(0);
    expect(fast.syncThresholdBytes).to.equal(4 * KiB);
    expect((await step<Buffer>((cb) => slow.read(0, 4, cb))).toString()).to.equal('data');
    expect((await step<Buffer>((cb) => fast.read(0, 4, cb))).toString()).to.equal('data');
    expect(callCount(engine, 'read')).to.equal(1);
    expect(callCount(engine, 'readNow')).to.equal(1);
    // a duplicate keeps its origin's own threshold
    const copy = await step<AsyncFileHandle>((cb) => fast.duplicate(cb));
    expect(copy.syncThresholdBytes).to.equal(4 * KiB);
    for (const handle of [slow, fast, copy]) await step<void>((cb) => handle.close(cb));
  });

  describe('cache probe (RWF_NOWAIT)', function () {
    if (nativeIo.io === undefined) {
      const reason = nativeIo.reason;
      it(`is ${process.env['CI'] ? 'required in CI' : 'skipped'}: the native addon is unavailable (${reason})`, function () {
        if (process.env['CI']) throw new Error(`the cache probe must be available in CI: ${reason}`);
        this.skip();
      });
      return;
    }

    it('should read cached data at once and send uncached data the asynchronous way, with the same bytes', async () => {
      engine = spiedEngine();
      manager = new AsyncFileManager({ engine, syncThresholdBytes: 4 * KiB, cacheProbe: true });
      expect(manager.cacheProbe).to.equal(true);
      const file = tmp.join('big.bin');
      writeUncached(file, 4 * 1024 * KiB);
      const handle = await openHandle(manager, file, 'read');
      // not in the page cache: the probe declines, the engine reads it. The page cache decides, and a block can stay
      // cached after the eviction now and then (the probe then reads it at once): try blocks until a probe misses
      let offset = -1;
      let first: Buffer | undefined;
      let hits = 0;
      for (const candidate of [2048, 2560, 3072, 3584]) {
        const readsBefore = callCount(engine, 'read');
        first = await step<Buffer>((cb) => handle.read(candidate * KiB, 4 * KiB, cb));
        expect(callCount(engine, 'readNow'), 'every read probes while nothing missed').to.equal(hits + 1);
        expect(first[0]).to.equal(0);
        expect(first[1]).to.equal(1);
        if (callCount(engine, 'read') > readsBefore) {
          offset = candidate * KiB;
          break;
        }
        hits++;
      }
      expect(offset, `${hits} evicted blocks were still cached`).to.be.at.least(0);
      const probes = callCount(engine, 'readNow');
      expect(callCount(engine, 'read')).to.equal(1);
      expect(callCount(engine, 'isCached'), 'no question before a probe declined').to.equal(0);
      // after a miss the next read skips the probe (the back-off); the one after asks whether its bytes are cached
      // (the engine's read put them there), finds them, and reads at once
      const skipped = await step<Buffer>((cb) => handle.read(offset, 4 * KiB, cb));
      expect(callCount(engine, 'readNow')).to.equal(probes);
      expect(callCount(engine, 'read')).to.equal(2);
      expect(callCount(engine, 'isCached')).to.equal(0);
      const again = await step<Buffer>((cb) => handle.read(offset, 4 * KiB, cb));
      expect(skipped.equals(first as Buffer) && again.equals(first as Buffer)).to.equal(true);
      expect(callCount(engine, 'isCached')).to.equal(1);
      expect(callCount(engine, 'readNow')).to.equal(probes + 1);
      expect(callCount(engine, 'read')).to.equal(2);
      await step<void>((cb) => handle.close(cb));
    });

    /**
     * Reads blocks of an evicted file one at a time through a spied engine and checks every read against the rule of
     * the back-off, given each probe's and each question's real answer (the page cache decides, and a block can stay
     * cached after the eviction now and then): a probe that declines makes the next 1, then 2, 4, ... reads skip the
     * probe; once they are used up, a read asks the engine whether its bytes are cached (isCached) and probes only if
     * they are, and a "no" backs off further as a declined probe does. Where the engine cannot tell (`canTell` false:
     * no isCached), the read probes. A probe that succeeds ends the back-off.
     */
    async function checkBackoff(canTell: boolean): Promise<void> {
      const spied = spiedEngine();
      if (!canTell) Object.defineProperty(spied, 'isCached', { value: undefined });
      engine = spied;
      manager = new AsyncFileManager({ engine: spied, syncThresholdBytes: 4 * KiB, cacheProbe: true });
      const file = tmp.join('big.bin');
      writeUncached(file, 8 * 1024 * KiB);
      const handle = await openHandle(manager, file, 'read');
      // no readahead on this descriptor: each probe misses exactly the block it asks for
      expect(nativeIo.io?.fadvise(openDescriptorOf(handle), 0, 0, FADVISE.RANDOM)).to.equal(0);
      const probes = spied.readNow as unknown as sinon.SinonSpy;
      const questions = canTell ? (spied.isCached as unknown as sinon.SinonSpy) : undefined;
      let skips = 0;
      let backoff = 0;
      let engineReads = 0;
      const outcomes: string[] = [];
      const backOff = (): void => {
        backoff = Math.min(2 * backoff || 1, 64);
        skips = backoff;
      };
      const readAt = async (offset: number): Promise<void> => {
        const probesBefore = probes.callCount;
        const questionsBefore = questions?.callCount ?? 0;
        await step<Buffer>((cb) => handle.read(offset, 4 * KiB, cb));
        const probed = probes.callCount > probesBefore;
        const asked = questions !== undefined && questions.callCount > questionsBefore;
        const answer: unknown = asked ? questions?.lastCall.returnValue : undefined;
        const context = `read ${outcomes.length + 1}: ${outcomes.join(' ')}`;
        expect(asked, `${context} (asked)`).to.equal(canTell && backoff > 0 && skips === 0);
        expect(probed, `${context} (probed)`).to.equal(skips === 0 && answer !== false);
        if (skips > 0) {
          skips--;
          engineReads++;
          outcomes.push('skip');
        } else if (answer === false) {
          backOff();
          engineReads++;
          outcomes.push('wait');
        } else if (probes.lastCall.returnValue === WOULD_BLOCK) {
          backOff();
          engineReads++;
          outcomes.push('miss');
        } else {
          backoff = 0;
          outcomes.push('hit');
        }
        expect(callCount(spied, 'read'), outcomes.join(' ')).to.equal(engineReads);
      };
      const count = (outcome: string): number => outcomes.filter((each) => each === outcome).length;
      for (let index = 0; index < 6; index++) await readAt(index * 1024 * KiB);
      // evicted blocks: the first probe missed and the handle backed off; when its skips are used up, one that can
      // ask finds the next block not cached and probes no evicted block again (no disk read started from the JS
      // thread), a blind one probes again
      expect(outcomes[0], outcomes.join(' ')).to.equal('miss');
      expect(count('skip'), outcomes.join(' ')).to.be.at.least(1);
      // (a block the eviction left behind reads at once, ends the back-off, and the next block is probed again)
      if (canTell) {
        expect(count('miss'), outcomes.join(' ')).to.be.at.most(1 + count('hit'));
        expect(count('wait'), outcomes.join(' ')).to.be.at.least(1);
      } else {
        expect(count('miss'), outcomes.join(' ')).to.be.at.least(2);
        expect(count('wait'), outcomes.join(' ')).to.equal(0);
      }
      // block 0 is cached now: once the skips are used up, the probe (after the question, if asked) reads it at once
      outcomes.length = 0;
      for (let index = 0; index < 6; index++) await readAt(0);
      expect(outcomes.at(-1)).to.equal('hit');
      expect(count('miss') + count('wait'), outcomes.join(' ')).to.equal(0);
      // the hits ended the back-off: the next evicted block is probed, then the handle backs off again (evicted once
      // more first: this part needs those blocks uncached, and a block the first eviction left would read at once)
      const lastBlocks = [6, 7, 7.5].map((mib) => mib * 1024 * KiB);
      evictFile(file, 8 * 1024 * KiB);
      const cachedBefore = cachedBlocks(file, lastBlocks);
      outcomes.length = 0;
      for (const offset of lastBlocks) await readAt(offset);
      expect(
        outcomes,
        `${outcomes.join(' ')} (cachestat before: ${cachedBefore.join(', ')}; after: ${cachedBlocks(file, lastBlocks).join(', ')})`,
      ).to.deep.equal(['miss', 'skip', canTell ? 'wait' : 'miss']);
      await step<void>((cb) => handle.close(cb));
    }

    it('should back off from probing a file that is not cached, asking whether it is before it probes again', async () => {
      // this kernel must answer (cachestat, Linux 6.5+): else the handle would back off blindly, checked below
      const io = nativeIo.io;
      const file = tmp.join('cached.bin');
      fs.writeFileSync(file, Buffer.alloc(4 * KiB, 1));
      const fd = fs.openSync(file, 'r');
      try {
        expect(io?.isCached?.(fd, 0, 4 * KiB), 'cachestat on this kernel').to.equal(1);
      } finally {
        fs.closeSync(fd);
      }
      await checkBackoff(true);
    });

    it('should back off blindly (1, 2, 4, ... reads, then probe) on an engine that cannot tell what is cached', async () => {
      await checkBackoff(false);
    });

    it('should fail the read whose isCached() throws with ERR_FILE_ENGINE_FAILED, and go on reading after it', async () => {
      // declines every probe, so that the handle backs off and then asks isCached(), which throws
      class ThrowingCacheQuery extends NodeFsEngine {
        override readNow(...args: Parameters<NodeFsEngine['readNow']>): number {
          return args[5] ? WOULD_BLOCK : super.readNow(...args);
        }
        override isCached(): boolean | undefined {
          throw new Error('cache query failed');
        }
      }
      manager = new AsyncFileManager({
        engine: new ThrowingCacheQuery(),
        syncThresholdBytes: 4 * KiB,
        cacheProbe: true,
      });
      const file = tmp.join('a.bin');
      fs.writeFileSync(file, 'data');
      const handle = await openHandle(manager, file, 'read');
      // the probe declines (the handle backs off), the next read skips it; the one after asks isCached()
      expect((await step<Buffer>((cb) => handle.read(0, 4, cb))).toString()).to.equal('data');
      expect((await step<Buffer>((cb) => handle.read(0, 4, cb))).toString()).to.equal('data');
      const callback = sinon.spy();
      await new Promise<void>((resolve) => {
        handle
          .read(0, 4, (error, bytes) => {
            callback(error, bytes);
            resolve();
          })
          .release();
      });
      sinon.assert.calledOnce(callback);
      const [error] = callback.firstCall.args as [FileActionError | null];
      expect(error?.code).to.equal(FileActionErrorCode.ENGINE_FAILED);
      expect(error?.message).to.include('cache query failed');
      // the slot and the handle moved on: the next read asks again, fails again, and a close still works
      expect((await stepError<Buffer>((cb) => handle.read(0, 4, cb))).code).to.equal(FileActionErrorCode.ENGINE_FAILED);
      await step<void>((cb) => handle.close(cb));
    });

    it('should write correctly whether or not the file system takes never-blocking writes', async () => {
      manager = new AsyncFileManager({ syncThresholdBytes: 4 * KiB, cacheProbe: true });
      const file = tmp.join('a.txt');
      fs.writeFileSync(file, '');
      const handle = await openHandle(manager, file, 'write');
      expect(await step<number>((cb) => handle.write(Buffer.from('probe'), 0, cb))).to.equal(5);
      await step<void>((cb) => handle.close(cb));
      expect(fs.readFileSync(file, 'utf8')).to.equal('probe');
    });

    it('should report errors as the engine does when the probe declines them (EBADF)', async () => {
      manager = new AsyncFileManager({ syncThresholdBytes: 4 * KiB, cacheProbe: true });
      const file = tmp.join('a.txt');
      fs.writeFileSync(file, 'data');
      const handle = await openHandle(manager, file, 'write');
      const error = await stepError<Buffer>((cb) => handle.read(0, 4, cb));
      expect(error.code).to.equal('EBADF');
      expect(error.syscall).to.equal('read');
      await step<void>((cb) => handle.close(cb));
    });
  });

  describe('options', () => {
    it('should refuse bad values with a TypeError or RangeError naming them', () => {
      expectArgumentError(
        () => new AsyncFileManager({ syncThresholdBytes: -1 }),
        RangeError,
        'syncThresholdBytes',
        '`-1` (number)',
      );
      expectArgumentError(
        () => new AsyncFileManager({ syncThresholdBytes: '4096' as unknown as number }),
        TypeError,
        'syncThresholdBytes',
        '`"4096"` (string)',
      );
      expectArgumentError(
        () => new AsyncFileManager({ cacheProbe: 'yes' as unknown as boolean }),
        TypeError,
        'cacheProbe',
        '`"yes"` (string)',
      );
      expectArgumentError(
        () => new AsyncFileManager({ readBuffers: {} as unknown as BufferPool }),
        TypeError,
        'readBuffers',
        'an object',
      );
      expectArgumentError(
        () => new AsyncFileManager({ fastPathDelivery: 1 as unknown as () => void }),
        TypeError,
        'fastPathDelivery',
        '`1` (number)',
      );
      const fresh = new AsyncFileManager();
      expectArgumentError(
        () => fresh.newFileHandle({ syncThresholdBytes: 1.5 }),
        RangeError,
        'syncThresholdBytes',
        '`1.5` (number)',
      );
      expectArgumentError(() => fresh.releaseBuffer('x' as unknown as Buffer), TypeError, 'buffer', '`"x"` (string)');
    });

    it('should refuse the fast path for an engine without readNow/writeNow, and the probe where it cannot run', () => {
      const methods = Object.getOwnPropertyDescriptors(NodeFsEngine.prototype);
      const rest = Object.fromEntries(
        Object.entries(methods).filter(([name]) => !['readNow', 'writeNow', 'noWaitUnavailable'].includes(name)),
      );
      const plain = Object.create(Object.prototype, rest) as FileEngine;
      const declared = new NodeFsEngine().capabilities;
      Object.defineProperties(plain, {
        name: { value: 'plain' },
        capabilities: {
          value: { ...declared, syncCalls: 'no readNow here', noWaitCalls: 'no readNow here', directIo: 'none' },
        },
      });
      expect(() => new AsyncFileManager({ engine: plain, syncThresholdBytes: 1 })).to.throw(TypeError, 'readNow');
      expect(() => new AsyncFileManager({ engine: plain }).newFileHandle({ syncThresholdBytes: 1 })).to.throw(
        TypeError,
        'readNow',
      );
      // a threshold of 0 (off) is fine with any engine
      expect(new AsyncFileManager({ engine: plain, syncThresholdBytes: 0 }).syncThresholdBytes).to.equal(0);

      const withoutAddon = new NodeFsEngine();
      Object.defineProperty(withoutAddon, 'capabilities', {
        value: { ...withoutAddon.capabilities, noWaitCalls: 'the native addon was not built' },
      });
      let thrown: unknown;
      try {
        new AsyncFileManager({ engine: withoutAddon, syncThresholdBytes: 4096, cacheProbe: true });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(FeatureUnavailableError);
      expect((thrown as FeatureUnavailableError).code).to.equal(FileErrorCode.CACHE_PROBE_UNAVAILABLE);
      expect((thrown as Error).message).to.contain('the native addon was not built');
    });

    it(`should take its defaults from ${SYNC_THRESHOLD_ENV} and ${CACHE_PROBE_ENV}, and refuse bad values there`, () => {
      const saved = [process.env[SYNC_THRESHOLD_ENV], process.env[CACHE_PROBE_ENV]];
      try {
        process.env[SYNC_THRESHOLD_ENV] = '8192';
        process.env[CACHE_PROBE_ENV] = '0';
        expect(new AsyncFileManager().syncThresholdBytes).to.equal(8192);
        // an explicit option wins
        expect(new AsyncFileManager({ syncThresholdBytes: 0 }).syncThresholdBytes).to.equal(0);
        process.env[SYNC_THRESHOLD_ENV] = '4k';
        expect(() => new AsyncFileManager()).to.throw(TypeError, '`4k`');
        process.env[SYNC_THRESHOLD_ENV] = '';
        process.env[CACHE_PROBE_ENV] = 'yes';
        expect(() => new AsyncFileManager()).to.throw(TypeError, '`yes`');
      } finally {
        const [threshold, probe] = saved;
        if (threshold === undefined) delete process.env[SYNC_THRESHOLD_ENV];
        else process.env[SYNC_THRESHOLD_ENV] = threshold;
        if (probe === undefined) delete process.env[CACHE_PROBE_ENV];
        else process.env[CACHE_PROBE_ENV] = probe;
      }
    });
  });
});

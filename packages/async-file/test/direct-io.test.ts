import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import fs from 'node:fs';
import sinon from 'sinon';
import {
  AsyncFileManager,
  BufferPool,
  FeatureUnavailableError,
  FileErrorCode,
  FileHandleError,
  IoUringEngine,
  NodeFsEngine,
  PromiseFileManager,
  ScriptedEngine,
  allocateAlignedBuffer,
  type AsyncFileHandle,
  type FileEngine,
} from '../src/index.js';
import { loadNativeIo } from '../src/internal/native-io.js';
import { expectArgumentError } from './support/argument-error.js';
import { DEFAULT_ENGINE } from './support/default-engine.js';
import { descriptorsUnder } from './support/descriptors.js';
import { alignedResultsTracked, openDescriptorOf } from './support/internals.js';
import { outcome, step } from './support/step.js';
import { useTempDir } from './support/temp-dir.js';

const O_DIRECT = fs.constants.O_DIRECT;
const nativeIo = loadNativeIo();

/** The open flags of descriptor `fd` of this process, from /proc/self/fdinfo (octal there). */
function openFlags(fd: number): number {
  const match = /^flags:\s+([0-7]+)$/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
  if (match === null) throw new Error(`no flags in /proc/self/fdinfo/${fd}`);
  return parseInt(match[1] as string, 8);
}

/** Bytes 0..255 repeating, so a block from the wrong offset shows. */
function fillPattern(buffer: Buffer, seed: number): Buffer {
  for (let i = 0; i < buffer.length; i++) buffer[i] = (i + seed) & 0xff;
  return buffer;
}

describe('AsyncFileHandle with O_DIRECT ({ direct: true }) on real files', function () {
  if (nativeIo.io === undefined) {
    const reason = nativeIo.reason;
    it(`is ${process.env['CI'] ? 'required in CI' : 'skipped'}: the native addon is unavailable (${reason})`, function () {
      if (process.env['CI']) throw new Error(`O_DIRECT support must be available in CI: ${reason}`);
      this.skip();
    });
    return;
  }
  const io = nativeIo.io;
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

  /** A manager on this run's engine (npm test runs this file on node-fs and io_uring), its read calls spied on. */
  function newManager(syncThresholdBytes = 0): AsyncFileManager {
    engine = DEFAULT_ENGINE === 'io_uring' ? new IoUringEngine() : new NodeFsEngine();
    sinon.spy(engine, 'read');
    sinon.spy(engine, 'readNow');
    manager = new AsyncFileManager({ engine, syncThresholdBytes, cacheProbe: false });
    return manager;
  }

  async function openDirect(file: string, mode: 'read' | 'write' | 'read-write'): Promise<AsyncFileHandle> {
    const handle = (manager ?? newManager()).newFileHandle();
    await step<void>((cb) => handle.openExistingFile(file, mode, { direct: true }, cb));
    return handle;
  }

  it('should open with O_DIRECT, report the alignment, and write and read aligned blocks that reach the disk', async () => {
    const file = tmp.join('direct.bin');
    fs.writeFileSync(file, '');
    const handle = await openDirect(file, 'read-write');
    expect(openFlags(openDescriptorOf(handle)) & O_DIRECT, 'O_DIRECT in the descriptor flags').to.equal(O_DIRECT);
    const alignment = handle.directIoAlignment;
    expect(alignment).to.not.equal(undefined);
    const { memory, offset } = alignment as { memory: number; offset: number };
    for (const value of [memory, offset]) expect(value & (value - 1), `${value} is a power of two`).to.equal(0);
    const block = fillPattern(allocateAlignedBuffer(2 * 4096, memory), 3);
    expect(io.alignmentGap(block, memory)).to.equal(0);
    expect(await step<number>((cb) => handle.write(block, 4096, cb))).to.equal(8192);
    const back = await step<Buffer>((cb) => handle.read(4096, 8192, cb));
    expect(back.equals(block)).to.equal(true);
    // the read buffer the manager allocated is aligned as the file requires
    expect(io.alignmentGap(back, memory)).to.equal(0);
    // readInto: the caller's aligned buffer, straight from the disk
    const into = allocateAlignedBuffer(4096, memory);
    expect(await step<number>((cb) => handle.readInto(into, 8192, cb))).to.equal(4096);
    expect(into.equals(block.subarray(4096))).to.equal(true);
    await step<void>((cb) => handle.close(cb));
    expect(handle.directIoAlignment).to.equal(undefined);
    const onDisk = fs.readFileSync(file);
    expect(onDisk.length).to.equal(3 * 4096);
    expect(onDisk.subarray(4096).equals(block)).to.equal(true);
  });

  it('should refuse misaligned reads and writes up front with a RangeError saying what is required', async () => {
    const file = tmp.join('direct.bin');
    fs.writeFileSync(file, Buffer.alloc(8192));
    const handle = await openDirect(file, 'read-write');
    const { memory, offset: unit } = handle.directIoAlignment as { memory: number; offset: number };
    expect(() => handle.read(100, unit, () => undefined)).to.throw(
      RangeError,
      `multiple of ${unit} bytes, got \`100\``,
    );
    expect(() => handle.read(0, 100, () => undefined)).to.throw(RangeError, '`length` to be a multiple');
    expect(() => handle.write(allocateAlignedBuffer(100, memory), 0, () => undefined)).to.throw(
      RangeError,
      "the buffer's length to be a multiple",
    );
    const aligned = allocateAlignedBuffer(unit, memory);
    expect(() => handle.readInto(aligned, 100, () => undefined)).to.throw(RangeError, `got \`100\``);
    expect(() => handle.readInto(allocateAlignedBuffer(100, memory), 0, () => undefined)).to.throw(
      RangeError,
      "the buffer's length to be a multiple",
    );
    if (memory > 1) {
      const shifted = allocateAlignedBuffer(unit + memory, memory).subarray(1, 1 + unit);
      expect(() => handle.write(shifted, 0, () => undefined)).to.throw(RangeError, `start at a multiple of ${memory}`);
      expect(() => handle.readInto(shifted, 0, () => undefined)).to.throw(
        RangeError,
        `start at a multiple of ${memory}`,
      );
    }
    // nothing was enqueued: the handle takes the next action
    expect(handle.hasPendingAction).to.equal(false);
    expect((await step<Buffer>((cb) => handle.read(0, unit, cb))).length).to.equal(unit);
    await step<void>((cb) => handle.close(cb));
  });

  it('should never take the fast path on an O_DIRECT file, and go back to buffered I/O after reopening', async () => {
    newManager(64 * 1024);
    const file = tmp.join('direct.bin');
    fs.writeFileSync(file, Buffer.alloc(8192, 1));
    const handle = await openDirect(file, 'read');
    await step<Buffer>((cb) => handle.read(0, 4096, cb));
    const spied = engine as unknown as Record<'read' | 'readNow', sinon.SinonSpy>;
    expect(spied.read.callCount).to.equal(1);
    expect(spied.readNow.callCount).to.equal(0);
    await step<void>((cb) => handle.close(cb));
    await step<void>((cb) => handle.openExistingFile(file, 'read', cb));
    expect(openFlags(openDescriptorOf(handle)) & O_DIRECT).to.equal(0);
    expect(handle.directIoAlignment).to.equal(undefined);
    expect((await step<Buffer>((cb) => handle.read(1, 3, cb))).length).to.equal(3); // unaligned is fine now
    expect(spied.readNow.callCount).to.equal(1);
    await step<void>((cb) => handle.close(cb));
  });

  it("should accept releaseBuffer() of an O_DIRECT read's result with a BufferPool set, and keep it out of the pool", async () => {
    const pool = new BufferPool({ bufferSize: 4096 });
    engine = DEFAULT_ENGINE === 'io_uring' ? new IoUringEngine() : new NodeFsEngine();
    manager = new AsyncFileManager({ engine, readBuffers: pool });
    const file = tmp.join('direct.bin');
    fs.writeFileSync(file, Buffer.alloc(4096, 5));
    const handle = await openDirect(file, 'read');
    const bytes = await step<Buffer>((cb) => handle.read(0, 4096, cb));
    const withPool = manager;
    withPool.releaseBuffer(bytes);
    expect(pool.created).to.equal(0);
    expect(pool.freeCount).to.equal(0);
    // released once already: a second release reaches the pool, which refuses a buffer it never handed out
    expect(() => withPool.releaseBuffer(bytes)).to.throw(TypeError, /this pool handed out/);
    await step<void>((cb) => handle.close(cb));
  });

  it("should track an O_DIRECT read's buffer until it is released, and not at all once the read failed", async () => {
    const pool = new BufferPool({ bufferSize: 4096 });
    engine = DEFAULT_ENGINE === 'io_uring' ? new IoUringEngine() : new NodeFsEngine();
    manager = new AsyncFileManager({ engine, readBuffers: pool });
    // the count that lets releaseBuffer() skip its WeakSet while no O_DIRECT buffer is out
    const tracked = (): number => alignedResultsTracked(manager as AsyncFileManager);
    const file = tmp.join('direct.bin');
    fs.writeFileSync(file, Buffer.alloc(4096, 5));
    const writer = await openDirect(file, 'write'); // its reads fail with EBADF
    const failed = await outcome<Buffer>((cb) => writer.read(0, 4096, cb));
    expect(failed.error?.code).to.equal('EBADF');
    expect(tracked(), 'after the failed read').to.equal(0);
    await step<void>((cb) => writer.close(cb));
    const reader = await openDirect(file, 'read');
    const bytes = await step<Buffer>((cb) => reader.read(0, 4096, cb));
    expect(tracked(), 'while the user holds the result').to.equal(1);
    manager.releaseBuffer(bytes);
    expect(tracked(), 'once released').to.equal(0);
    await step<void>((cb) => reader.close(cb));
  });

  it('should duplicate an O_DIRECT file into a buffered descriptor', async () => {
    const file = tmp.join('direct.bin');
    fs.writeFileSync(file, Buffer.alloc(4096, 3));
    const handle = await openDirect(file, 'read');
    const copy = await step<AsyncFileHandle>((cb) => handle.duplicate(cb));
    expect(openFlags(openDescriptorOf(copy)) & O_DIRECT).to.equal(0);
    expect(copy.directIoAlignment).to.equal(undefined);
    expect((await step<Buffer>((cb) => copy.read(1, 2, cb))).length).to.equal(2);
    for (const each of [handle, copy]) await step<void>((cb) => each.close(cb));
  });

  it('should take { direct: true } through the Promise facade', async () => {
    const file = tmp.join('direct.bin');
    fs.writeFileSync(file, Buffer.alloc(4096, 9));
    const handle = new PromiseFileManager(newManager()).newFileHandle();
    await handle.openExistingFile(file, 'read', { direct: true });
    expect(handle.handle.directIoAlignment).to.not.equal(undefined);
    expect((await handle.read(0, 4096))[4095]).to.equal(9);
    await handle.close();
    expect(descriptorsUnder(tmp.path)).to.deep.equal([]);
  });

  it('should refuse direct I/O on an engine without it, and bad options, synchronously', () => {
    const scripted = new AsyncFileManager({ engine: new ScriptedEngine() }).newFileHandle();
    let thrown: unknown;
    try {
      scripted.openExistingFile('/a', 'read', { direct: true }, () => undefined);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(FeatureUnavailableError);
    expect(thrown, 'still a FileHandleError (deprecated)').to.be.instanceOf(FileHandleError);
    expect((thrown as FeatureUnavailableError).code).to.equal(FileErrorCode.DIRECT_IO_UNAVAILABLE);
    expect((thrown as Error).message).to.contain('the scripted engine has no O_DIRECT');
    const handle = newManager().newFileHandle();
    expectArgumentError(
      () => handle.openExistingFile('/a', 'read', { direct: 'yes' as unknown as boolean }, () => undefined),
      TypeError,
      'direct',
      '`"yes"` (string)',
    );
    expectArgumentError(
      () => handle.openExistingFile('/a', 'read', { direct: true }, 'x' as unknown as () => void),
      TypeError,
      'callback',
      '`"x"` (string)',
    );
    expectArgumentError(() => allocateAlignedBuffer(16, 3), RangeError, 'alignment', '`3` (number)');
    expectArgumentError(() => allocateAlignedBuffer(-1), RangeError, 'size', '`-1` (number)');
  });
});

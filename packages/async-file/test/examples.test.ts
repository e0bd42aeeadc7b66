import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  readWithin,
  smallReadManager,
  sumFirstBytes,
  sumFirstBytesInto,
  writeBlockDirect,
} from '../examples/fast-paths.js';
import { readIntoThenGiveUp, renameThenCancel } from '../examples/await-canceled-work.js';
import { readStart, readStartWithPromises } from '../examples/read-a-file.js';
import { AsyncFileManager, PromiseFileHandle, type AsyncFileHandle, type BufferPool } from '../src/index.js';

describe("the README's example code", () => {
  let directory: string;
  let file: string;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'async-file-examples-'));
    file = path.join(directory, 'hello.txt');
    fs.writeFileSync(file, 'hello from the README');
  });

  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  /** Writes 8 blocks of 4 KiB whose first bytes are 1 to 8 (they sum to 36) and opens them on a new handle. */
  async function openNumberedBlocks(manager: AsyncFileManager): Promise<AsyncFileHandle> {
    const blocks = Buffer.alloc(8 * 4096);
    for (let index = 0; index < 8; index++) blocks[index * 4096] = index + 1;
    fs.writeFileSync(file, blocks);
    const handle = manager.newFileHandle();
    await new Promise<void>((resolve, reject) =>
      handle.openExistingFile(file, 'read', (error) => (error ? reject(error) : resolve())).release(),
    );
    return handle;
  }

  it('readStart() should read the file with callbacks and close it', async () => {
    const manager = new AsyncFileManager();
    const text = await new Promise((resolve) => readStart(manager, file, resolve));
    await manager.whenIdle();
    expect(text).to.equal('hello from the README');
  });

  it('readStart() should report ENOENT for a missing file', async () => {
    const manager = new AsyncFileManager();
    const result = await new Promise((resolve) => readStart(manager, path.join(directory, 'nope'), resolve));
    await manager.whenIdle();
    expect((result as NodeJS.ErrnoException).code).to.equal('ENOENT');
  });

  it('readStartWithPromises() should read the file and close it at the end of scope', async () => {
    const manager = new AsyncFileManager();
    expect(await readStartWithPromises(manager, file)).to.equal('hello from the README');
    await manager.whenIdle();
  });

  it('smallReadManager() and sumFirstBytes() should read with the probe and the pool, and return every buffer', async () => {
    const manager = smallReadManager();
    expect(manager.syncThresholdBytes).to.equal(16 * 1024);
    const handle = await openNumberedBlocks(manager);
    const sum = await new Promise((resolve, reject) =>
      sumFirstBytes(manager, handle, 8, (error, total) => (error ? reject(error) : resolve(total))),
    );
    expect(sum).to.equal(36);
    await new Promise((resolve) => handle.close(resolve).release());
    await manager.whenIdle();
    expect((manager.readBuffers as BufferPool).outstandingCount).to.equal(0);
  });

  it('sumFirstBytesInto() should read every block into one buffer of its own', async () => {
    const manager = new AsyncFileManager();
    const handle = await openNumberedBlocks(manager);
    // 9 blocks asked, 8 in the file: the last read is empty and adds nothing
    const sum = await new Promise((resolve, reject) =>
      sumFirstBytesInto(handle, 9, (error, total) => (error ? reject(error) : resolve(total))),
    );
    expect(sum).to.equal(36);
    await new Promise((resolve) => handle.close(resolve).release());
    await manager.whenIdle();
  });

  it('readWithin() should read into the block, and settle the handle before it returns, even when aborted', async () => {
    const manager = new AsyncFileManager();
    await using handle = new PromiseFileHandle(manager.newFileHandle());
    await handle.openExistingFile(file, 'read');
    const block = Buffer.alloc(64);
    expect(await readWithin(handle, block, 1000)).to.equal(21);
    expect(block.subarray(0, 21).toString()).to.equal('hello from the README');
    // a deadline of 0 ms: the read may finish first or be aborted; either way nothing is in flight afterwards
    const outcome = await readWithin(handle, block, 0).catch((error: unknown) => error);
    expect(outcome === 21 || (outcome as Error).name === 'TimeoutError', String(outcome)).to.equal(true);
    expect(handle.handle.hasPendingAction).to.equal(false);
    expect(manager.activeCount + manager.queuedCount).to.equal(0);
  });

  it('writeBlockDirect() should write a zeroed block past the page cache', async () => {
    fs.writeFileSync(file, Buffer.alloc(8192, 1));
    const manager = new AsyncFileManager();
    const error = await new Promise((resolve) => writeBlockDirect(manager, file, 4096, resolve));
    await manager.whenIdle();
    expect(error).to.equal(null);
    const bytes = fs.readFileSync(file);
    expect(bytes[4095]).to.equal(1);
    expect(bytes.subarray(4096).every((byte) => byte === 0)).to.equal(true);
  });
});

describe("the troubleshooting guide's example code (examples/await-canceled-work.ts, real files)", () => {
  let directory: string;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'async-file-await-'));
  });

  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('readIntoThenGiveUp() should resolve once the canceled read is over: the buffer no longer changes', async () => {
    const file = path.join(directory, 'data.txt');
    fs.writeFileSync(file, 'hello');
    const manager = new AsyncFileManager({ concurrency: 1 });
    const handle = manager.newFileHandle();
    await new Promise<void>((resolve, reject) =>
      handle.openExistingFile(file, 'read', (error) => (error ? reject(error) : resolve())).release(),
    );
    const buffer = Buffer.alloc(5, '#');
    await readIntoThenGiveUp(handle, buffer);
    expect(manager.pendingCount).to.equal(0);
    const settled = buffer.toString();
    // the engine read the bytes (node-fs cannot stop it) or stopped the read before it ran (io_uring)
    expect(['hello', '#####']).to.include(settled);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(buffer.toString()).to.equal(settled);
    await handle[Symbol.asyncDispose]();
  });

  it('renameThenCancel() should tell whether the canceled rename took effect, as the file system shows', async () => {
    const from = path.join(directory, 'from.txt');
    const to = path.join(directory, 'to.txt');
    fs.writeFileSync(from, 'x');
    const manager = new AsyncFileManager({ concurrency: 1 });
    const outcome = await renameThenCancel(manager, from, to);
    await manager.whenIdle();
    expect(['succeeded', 'not-run']).to.include(outcome);
    expect(fs.existsSync(to)).to.equal(outcome === 'succeeded');
    expect(fs.existsSync(from)).to.equal(outcome === 'not-run');
    // node-fs cannot stop a system call it issued: the rename, executing when canceled, ran
    if (manager.engineName === 'node-fs') expect(outcome).to.equal('succeeded');
  });
});

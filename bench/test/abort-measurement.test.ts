import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { after, before, describe, it } from 'mocha';
import { AsyncFileManager, NodeFsEngine, type AsyncFileHandle } from 'async-op-file';
import { startManagerRead } from '../lib/abort/manager-reads.js';
import { procIoOverhead, readProcIo } from '../lib/abort/proc-io.js';
import { recordingEngine } from '../lib/abort/recording-engine.js';
import { closeHandles, createCachedReadFile, openReadHandles } from '../lib/random-reads.js';
import { BLOCK } from '../lib/workload.js';

const FILE_BYTES = 1024 * 1024;
const CHUNK = 64 * 1024;
/** As the abort group's managers: concurrency 1, and no fast path whatever ASYNC_FILE_SYNC_THRESHOLD says. */
const MANAGER_OPTIONS = { concurrency: 1, syncThresholdBytes: 0, cacheProbe: false } as const;

describe('bench abort: what a cancel stops, measured', () => {
  let directory = '';
  let file = '';
  before(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-abort-test-'));
    file = path.join(directory, 'blocks.bin');
    createCachedReadFile(file, FILE_BYTES);
  });
  after(() => fs.rmSync(directory, { recursive: true, force: true }));

  describe('readProcIo()', () => {
    it('should count the bytes a read system call returned, and a reading of its own as overhead', () => {
      const overhead = procIoOverhead();
      expect(overhead.rchar).to.be.greaterThan(0);
      const before = readProcIo();
      const fd = fs.openSync(file, 'r');
      try {
        fs.readSync(fd, Buffer.alloc(CHUNK), 0, CHUNK, 0);
      } finally {
        fs.closeSync(fd);
      }
      const after = readProcIo();
      expect(after.rchar - before.rchar - overhead.rchar).to.be.within(CHUNK, CHUNK + 64);
      expect(after.syscr - before.syscr).to.be.at.least(1);
    });
  });

  describe('recordingEngine()', () => {
    it('should count reads issued after the mark, and the bytes of completions that came after it', async () => {
      const engine = new (recordingEngine(NodeFsEngine))();
      const manager = new AsyncFileManager({ engine, ...MANAGER_OPTIONS });
      const [handle] = (await openReadHandles(manager, file, 1)) as [AsyncFileHandle];
      try {
        await new Promise<void>((resolve, reject) =>
          handle.read(0, BLOCK, (error) => (error === null ? resolve() : reject(error))).release(),
        );
        expect(engine.record).to.include({ bytesRead: BLOCK, readsIssuedAfterMark: 0, bytesAfterMark: 0 });
        engine.mark();
        await new Promise<void>((resolve, reject) =>
          handle.read(BLOCK, 2 * BLOCK, (error) => (error === null ? resolve() : reject(error))).release(),
        );
        expect(engine.record).to.include({
          bytesRead: 3 * BLOCK,
          readsIssuedAfterMark: 1,
          completionsAfterMark: 1,
          bytesAfterMark: 2 * BLOCK,
          inFlight: 0,
        });
        engine.reset();
        expect(engine.record).to.include({ bytesRead: 0, readsIssuedAfterMark: 0, bytesAfterMark: 0 });
      } finally {
        await closeHandles([handle]);
      }
    });

    it('should count a fast-path read (readNow) as issued and completed', async () => {
      const engine = new (recordingEngine(NodeFsEngine))();
      const manager = new AsyncFileManager({ engine, ...MANAGER_OPTIONS, syncThresholdBytes: BLOCK });
      const [handle] = (await openReadHandles(manager, file, 1)) as [AsyncFileHandle];
      try {
        engine.mark();
        await new Promise<void>((resolve, reject) =>
          handle.read(0, BLOCK, (error) => (error === null ? resolve() : reject(error))).release(),
        );
        expect(engine.record).to.include({ bytesRead: BLOCK, readsIssuedAfterMark: 1, bytesAfterMark: BLOCK });
      } finally {
        await closeHandles([handle]);
      }
    });
  });

  describe('startManagerRead()', () => {
    it('should leave no queued read to be issued after the cancel, and tell at once', async () => {
      const engine = new (recordingEngine(NodeFsEngine))();
      const manager = new AsyncFileManager({ engine, ...MANAGER_OPTIONS });
      const handles = await openReadHandles(manager, file, 4);
      try {
        const started = startManagerRead(handles, FILE_BYTES, CHUNK, () => engine.record);
        // four reads enqueued: one executing (concurrency 1), three queued
        expect(manager.activeCount + manager.queuedCount).to.equal(4);
        expect(manager.queuedCount).to.equal(3);
        engine.mark();
        const outcome = started.cancel();
        expect(manager.queuedCount).to.equal(0);
        await outcome.told;
        await outcome.over;
        expect(manager.pendingCount).to.equal(0);
        expect(engine.record.readsIssuedAfterMark).to.equal(0);
        expect(engine.record.bytesAfterMark).to.be.at.most(CHUNK);
      } finally {
        await closeHandles(handles);
      }
    });

    it('should fail when the file ends before the cancel came', async () => {
      const engine = new (recordingEngine(NodeFsEngine))();
      const manager = new AsyncFileManager({ engine, ...MANAGER_OPTIONS });
      const handles = await openReadHandles(manager, file, 2);
      try {
        const started = startManagerRead(handles, FILE_BYTES, CHUNK, () => engine.record);
        let failure: unknown;
        await started.failure.catch((error: unknown) => (failure = error));
        expect(String(failure)).to.contain('read the whole file before the cancel came');
        await Promise.all(handles.map((handle) => handle.whenSettled()));
      } finally {
        await closeHandles(handles);
      }
    });
  });
});

import { ManualClock } from 'async-op';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AsyncFileManager } from 'async-op-file';
import { isCanceledError } from 'async-op';
import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import { FakeCancelFileModule, type FileJobValue, sampleLabel } from '../src/index.js';
import { describeLowLevelCancelContract } from './support/low-level-cancel-contract.js';
import { describeLowLevelContract } from './support/low-level-contract.js';
import {
  DEFAULT_ENGINE,
  delay,
  holdCalls,
  recorder,
  scriptedStack,
  shutDown,
  type ScriptedStack,
} from './support/stack.js';

const DATA = Buffer.from('0123456789abcdefghij');

describe(sampleLabel('ll-fake-cancel'), () => {
  describeLowLevelContract('fake');
  describeLowLevelCancelContract('fake');

  describe('cancel', () => {
    let stack: ScriptedStack | undefined;

    afterEach(async () => {
      if (stack !== undefined) await shutDown(stack.manager, [stack.ll]);
      if (stack !== undefined) expect(stack.engine.openDescriptorCount).to.equal(0);
      stack = undefined;
    });

    it('should report canceled from inside cancel and clean up when the real completion arrives', async () => {
      stack = scriptedStack('fake', { completion: 'manual' });
      stack.engine.writeFile('/data/a.txt', DATA);
      const order: string[] = [];
      const job = recorder<FileJobValue>(() => order.push('callback'));
      const op = stack.ll.start({ kind: 'read-file', path: '/data/a.txt' }, job.callback);
      stack.engine.completeNext(); // open: the file is open now
      order.push('cancel');
      op.cancel();
      order.push('cancel returned');
      op.release();
      expect(order).to.deep.equal(['cancel', 'callback', 'cancel returned']);
      expect(isCanceledError(job.results[0]?.error)).to.equal(true);
      // the read in flight was not canceled; the module still owes its cleanup
      expect(stack.engine.pendingCalls.map((call) => call.kind)).to.deep.equal(['read']);
      expect(stack.ll.pendingCount).to.equal(1);
      let isClosed = false;
      const closed = stack.ll.close().then(() => (isClosed = true));
      await Promise.resolve();
      expect(isClosed).to.equal(false);
      stack.engine.completeAll(); // the read, then the cleanup's close
      await closed;
      expect(stack.engine.calls.map((call) => call.kind)).to.deep.equal(['openExisting', 'read', 'close']);
      expect(job.results).to.have.length(1);
      expect(stack.engine.openDescriptorCount).to.equal(0);
    });

    it('should start no further chunk after cancel', async () => {
      stack = scriptedStack('fake', { completion: 'manual' });
      stack.engine.writeFile('/data/a.txt', DATA);
      const job = recorder<FileJobValue>();
      const op = stack.ll.start({ kind: 'read-file', path: '/data/a.txt', chunkSize: 4 }, job.callback);
      stack.engine.completeNext(); // open
      stack.engine.completeNext(); // read 1
      op.cancel();
      op.release();
      stack.engine.completeAll();
      await stack.manager.whenIdle();
      const reads = stack.engine.calls.filter((call) => call.kind === 'read');
      expect(reads.map((call) => call.state)).to.deep.equal(['completed', 'completed']);
      expect(job.results.map((r) => r.status)).to.deep.equal(['canceled']);
    });

    it('should remove the name a canceled write-file created after the cancel', async () => {
      stack = scriptedStack('fake', { completion: holdCalls((call) => call.kind === 'link') });
      const job = recorder<FileJobValue>();
      const op = stack.ll.start({ kind: 'write-file', path: '/data/new.txt', data: DATA }, job.callback);
      op.cancel();
      op.release();
      expect(job.results.map((r) => r.status)).to.deep.equal(['canceled']);
      stack.engine.completeAll(); // the link completes: the real completion; the cleanup removes the name
      await stack.ll.close();
      expect(stack.engine.calls.map((call) => call.kind)).to.include('unlink');
      expect(stack.engine.listDirectory('/data')).to.deep.equal([]);
    });

    it('should keep a delayed call pending after cancel until its timer fires, and be released only then', async () => {
      const clock = new ManualClock();
      stack = scriptedStack('fake', {}, 4, undefined, clock);
      stack.settings.delayNext(60_000);
      const job = recorder<FileJobValue>();
      const op = stack.ll.start({ kind: 'unlink', path: '/data/x' }, job.callback);
      let isOver = false;
      const over = op.whenReleased().then(() => (isOver = true));
      op.cancel();
      op.release();
      expect(job.results.map((r) => r.status)).to.deep.equal(['canceled']);
      expect(stack.ll.pendingCount).to.equal(1);
      // canceled was reported, but the work (the "real completion" the timer stands for) is not over yet
      await new Promise((resolve) => setImmediate(resolve));
      expect(isOver).to.equal(false);
      const closed = stack.ll.close();
      clock.advance(60_000);
      await over;
      await closed;
      expect(stack.ll.pendingCount).to.equal(0);
      // the real job was never started
      expect(stack.engine.calls).to.have.length(0);
      expect(job.results).to.have.length(1);
    });
  });

  describe(`on real files (${DEFAULT_ENGINE})`, () => {
    let dir: string;
    let manager: AsyncFileManager;
    let ll: FakeCancelFileModule;

    beforeEach(() => {
      dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'samples-ll-fake-')));
      manager = new AsyncFileManager();
      ll = new FakeCancelFileModule({ manager });
      ll.open();
    });

    afterEach(async () => {
      await ll.close();
      await manager.whenIdle();
      ll.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('should report canceled at once and close the file when the read in flight finishes', async () => {
      const source = path.join(dir, 'in.bin');
      fs.writeFileSync(source, Buffer.alloc(1 << 20, 1));
      const read = recorder<FileJobValue>();
      const op = ll.start({ kind: 'read-file', path: source, chunkSize: 4096 }, read.callback);
      await delay(1);
      // whenReleased() resolves once the job let go of the op: its read in flight finished and its file is closed
      const isOver = op.whenReleased();
      const isCanceled = op.cancel();
      op.release();
      if (isCanceled) expect(read.results.map((r) => r.status)).to.deep.equal(['canceled']);
      await isOver;
      expect(ll.pendingCount).to.equal(0);
      await ll.close();
      expect(read.results).to.have.length(1);
    });
  });
});

import { mochaCheckAfterEach } from 'async-op-race-kit';
import { ManualClock } from 'async-op';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AsyncFileManager } from 'async-op-file';
import { isCanceledError } from 'async-op';
import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import { RealCancelFileModule, type FileJobValue, sampleLabel } from '../src/index.js';
import { describeLowLevelCancelContract } from './support/low-level-cancel-contract.js';
import { describeLowLevelContract } from './support/low-level-contract.js';
import {
  DEFAULT_ENGINE,
  delay,
  holdCalls,
  recorder,
  scriptedStack,
  type ScriptedStack,
  shutDownScripted,
} from './support/stack.js';

const DATA = Buffer.from('0123456789abcdefghij');

describe(sampleLabel('ll-real-cancel'), () => {
  describeLowLevelContract('ll-real-cancel');
  describeLowLevelCancelContract('ll-real-cancel');

  describe('cancel', () => {
    let stack: ScriptedStack | undefined;

    // a failed check fails its test, not the hook (mocha would skip the rest of the describe)
    afterEach(
      mochaCheckAfterEach(async () => {
        const built = stack;
        stack = undefined;
        if (built !== undefined) await shutDownScripted(built, [built.ll]);
      }),
    );

    it('should never run a queued job and report canceled once stopped', async () => {
      stack = scriptedStack('ll-real-cancel', { completion: 'manual' }, 1);
      stack.engine.writeFile('/data/a.txt', DATA);
      const first = recorder<FileJobValue>();
      const second = recorder<FileJobValue>();
      const firstOp = stack.ll.start({ kind: 'read-file', path: '/data/a.txt' }, first.callback);
      const secondOp = stack.ll.start({ kind: 'rename', from: '/data/a.txt', to: '/data/b.txt' }, second.callback);
      expect(secondOp.cancel('stop')).to.equal(true);
      // nothing was running for it: canceled a microtask later (never inside cancel())
      expect(second.results).to.deep.equal([]);
      expect(await second.result).to.deep.equal({ status: 'canceled', error: 'stop' });
      stack.engine.completeAll();
      expect((await first.result).status).to.equal('ok');
      expect(stack.engine.calls.some((call) => call.kind === 'rename')).to.equal(false);
      expect(stack.engine.listDirectory('/data')).to.deep.equal(['a.txt']);
      firstOp.release();
      secondOp.release();
    });

    it('should report ok for a rename canceled while executing that the engine could not stop', async () => {
      stack = scriptedStack('ll-real-cancel', { completion: 'manual', cancelable: false });
      stack.engine.writeFile('/data/a.txt', DATA);
      const job = recorder<FileJobValue>();
      const op = stack.ll.start({ kind: 'rename', from: '/data/a.txt', to: '/data/b.txt' }, job.callback);
      expect(stack.engine.pendingCalls.map((call) => call.kind)).to.deep.equal(['rename']);
      op.cancel('stop');
      await delay(1);
      // the engine holds the call: no answer until it says what happened
      expect(job.results).to.deep.equal([]);
      stack.engine.completeAll();
      expect(await job.result).to.deep.equal({ status: 'ok', value: { bytes: 0 } });
      expect(stack.engine.listDirectory('/data')).to.deep.equal(['b.txt']);
      op.release();
    });

    it('should report canceled for an unlink canceled while executing that the engine stopped', async () => {
      stack = scriptedStack('ll-real-cancel', { completion: 'manual', cancelable: true, cancelDelivery: 'deferred' });
      stack.engine.writeFile('/data/a.txt', DATA);
      const job = recorder<FileJobValue>();
      const op = stack.ll.start({ kind: 'unlink', path: '/data/a.txt' }, job.callback);
      op.cancel('stop');
      await delay(1);
      expect(job.results).to.deep.equal([]);
      stack.engine.completeAll(); // the engine answers the cancel: ECANCELED, no effect
      expect(await job.result).to.deep.equal({ status: 'canceled', error: 'stop' });
      expect(stack.engine.listDirectory('/data')).to.deep.equal(['a.txt']);
      op.release();
    });

    it('should report canceled for a rename canceled while executing that failed (no effect)', async () => {
      stack = scriptedStack('ll-real-cancel', { completion: 'manual', cancelable: false });
      const job = recorder<FileJobValue>();
      const op = stack.ll.start({ kind: 'rename', from: '/data/missing', to: '/data/b.txt' }, job.callback);
      op.cancel('stop');
      stack.engine.completeAll();
      expect(await job.result).to.deep.equal({ status: 'canceled', error: 'stop' });
      op.release();
    });

    it('should stop a chunked read between chunks and report canceled after the file closed', async () => {
      stack = scriptedStack('ll-real-cancel', { completion: 'manual' });
      stack.engine.writeFile('/data/a.txt', DATA);
      const job = recorder<FileJobValue>();
      const op = stack.ll.start({ kind: 'read-file', path: '/data/a.txt', chunkSize: 4 }, job.callback);
      stack.engine.completeNext(); // open
      stack.engine.completeNext(); // read 1
      stack.engine.completeNext(); // read 2
      op.cancel();
      // the third read was canceled in the engine; the close is pending, so no callback yet
      expect(job.results).to.have.length(0);
      const reads = stack.engine.calls.filter((call) => call.kind === 'read');
      expect(reads.map((call) => call.state)).to.deep.equal(['completed', 'completed', 'canceled']);
      stack.engine.completeAll(); // the close
      const result = await job.result;
      expect(result.status).to.equal('canceled');
      expect(isCanceledError(result.error)).to.equal(true);
      expect(stack.engine.calls.filter((call) => call.kind === 'read')).to.have.length(3);
      op.release();
    });

    it('should remove the anonymous file of a canceled write-file: the name never appears', async () => {
      stack = scriptedStack('ll-real-cancel', { completion: holdCalls((call) => call.kind === 'write') });
      const job = recorder<FileJobValue>();
      const op = stack.ll.start({ kind: 'write-file', path: '/data/new.txt', data: DATA }, job.callback);
      op.cancel();
      expect((await job.result).status).to.equal('canceled');
      expect(stack.engine.listDirectory('/data')).to.deep.equal([]);
      expect(stack.engine.calls.some((call) => call.kind === 'link')).to.equal(false);
      op.release();
    });

    it('should clear a delay timer on cancel and report canceled at once', async () => {
      const clock = new ManualClock();
      stack = scriptedStack('ll-real-cancel', {}, 4, undefined, clock);
      stack.settings.delayNext(10_000);
      const job = recorder<FileJobValue>();
      const op = stack.ll.start({ kind: 'unlink', path: '/data/x' }, job.callback);
      expect(clock.pendingTimers).to.equal(1);
      op.cancel();
      expect(job.results.map((r) => r.status)).to.deep.equal(['canceled']);
      expect(stack.ll.pendingCount).to.equal(0);
      expect(clock.pendingTimers).to.equal(0);
      op.release();
    });

    it('should do nothing for a cancel after the callback', () => {
      stack = scriptedStack('ll-real-cancel');
      const job = recorder<FileJobValue>();
      const op = stack.ll.start({ kind: 'write-file', path: '/data/a', data: DATA }, job.callback);
      expect(op.cancel()).to.equal(false);
      expect(job.results.map((r) => r.status)).to.deep.equal(['ok']);
      op.release();
    });
  });

  describe(`on real files (${DEFAULT_ENGINE})`, () => {
    let dir: string;
    let manager: AsyncFileManager;
    let ll: RealCancelFileModule;

    beforeEach(() => {
      dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'samples-ll-real-')));
      manager = new AsyncFileManager();
      ll = new RealCancelFileModule({ manager });
      ll.open();
    });

    afterEach(async () => {
      await ll.close();
      await manager.whenIdle();
      ll.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('should write a new file and read it back', async () => {
      const target = path.join(dir, 'out.bin');
      const data = Buffer.alloc(100_000, 7);
      const write = recorder<FileJobValue>();
      ll.start({ kind: 'write-file', path: target, data, chunkSize: 16_384 }, write.callback).release();
      expect(await write.result).to.deep.equal({ status: 'ok', value: { bytes: data.length } });
      expect(fs.readFileSync(target).equals(data)).to.equal(true);
      const read = recorder<FileJobValue>();
      ll.start({ kind: 'read-file', path: target, chunkSize: 30_000 }, read.callback).release();
      const result = await read.result;
      expect(result.value?.data?.equals(data)).to.equal(true);
    });

    it('should report what a canceled rename really did: canceled only if the file was not renamed', async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 30; i++) {
        const from = path.join(dir, `from-${i}`);
        const to = path.join(dir, `to-${i}`);
        fs.writeFileSync(from, 'x');
        const job = recorder<FileJobValue>();
        const op = ll.start({ kind: 'rename', from, to }, job.callback);
        if (i % 2 === 1) await new Promise((resolve) => setImmediate(resolve));
        op.cancel('stop');
        op.release();
        const result = await job.result;
        seen.add(result.status);
        const renamed = fs.existsSync(to);
        expect(result.status, `rename ${i}`).to.equal(renamed ? 'ok' : 'canceled');
        expect(fs.existsSync(from)).to.equal(!renamed);
      }
      expect(seen.size).to.be.at.least(1);
    });

    it('should stop a read in flight, close the file and report canceled', async () => {
      const source = path.join(dir, 'in.bin');
      fs.writeFileSync(source, Buffer.alloc(1 << 20, 1));
      const read = recorder<FileJobValue>();
      const op = ll.start({ kind: 'read-file', path: source, chunkSize: 4096 }, read.callback);
      await delay(1);
      op.cancel();
      op.release();
      const result = await read.result;
      // a tiny file system may finish first; either way exactly one callback and no descriptor left
      expect(['canceled', 'ok']).to.include(result.status);
      expect(read.results).to.have.length(1);
    });
  });
});

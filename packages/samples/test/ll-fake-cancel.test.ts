import { mochaCheckAfterEach } from 'async-op-race-kit';
import { isCanceledError, ManualClock } from 'async-op';
import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import { type FileJobValue, sampleLabel } from '../src/index.js';
import { describeLowLevelCancelContract } from './support/low-level-cancel-contract.js';
import { describeLowLevelContract } from './support/low-level-contract.js';
import { holdCalls, recorder, scriptedStack, shutDownScripted, type ScriptedStack } from './support/stack.js';

const DATA = Buffer.from('0123456789abcdefghij');

describe(sampleLabel('ll-fake-cancel'), () => {
  describeLowLevelContract('ll-fake-cancel');
  describeLowLevelCancelContract('ll-fake-cancel');

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

    it('should report canceled from inside cancel and clean up when the real completion arrives', async () => {
      stack = scriptedStack('ll-fake-cancel', { completion: 'manual' });
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
      stack = scriptedStack('ll-fake-cancel', { completion: 'manual' });
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
      stack = scriptedStack('ll-fake-cancel', { completion: holdCalls((call) => call.kind === 'link') });
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

    it('should report canceled at once and close the file when the read in flight finishes', async () => {
      let reads = 0;
      // the open and two reads complete inside the calls; the third read is held: in flight when cancel comes
      stack = scriptedStack('ll-fake-cancel', {
        completion: holdCalls((call) => call.kind === 'read' && ++reads === 3),
      });
      stack.engine.writeFile('/data/in.bin', Buffer.alloc(1 << 20, 1));
      const read = recorder<FileJobValue>();
      const op = stack.ll.start({ kind: 'read-file', path: '/data/in.bin', chunkSize: 4096 }, read.callback);
      const held = stack.engine.pendingCalls;
      expect(held.map((call) => call.label)).to.deep.equal(['#4 read(fd 3, 4096 B @ 8192)']);
      expect(op.cancel()).to.equal(true);
      op.release();
      expect(read.results.map((result) => result.status)).to.deep.equal(['canceled']);
      // the read in flight still holds the file; its end starts the cleanup
      expect(stack.engine.openDescriptorCount).to.equal(1);
      held[0]?.complete();
      await stack.ll.close();
      expect(stack.engine.calls.map((call) => call.kind)).to.deep.equal([
        'openExisting',
        'read',
        'read',
        'read',
        'close',
      ]);
      expect(stack.engine.openDescriptorCount).to.equal(0);
      expect(read.results).to.have.length(1);
    });

    it('should keep a delayed call pending after cancel until its timer fires, and be released only then', async () => {
      const clock = new ManualClock();
      stack = scriptedStack('ll-fake-cancel', {}, 4, undefined, clock);
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
});

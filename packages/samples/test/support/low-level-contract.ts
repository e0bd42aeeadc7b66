import { mochaCheckAfterEach } from 'async-op-race-kit';
import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import sinon from 'sinon';
import { ModuleClosedError, SampleErrorCode, type FileJobValue } from '../../src/index.js';
import { recorder, scriptedStack, shutDownScripted, type LowLevelVariant, type ScriptedStack } from './stack.js';

const DATA = Buffer.from('0123456789abcdefghij');

/** What both LL variants must do alike (scripted engine, synchronous unless stated). */
export function describeLowLevelContract(variant: LowLevelVariant): void {
  describe('shared LL contract', () => {
    let stack: ScriptedStack | undefined;

    // a failed check fails its test, not the hook (mocha would skip the rest of the describe)
    afterEach(
      mochaCheckAfterEach(async () => {
        const built = stack;
        stack = undefined;
        if (built !== undefined) await shutDownScripted(built);
      }),
    );

    it('should write a file in chunks and read it back, calling back before start returns on a sync engine', () => {
      stack = scriptedStack(variant);
      const order: string[] = [];
      const write = recorder<FileJobValue>(() => order.push('write callback'));
      stack.ll.start({ kind: 'write-file', path: '/data/a.txt', data: DATA, chunkSize: 8 }, write.callback).release();
      order.push('write returned');
      const read = recorder<FileJobValue>();
      stack.ll.start({ kind: 'read-file', path: '/data/a.txt', chunkSize: 6 }, read.callback).release();
      expect(order).to.deep.equal(['write callback', 'write returned']);
      expect(write.results).to.deep.equal([{ status: 'ok', value: { bytes: DATA.length } }]);
      expect(read.results).to.have.length(1);
      expect(read.results[0]?.value?.data?.toString()).to.equal(DATA.toString());
      expect(stack.engine.calls.filter((call) => call.kind === 'write')).to.have.length(3);
    });

    it('should report an error of the file system as error, asynchronously after closing', async () => {
      stack = scriptedStack(variant);
      const read = recorder<FileJobValue>();
      stack.ll.start({ kind: 'read-file', path: '/data/missing' }, read.callback).release();
      const result = await read.result;
      expect(result.status).to.equal('error');
      expect(result.error).to.have.property('code', 'ENOENT');
      expect(read.results).to.have.length(1);
    });

    it('should report EAGAIN as error-can-retry', async () => {
      stack = scriptedStack(variant, { inject: (call) => (call.kind === 'read' ? 'EAGAIN' : undefined) });
      stack.engine.writeFile('/data/a.txt', DATA);
      const read = recorder<FileJobValue>();
      stack.ll.start({ kind: 'read-file', path: '/data/a.txt' }, read.callback).release();
      const result = await read.result;
      expect(result.status).to.equal('error-can-retry');
      expect(result.error).to.have.property('code', 'EAGAIN');
    });

    it('should rename and unlink', () => {
      stack = scriptedStack(variant);
      stack.engine.writeFile('/data/a.txt', DATA);
      const rename = recorder<FileJobValue>();
      stack.ll.start({ kind: 'rename', from: '/data/a.txt', to: '/data/b.txt' }, rename.callback).release();
      const unlink = recorder<FileJobValue>();
      stack.ll.start({ kind: 'unlink', path: '/data/b.txt' }, unlink.callback).release();
      expect(rename.results).to.deep.equal([{ status: 'ok', value: { bytes: 0 } }]);
      expect(unlink.results).to.deep.equal([{ status: 'ok', value: { bytes: 0 } }]);
      expect(stack.engine.listDirectory('/data')).to.deep.equal([]);
    });

    it('should throw for a bad request, a bad callback or a module not open, and never call back', () => {
      stack = scriptedStack(variant);
      const callback = sinon.spy();
      expect(() => stack?.ll.start({ kind: 'read-file', path: '' }, callback)).to.throw(TypeError, /request\.path/);
      expect(() => stack?.ll.start({ kind: 'nope' } as never, callback)).to.throw(TypeError, /request\.kind/);
      expect(() => stack?.ll.start({ kind: 'read-file', path: '/data/a', chunkSize: 0 }, callback)).to.throw(
        RangeError,
      );
      expect(() => stack?.ll.start({ kind: 'unlink', path: '/data/a' }, 'no' as never)).to.throw(TypeError);
      void stack.ll.close();
      expect(() => stack?.ll.start({ kind: 'unlink', path: '/data/a' }, callback))
        .to.throw(ModuleClosedError)
        .with.property('code', SampleErrorCode.MODULE_CLOSED);
      sinon.assert.notCalled(callback);
      expect(stack.engine.calls).to.have.length(0);
    });

    it('should report a scripted result before start returns (completeNextSynchronously)', () => {
      stack = scriptedStack(variant);
      stack.settings.completeNextSynchronously({ status: 'error', error: new Error('scripted') });
      const job = recorder<FileJobValue>();
      const op = stack.ll.start({ kind: 'unlink', path: '/data/x' }, job.callback);
      expect(job.results.map((r) => r.status)).to.deep.equal(['error']);
      expect(op.isCompleted).to.equal(true);
      op.release();
      expect(stack.engine.calls).to.have.length(0);
    });

    it('should report error-can-retry N times, then run the real job', async () => {
      stack = scriptedStack(variant);
      stack.settings.reportRetryable(2);
      const statuses: string[] = [];
      for (let i = 0; i < 3; i++) {
        const job = recorder<FileJobValue>();
        stack.ll.start({ kind: 'unlink', path: '/data/x' }, job.callback).release();
        statuses.push((await job.result).status);
      }
      expect(statuses).to.deep.equal(['error-can-retry', 'error-can-retry', 'error']);
    });

    it('should deliver a delayed scripted result after the delay', async () => {
      stack = scriptedStack(variant);
      stack.settings.push({ result: { status: 'ok', value: { bytes: 7 } }, delayMs: 5 });
      const job = recorder<FileJobValue>();
      stack.ll.start({ kind: 'unlink', path: '/data/x' }, job.callback).release();
      expect(job.results).to.have.length(0);
      expect(await job.result).to.deep.equal({ status: 'ok', value: { bytes: 7 } });
    });

    it('should make close() refuse new starts and wait for every pending callback', async () => {
      stack = scriptedStack(variant, { completion: 'manual' });
      stack.engine.writeFile('/data/a.txt', DATA);
      const order: string[] = [];
      const job = recorder<FileJobValue>(() => order.push('callback'));
      stack.ll.start({ kind: 'read-file', path: '/data/a.txt' }, job.callback).release();
      const closed = stack.ll.close().then(() => order.push('closed'));
      expect(stack.ll.state).to.equal('closing');
      expect(() => stack?.ll.start({ kind: 'unlink', path: '/data/a' }, () => {})).to.throw(ModuleClosedError);
      await Promise.resolve();
      expect(order).to.deep.equal([]);
      stack.engine.completeAll();
      await closed;
      expect(order).to.deep.equal(['callback', 'closed']);
      expect(stack.ll.state).to.equal('closed');
    });

    it('should let a callback close its own module', async () => {
      stack = scriptedStack(variant);
      let closed: Promise<void> | undefined;
      const ll = stack.ll;
      ll.start({ kind: 'unlink', path: '/data/none' }, () => {
        closed = ll.close();
      }).release();
      await stack.manager.whenIdle();
      // the error path calls back after the close of its handle (a microtask or so)
      for (let i = 0; i < 10 && closed === undefined; i++) await Promise.resolve();
      expect(closed).to.be.instanceOf(Promise);
      await closed;
      expect(ll.state).to.equal('closed');
    });

    it('should not call back a canceled hung call twice, and leave nothing pending after close', async () => {
      stack = scriptedStack(variant);
      stack.settings.hangNext();
      const job = recorder<FileJobValue>();
      const op = stack.ll.start({ kind: 'unlink', path: '/data/x' }, job.callback);
      expect(job.results).to.have.length(0);
      expect(op.cancel()).to.equal(true);
      expect(op.cancel()).to.equal(false);
      op.release();
      expect(job.results.map((r) => r.status)).to.deep.equal(['canceled']);
      await stack.ll.close();
      expect(stack.ll.pendingCount).to.equal(0);
    });
  });
}

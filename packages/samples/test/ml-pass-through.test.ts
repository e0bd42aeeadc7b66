import { mochaCheckAfterEach } from 'async-op-race-kit';
import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import sinon from 'sinon';
import {
  ModuleClosedError,
  PassThroughModule,
  type FileJobRequest,
  type FileJobValue,
  sampleLabel,
} from '../src/index.js';
import { LL_VARIANTS, recorder, scriptedStack, type ScriptedStack, shutDownScripted } from './support/stack.js';

describe(sampleLabel('ml-pass-through'), () => {
  for (const variant of LL_VARIANTS) {
    describe(`over ${variant}`, () => {
      let stack: ScriptedStack | undefined;
      let ml: PassThroughModule<FileJobRequest, FileJobValue>;

      function build(...args: Parameters<typeof scriptedStack> extends [unknown, ...infer Rest] ? Rest : never): void {
        stack = scriptedStack(variant, ...args);
        ml = new PassThroughModule({ lower: stack.ll });
        ml.open();
      }

      // a failed check fails its test, not the hook (mocha would skip the rest of the describe)
      afterEach(
        mochaCheckAfterEach(async () => {
          const built = stack;
          stack = undefined;
          if (built !== undefined) await shutDownScripted(built, [ml, built.ll]);
        }),
      );

      it('should pass an ok result through, before start returns when the LL is synchronous', () => {
        build();
        const order: string[] = [];
        const job = recorder<FileJobValue>(() => order.push('callback'));
        const op = ml.start({ kind: 'write-file', path: '/data/a', data: Buffer.from('abc') }, job.callback);
        order.push('returned');
        expect(order).to.deep.equal(['callback', 'returned']);
        expect(job.results).to.deep.equal([{ status: 'ok', value: { bytes: 3 } }]);
        expect(op.isCompleted).to.equal(true);
        op.release();
      });

      it('should map error-can-retry to error', async () => {
        build();
        stack?.settings.reportRetryable(1);
        const job = recorder<FileJobValue>();
        ml.start({ kind: 'unlink', path: '/data/x' }, job.callback).release();
        const result = await job.result;
        expect(result.status).to.equal('error');
        expect(result.error).to.have.property('code', 'EAGAIN');
      });

      it('should pass cancel through, with its reason, to a call that never completes', async () => {
        build();
        stack?.settings.hangNext();
        const job = recorder<FileJobValue>();
        const op = ml.start({ kind: 'unlink', path: '/data/x' }, job.callback);
        const reason = new Error('user said stop');
        expect(op.cancel(reason)).to.equal(true);
        op.release();
        expect(await job.result).to.deep.equal({ status: 'canceled', error: reason });
        expect(job.results).to.have.length(1);
      });

      it('should cancel a job in flight (manual engine) and call back exactly once', async () => {
        build({ completion: 'manual' });
        stack?.engine.writeFile('/data/a', 'hello');
        const job = recorder<FileJobValue>();
        const op = ml.start({ kind: 'read-file', path: '/data/a' }, job.callback);
        stack?.engine.completeNext();
        op.cancel();
        op.release();
        stack?.engine.completeAll();
        expect((await job.result).status).to.equal('canceled');
        await ml.close();
        expect(job.results).to.have.length(1);
      });

      it('should let the lower start throw through, leaking nothing and never calling back', () => {
        build();
        const callback = sinon.spy();
        expect(() => ml.start({ kind: 'unlink', path: '' }, callback)).to.throw(TypeError);
        expect(ml.pendingCount).to.equal(0);
        void ml.close();
        expect(() => ml.start({ kind: 'unlink', path: '/data/a' }, callback)).to.throw(ModuleClosedError);
        sinon.assert.notCalled(callback);
      });

      it('should make close() wait for pending callbacks, and accept a close from inside a callback', async () => {
        build({ completion: 'manual' });
        const order: string[] = [];
        let inner: Promise<void> | undefined;
        ml.start({ kind: 'unlink', path: '/data/none' }, () => {
          order.push('callback');
          inner = ml.close();
        }).release();
        const closed = ml.close().then(() => order.push('closed'));
        stack?.engine.completeAll();
        await closed;
        await inner;
        expect(order).to.deep.equal(['callback', 'closed']);
      });
    });
  }
});

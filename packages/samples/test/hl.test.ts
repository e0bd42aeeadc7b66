import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import {
  HighLevelModule,
  ModuleClosedError,
  RetryModule,
  SampleErrorCode,
  type CancellableModule,
  type FileJobRequest,
  type FileJobValue,
  sampleLabel,
} from '../src/index.js';
import { LL_VARIANTS, recorder, scriptedStack, shutDown, type ScriptedStack } from './support/stack.js';

describe(sampleLabel('hl'), () => {
  for (const variant of LL_VARIANTS) {
    describe(`over ml-retries over ${variant}`, () => {
      let stack: ScriptedStack | undefined;
      let ml: CancellableModule<FileJobRequest, FileJobValue>;
      let hl: HighLevelModule<FileJobRequest, FileJobValue>;

      function build(completion: 'sync' | 'manual' = 'sync'): ScriptedStack {
        const built = scriptedStack(variant, { completion });
        stack = built;
        ml = new RetryModule({ lower: built.ll, baseDelayMs: 0 });
        ml.open();
        hl = new HighLevelModule({ lower: ml });
        hl.open();
        return built;
      }

      afterEach(async () => {
        if (stack !== undefined) await shutDown(stack.manager, [hl, ml, stack.ll]);
        stack = undefined;
      });

      it('should deliver ok through the stack', () => {
        build();
        const job = recorder<FileJobValue>();
        hl.start({ kind: 'write-file', path: '/data/a', data: Buffer.from('xyz') }, job.callback).release();
        expect(job.results).to.deep.equal([{ status: 'ok', value: { bytes: 3 } }]);
      });

      it('should resolve run() with the value', async () => {
        const { engine } = build();
        engine.writeFile('/data/a', 'hello');
        const value = await hl.run({ kind: 'read-file', path: '/data/a' });
        expect(value.data?.toString()).to.equal('hello');
      });

      it('should reject run() with the error of an error result', async () => {
        build();
        let error: unknown;
        await hl.run({ kind: 'read-file', path: '/data/missing' }).catch((e: unknown) => (error = e));
        expect(error).to.have.property('code', 'ENOENT');
      });

      it('should make run() throw at once, as start() does, for a bad request, bad options or a closed module', async () => {
        build();
        expect(() => hl.run({ kind: 'nope' } as never)).to.throw(TypeError, /request\.kind/);
        expect(() => hl.run({ kind: 'unlink', path: 'a\0b' })).to.throw(TypeError, /request\.path/);
        expect(() => hl.run({ kind: 'unlink', path: '/data/x' }, 5 as never)).to.throw(TypeError, /`5` \(number\)/);
        expect(() => hl.run({ kind: 'unlink', path: '/data/x' }, { signal: 'x' as never })).to.throw(TypeError);
        await hl.close();
        expect(() => hl.run({ kind: 'unlink', path: '/data/x' }))
          .to.throw(ModuleClosedError)
          .with.property('code', SampleErrorCode.MODULE_CLOSED);
        expect(stack?.engine.calls).to.deep.equal([]);
      });

      it('should reject run() with signal.reason when the signal aborts', async () => {
        const { settings } = build();
        settings.hangNext();
        const controller = new AbortController();
        const promise = hl.run({ kind: 'unlink', path: '/data/x' }, { signal: controller.signal });
        const reason = new Error('abort!');
        controller.abort(reason);
        let error: unknown;
        await promise.catch((e: unknown) => (error = e));
        expect(error).to.equal(reason);
      });
    });
  }
});

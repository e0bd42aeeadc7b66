import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import {
  AtomicSaveModule,
  CancelAllModule,
  HighLevelModule,
  PassThroughModule,
  RetryModule,
  stackLabel,
  type CancellableModule,
  type FileJobValue,
} from '../src/index.js';
import {
  LL_VARIANTS,
  recorder,
  scriptedStack,
  shutDown,
  type LowLevelModule,
  type ScriptedStack,
} from './support/stack.js';

/** A stack as a generic driver sees it: the top module, a request factory, and every module top-down. */
interface Stack {
  readonly top: CancellableModule<unknown, FileJobValue>;
  readonly request: (name: string) => unknown;
  readonly modules: readonly CancellableModule<never, unknown>[];
}

type MiddleName = 'ml-pass-through' | 'ml-retries' | 'ml-chain';
type TopName = 'hl' | 'hl-cancel-all';

function buildStack(ll: LowLevelModule, middle: MiddleName, topName: TopName): Stack {
  const ml =
    middle === 'ml-chain'
      ? new AtomicSaveModule({ lower: ll })
      : middle === 'ml-retries'
        ? new RetryModule({ lower: ll, baseDelayMs: 0 })
        : new PassThroughModule({ lower: ll });
  const lower = ml as CancellableModule<unknown, FileJobValue>;
  const top = topName === 'hl' ? new HighLevelModule({ lower }) : new CancelAllModule({ lower });
  ml.open();
  top.open();
  const request = (name: string): unknown =>
    middle === 'ml-chain'
      ? { path: `/data/${name}`, data: Buffer.from(name) }
      : { kind: 'write-file', path: `/data/${name}`, data: Buffer.from(name) };
  return { top, request, modules: [top, ml, ll] };
}

describe('every stack (HL over ML over LL)', () => {
  let scripted: ScriptedStack | undefined;
  let stack: Stack | undefined;

  afterEach(async () => {
    if (scripted !== undefined && stack !== undefined) await shutDown(scripted.manager, stack.modules);
    if (scripted !== undefined) expect(scripted.engine.openDescriptorCount).to.equal(0);
    scripted = undefined;
    stack = undefined;
  });

  for (const variant of LL_VARIANTS) {
    for (const middle of ['ml-pass-through', 'ml-retries', 'ml-chain'] as const) {
      for (const top of ['hl', 'hl-cancel-all'] as const) {
        describe(stackLabel(top, middle, `ll-${variant}-cancel`), () => {
          it('should save a file and call back exactly once, before start returns', () => {
            scripted = scriptedStack(variant);
            stack = buildStack(scripted.ll, middle, top);
            const job = recorder<FileJobValue>();
            stack.top.start(stack.request('a.txt'), job.callback).release();
            expect(job.results).to.deep.equal([{ status: 'ok', value: { bytes: 5 } }]);
            expect(scripted.engine.readFile('/data/a.txt')?.toString()).to.equal('a.txt');
          });

          it('should report canceled exactly once for a call that never completes', async () => {
            scripted = scriptedStack(variant);
            scripted.settings.hangNext();
            stack = buildStack(scripted.ll, middle, top);
            const job = recorder<FileJobValue>();
            const op = stack.top.start(stack.request('b.txt'), job.callback);
            op.cancel();
            op.release();
            expect((await job.result).status).to.equal('canceled');
            expect(job.results).to.have.length(1);
            expect(scripted.engine.listDirectory('/data')).to.deep.equal([]);
          });

          it('should leave no file behind when canceled right after start on an async engine', async () => {
            scripted = scriptedStack(variant, { completion: 'async' });
            stack = buildStack(scripted.ll, middle, top);
            const job = recorder<FileJobValue>();
            const op = stack.top.start(stack.request('d.txt'), job.callback);
            op.cancel();
            op.release();
            expect((await job.result).status).to.equal('canceled');
            for (const module of stack.modules) await module.close();
            await scripted.manager.whenIdle();
            expect(job.results).to.have.length(1);
            expect(scripted.engine.listDirectory('/data')).to.deep.equal([]);
          });

          it('should close with an operation pending on a manual engine', async () => {
            scripted = scriptedStack(variant, { completion: 'manual' });
            stack = buildStack(scripted.ll, middle, top);
            const job = recorder<FileJobValue>();
            stack.top.start(stack.request('c.txt'), job.callback).release();
            const closed = stack.top.close();
            scripted.engine.completeAll();
            await closed;
            expect(job.results).to.have.length(1);
            // hl-cancel-all's close cancels first; plain hl lets it finish
            expect(job.results[0]?.status).to.equal(top === 'hl' ? 'ok' : 'canceled');
          });
        });
      }
    }
  }
});

import { mochaCheckAfterEach } from 'async-op-race-kit';
import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import {
  buildStack,
  FILE_STACKS,
  isCancelAll,
  stackTitle,
  writeRequest,
  type BuiltStack,
  type FileJobValue,
  type SampleStack,
} from '../src/index.js';
import { LL_VARIANTS, recorder, scriptedStack, shutDown, type ScriptedStack } from './support/stack.js';
import { captureUncaught } from 'async-op-race-kit';

/** Builds `stack` of the registry over the scripted LL (retries without a wait). */
function build(scripted: ScriptedStack, stack: SampleStack): BuiltStack<unknown, FileJobValue> {
  return buildStack(stack, scripted.ll, { retries: { baseDelayMs: 0 } });
}

function requestFor(stack: SampleStack, name: string): unknown {
  return writeRequest(stack, `/data/${name}`, Buffer.from(name));
}

// Every stack of the samples' registry (the list the conformance matrix and the race properties run too)
describe('every stack of the registry, over each file LL', () => {
  let scripted: ScriptedStack | undefined;
  let built: BuiltStack<unknown, FileJobValue> | undefined;

  afterEach(
    mochaCheckAfterEach(async () => {
      const [isScripted, isBuilt] = [scripted, built];
      scripted = undefined;
      built = undefined;
      if (isScripted === undefined) return;
      await shutDown(isScripted.manager, isBuilt?.modules ?? [isScripted.ll]);
      expect(isScripted.engine.openDescriptorCount, 'descriptors left open').to.equal(0);
    }),
  );

  for (const lowLevel of LL_VARIANTS) {
    for (const stack of FILE_STACKS) {
      describe(stackTitle(stack, lowLevel), () => {
        it('should save a file and call back exactly once, before start returns', () => {
          scripted = scriptedStack(lowLevel);
          built = build(scripted, stack);
          const job = recorder<FileJobValue>();
          built.top.start(requestFor(stack, 'a.txt'), job.callback).release();
          expect(job.results).to.deep.equal([{ status: 'ok', value: { bytes: 5 } }]);
          expect(scripted.engine.readFile('/data/a.txt')?.toString()).to.equal('a.txt');
        });

        it('should return from start() and raise the error uncaught when the callback throws inside it', async () => {
          scripted = scriptedStack(lowLevel);
          const top = (built = build(scripted, stack)).top;
          const thrown = new Error('thrown by the callback');
          const statuses: string[] = [];
          const uncaught = await captureUncaught(() => {
            const op = top.start(requestFor(stack, 'e.txt'), (result) => {
              statuses.push(result.status);
              throw thrown;
            });
            expect(top.pendingCount).to.equal(0);
            op.release();
          });
          expect(uncaught).to.deep.equal([thrown]);
          expect(statuses).to.deep.equal(['ok']);
          // docs/reference/contract.md, 'Cancellable modules': the stack is intact and still works
          const next = recorder<FileJobValue>();
          top.start(requestFor(stack, 'f.txt'), next.callback).release();
          expect(next.results.map((result) => result.status)).to.deep.equal(['ok']);
        });

        it('should report canceled exactly once for a call that never completes', async () => {
          scripted = scriptedStack(lowLevel);
          scripted.settings.hangNext();
          built = build(scripted, stack);
          const job = recorder<FileJobValue>();
          const op = built.top.start(requestFor(stack, 'b.txt'), job.callback);
          op.cancel();
          op.release();
          expect((await job.result).status).to.equal('canceled');
          expect(job.results).to.have.length(1);
          expect(scripted.engine.listDirectory('/data')).to.deep.equal([]);
        });

        it('should leave no file behind when canceled right after start on an async engine', async () => {
          scripted = scriptedStack(lowLevel, { completion: 'async' });
          built = build(scripted, stack);
          const job = recorder<FileJobValue>();
          const op = built.top.start(requestFor(stack, 'd.txt'), job.callback);
          op.cancel();
          op.release();
          expect((await job.result).status).to.equal('canceled');
          for (const module of built.modules) await module.close();
          await scripted.manager.whenIdle();
          expect(job.results).to.have.length(1);
          expect(scripted.engine.listDirectory('/data')).to.deep.equal([]);
        });

        it('should close with an operation pending on a manual engine', async () => {
          scripted = scriptedStack(lowLevel, { completion: 'manual' });
          built = build(scripted, stack);
          const job = recorder<FileJobValue>();
          built.top.start(requestFor(stack, 'c.txt'), job.callback).release();
          const closed = built.top.close();
          scripted.engine.completeAll();
          await closed;
          expect(job.results).to.have.length(1);
          // hl-cancel-all's close cancels first; every other top lets it finish
          expect(job.results[0]?.status).to.equal(isCancelAll(stack) ? 'canceled' : 'ok');
        });
      });
    }
  }
});

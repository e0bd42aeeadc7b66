import { mochaCheckAfterEach } from 'async-op-race-kit';
import type { AsyncOp } from 'async-op';
import type { ScriptedEngineOptions } from 'async-op-file';
import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import type { FileJobRequest, FileJobValue, Result } from '../src/index.js';
import { LL_VARIANTS, scriptedStack, shutDownScripted, type ScriptedStack } from './support/stack.js';
import { captureUncaught } from 'async-op-race-kit';

const DATA = Buffer.from('0123456789abcdefghij');

/** The requests of a real job, each completing inside start() over a synchronous engine. */
const SYNC_REQUESTS: readonly FileJobRequest[] = [
  { kind: 'write-file', path: '/data/new.txt', data: DATA, chunkSize: 8 },
  { kind: 'read-file', path: '/data/a.txt', chunkSize: 6 },
  { kind: 'sync-file', path: '/data/a.txt' },
  { kind: 'rename', from: '/data/a.txt', to: '/data/b.txt' },
  { kind: 'unlink', path: '/data/a.txt' },
];

/** A callback that counts its calls and throws `thrown` each time. */
function throwingCallback(thrown: Error): {
  calls: Result<FileJobValue>[];
  callback: (r: Result<FileJobValue>) => void;
} {
  const calls: Result<FileJobValue>[] = [];
  return {
    calls,
    callback: (result) => {
      calls.push(result);
      throw thrown;
    },
  };
}

// docs/reference/contract.md, 'Cancellable modules': a callback that throws is still the operation's one callback
describe('a low-level callback that throws', () => {
  let stack: ScriptedStack | undefined;

  afterEach(
    mochaCheckAfterEach(async () => {
      const built = stack;
      stack = undefined;
      if (built !== undefined) await shutDownScripted(built);
    }),
  );

  function build(variant: (typeof LL_VARIANTS)[number], options: ScriptedEngineOptions = {}): ScriptedStack {
    const built = (stack = scriptedStack(variant, options));
    built.engine.writeFile('/data/a.txt', DATA);
    return built;
  }

  /** Starts `request` with a throwing callback; checks start returned, one callback, counted out, error uncaught. */
  async function expectContained(built: ScriptedStack, request: FileJobRequest): Promise<Result<FileJobValue>> {
    const thrown = new Error('thrown by the callback');
    const { calls, callback } = throwingCallback(thrown);
    let op: AsyncOp<unknown> | undefined;
    const uncaught = await captureUncaught(() => {
      op = built.ll.start(request, callback);
      expect(calls, 'called back inside start()').to.have.length(1);
      expect(built.ll.pendingCount, 'counted out inside start()').to.equal(0);
      expect(op.isReleased).to.equal(false);
    });
    expect(uncaught).to.deep.equal([thrown]);
    expect(calls).to.have.length(1);
    // the caller's reference is still the caller's to release, exactly once
    op?.release();
    return calls[0] as Result<FileJobValue>;
  }

  for (const variant of LL_VARIANTS) {
    describe(variant, () => {
      it('should return from start(), count out once and raise the error uncaught for a scripted sync outcome', async () => {
        const built = build(variant);
        built.settings.completeNextSynchronously();
        const result = await expectContained(built, { kind: 'unlink', path: '/data/a.txt' });
        expect(result).to.deep.equal({ status: 'ok', value: { bytes: 0 } });
        // the module still works
        built.settings.completeNextSynchronously();
        await expectContained(built, { kind: 'unlink', path: '/data/a.txt' });
      });

      for (const request of SYNC_REQUESTS) {
        it(`should contain it when a ${request.kind} job completes inside start() on a sync engine`, async () => {
          const built = build(variant, { completion: 'sync' });
          const result = await expectContained(built, request);
          expect(result.status).to.equal('ok');
          expect(built.engine.openDescriptorCount).to.equal(0);
        });
      }

      it('should contain it when the callback comes from a later engine completion', async () => {
        const built = build(variant, { completion: 'async' });
        const thrown = new Error('thrown later');
        const { calls, callback } = throwingCallback(thrown);
        let op: AsyncOp<unknown> | undefined;
        const uncaught = await captureUncaught(async () => {
          op = built.ll.start({ kind: 'read-file', path: '/data/a.txt' }, callback);
          expect(calls).to.have.length(0);
          await built.ll.close();
        });
        expect(uncaught).to.deep.equal([thrown]);
        expect(calls.map((r) => r.status)).to.deep.equal(['ok']);
        expect(built.ll.pendingCount).to.equal(0);
        built.ll.open();
        op?.release();
      });

      it('should contain it when canceled is reported inside cancel()', async () => {
        const built = build(variant, { completion: 'manual' });
        // fake cancel reports inside cancel() for any job; real cancel for a scripted hang
        if (variant === 'll-real-cancel') built.settings.hangNext();
        const thrown = new Error('thrown inside cancel');
        const { calls, callback } = throwingCallback(thrown);
        const op = built.ll.start({ kind: 'read-file', path: '/data/a.txt' }, callback);
        const uncaught = await captureUncaught(() => {
          expect(op.cancel('stop')).to.equal(true);
          expect(calls.map((r) => r.status)).to.deep.equal(['canceled']);
        });
        expect(uncaught).to.deep.equal([thrown]);
        built.engine.completeAll();
        await built.ll.close();
        built.ll.open();
        expect(calls).to.have.length(1);
        op.release();
      });
    });
  }
});

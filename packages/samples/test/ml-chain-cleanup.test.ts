import { ManualClock, cancelKindOf, isDeadlineError, liveOpTree, type LiveOp } from 'async-op';
import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import {
  AtomicSaveModule,
  HighLevelModule,
  type AtomicSaveRequest,
  type FileJobValue,
  sampleLabel,
} from '../src/index.js';
import { LL_VARIANTS, holdCalls, recorder, shutDown, scriptedStack, type ScriptedStack } from './support/stack.js';

const NEW = Buffer.from('new content');

/** Waits (turns of the event loop, at most 1000) until `isTrue()`. */
async function until(isTrue: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1000 && !isTrue(); turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(isTrue(), 'waited 1000 turns').to.equal(true);
}

/** Every op of the tree, depth first. */
function flatten(roots: readonly LiveOp[]): LiveOp[] {
  return roots.flatMap((op) => [op, ...flatten(op.children)]);
}

describe(`${sampleLabel('ml-chain')}: the removal of the temporary file`, () => {
  for (const variant of LL_VARIANTS) {
    describe(`over ${variant}`, () => {
      let stack: ScriptedStack | undefined;
      let chain: AtomicSaveModule;
      let hl: HighLevelModule<AtomicSaveRequest, FileJobValue>;
      let clock: ManualClock;

      /** HL (a deadline of 1 s) over the chain over the LL; the engine holds every call `isHeld` says. */
      function build(isHeld: (kind: string) => boolean, cleanupTimeoutMs?: number): ScriptedStack {
        clock = new ManualClock();
        const built = scriptedStack(variant, {
          completion: holdCalls((call) => isHeld(call.kind) && !call.isCancelRequested),
        });
        stack = built;
        chain = new AtomicSaveModule({ lower: built.ll, clock, cleanupTimeoutMs });
        chain.open();
        hl = new HighLevelModule({ lower: chain, timeoutMs: 1_000, clock });
        hl.open();
        return built;
      }

      afterEach(async () => {
        if (stack === undefined) return;
        for (const call of [...stack.engine.pendingCalls]) call.complete();
        await shutDown(stack.manager, [hl, chain, stack.ll]);
        expect(stack.engine.openDescriptorCount).to.equal(0);
        stack = undefined;
      });

      it("should remove the temporary file in a shielded op that the chain's canceled op does not reach", async () => {
        // the write is done (the temporary file exists); the sync and the removal's unlink are held
        const { engine } = build((kind) => kind === 'sync' || kind === 'unlink');
        const save = recorder<FileJobValue>();
        const op = hl.start({ path: '/data/doc.txt', data: NEW }, save.callback);
        expect(engine.pendingCalls.map((call) => call.kind)).to.deep.equal(['sync']);
        // the HL deadline passes: HL, chain and sync step are canceled; the chain starts the removal (over fake
        // cancel once the sync, which fake cancel cannot stop, finished)
        clock.advance(1_000);
        if (variant === 'll-fake-cancel') engine.pendingCalls.find((call) => call.kind === 'sync')?.complete();
        const isUnlinkPending = (): boolean => engine.pendingCalls.some((call) => call.kind === 'unlink');
        await until(isUnlinkPending);
        const unlink = engine.pendingCalls.find((call) => call.kind === 'unlink');
        expect(unlink?.isCancelRequested).to.equal(false);
        // the tree shows the removal under the chain's op, shielded, running; its unlink op under it
        const ops = flatten(liveOpTree());
        const removal = ops.find((live) => live.label?.startsWith('ml-chain remove .doc.txt.') === true);
        expect(removal?.isShielded).to.equal(true);
        expect(removal?.state).to.equal('running');
        expect(removal?.children.map((child) => child.label)).to.deep.equal([
          `${variant} unlink ${unlink?.label.match(/\.doc\.txt\.[^']*\.tmp/)?.[0]}`,
        ]);
        expect(ops.find((live) => live.children.includes(removal as LiveOp))?.label).to.equal('ml-chain save doc.txt');
        expect(save.results).to.deep.equal([]);
        unlink?.complete();
        const result = await save.result;
        expect(result.status).to.equal('canceled');
        expect(cancelKindOf(result.error)).to.equal('deadline');
        expect(result.error).to.have.property('origin', 'hl doc.txt');
        expect(engine.listDirectory('/data')).to.deep.equal([]);
        op.release();
      });

      it('should give up the removal at its own deadline, report the outcome, and leave the file named', async () => {
        const { engine } = build((kind) => kind === 'sync' || kind === 'unlink', 5_000);
        const save = recorder<FileJobValue>();
        const op = hl.start({ path: '/data/doc.txt', data: NEW }, save.callback);
        op.cancel();
        if (variant === 'll-fake-cancel') engine.pendingCalls.find((call) => call.kind === 'sync')?.complete();
        await until(() => engine.pendingCalls.some((call) => call.kind === 'unlink'));
        const unlink = engine.pendingCalls.find((call) => call.kind === 'unlink');
        clock.advance(4_999);
        expect(save.results).to.deep.equal([]);
        // the removal's deadline: its unlink op follows it and is canceled (kind parent of a deadline)
        clock.advance(1);
        const result = await save.result;
        expect(result.status).to.equal('canceled');
        expect(cancelKindOf(result.error)).to.equal('explicit');
        expect(isDeadlineError(result.error)).to.equal(false);
        expect(unlink?.state).to.equal('canceled');
        expect(engine.listDirectory('/data').filter((name) => name.endsWith('.tmp'))).to.have.length(1);
        op.release();
      });
    });
  }
});

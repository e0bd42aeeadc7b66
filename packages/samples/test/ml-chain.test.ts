import { mochaCheckAfterEach } from 'async-op-race-kit';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AsyncFileManager } from 'async-op-file';
import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import { AtomicSaveModule, RealCancelFileModule, type FileJobValue, sampleLabel } from '../src/index.js';
import {
  DEFAULT_ENGINE,
  LL_VARIANTS,
  createLowLevel,
  holdCalls,
  recorder,
  scriptedStack,
  shutDown,
  type ScriptedStack,
  shutDownScripted,
} from './support/stack.js';

const OLD = Buffer.from('old content');
const NEW = Buffer.from('new content, longer than the old one');

describe(sampleLabel('ml-chain'), () => {
  for (const variant of LL_VARIANTS) {
    describe(`over ${variant}`, () => {
      let stack: ScriptedStack | undefined;
      let ml: AtomicSaveModule;

      function build(...args: Parameters<typeof scriptedStack> extends [unknown, ...infer Rest] ? Rest : never) {
        const built = scriptedStack(variant, ...args);
        stack = built;
        built.engine.writeFile('/data/doc.txt', OLD);
        ml = new AtomicSaveModule({ lower: built.ll });
        ml.open();
        return built;
      }

      // a failed check fails its test, not the hook (mocha would skip the rest of the describe)
      afterEach(
        mochaCheckAfterEach(async () => {
          const built = stack;
          stack = undefined;
          if (built !== undefined) await shutDownScripted(built, [ml, built.ll]);
        }),
      );

      it('should write, sync and rename over the target, leaving no temporary file', () => {
        const { engine } = build();
        const save = recorder<FileJobValue>();
        ml.start({ path: '/data/doc.txt', data: NEW, chunkSize: 10 }, save.callback).release();
        expect(save.results).to.deep.equal([{ status: 'ok', value: { bytes: NEW.length } }]);
        expect(engine.readFile('/data/doc.txt')?.toString()).to.equal(NEW.toString());
        expect(engine.listDirectory('/data')).to.deep.equal(['doc.txt']);
        const kinds = engine.calls.map((call) => call.kind);
        expect(kinds.indexOf('sync')).to.be.greaterThan(kinds.indexOf('link'));
        expect(kinds.indexOf('rename')).to.be.greaterThan(kinds.indexOf('sync'));
      });

      it('should remove the temporary file and report error when a step fails', async () => {
        const { engine } = build({ inject: (call) => (call.kind === 'sync' ? 'EIO' : undefined) });
        const save = recorder<FileJobValue>();
        ml.start({ path: '/data/doc.txt', data: NEW }, save.callback).release();
        const result = await save.result;
        expect(result.status).to.equal('error');
        expect(result.error).to.have.property('code', 'EIO');
        expect(engine.calls.some((call) => call.kind === 'rename')).to.equal(false);
        expect(engine.listDirectory('/data')).to.deep.equal(['doc.txt']);
        expect(engine.readFile('/data/doc.txt')?.toString()).to.equal(OLD.toString());
      });

      it('should map a retryable LL error to error', async () => {
        const { settings } = build();
        settings.reportRetryable(1);
        const save = recorder<FileJobValue>();
        ml.start({ path: '/data/doc.txt', data: NEW }, save.callback).release();
        expect((await save.result).status).to.equal('error');
      });

      for (const [step, kind] of [
        ['write-file', 'write'],
        ['sync-file', 'sync'],
        ['rename', 'rename'],
      ] as const) {
        it(`should stop at ${step} on cancel, start no further step, and leave the target untouched`, async () => {
          const { engine } = build({ completion: holdCalls((call) => call.kind === kind && !call.isCancelRequested) });
          const save = recorder<FileJobValue>();
          const op = ml.start({ path: '/data/doc.txt', data: NEW }, save.callback);
          expect(engine.pendingCalls.map((call) => call.kind)).to.deep.equal([kind]);
          const callsBefore = engine.calls.length;
          op.cancel();
          op.release();
          const result = await save.result;
          expect(result.status).to.equal('canceled');
          // let any held call finish (fake cancel leaves it running), then check what ran after the cancel
          for (const call of [...engine.pendingCalls]) call.complete();
          await ml.close();
          await stack?.ll.close();
          await stack?.manager.whenIdle();
          const after = engine.calls.slice(callsBefore).map((call) => call.kind);
          if (kind !== 'rename') expect(after).to.not.include('rename');
          if (kind === 'write') expect(after).to.not.include('sync');
          expect(engine.listDirectory('/data')).to.deep.equal(['doc.txt']);
          expect(engine.readFile('/data/doc.txt')?.toString()).to.equal(OLD.toString());
          expect(save.results).to.have.length(1);
        });
      }

      it('defect (a): after a first step that completed synchronously, cancel must reach the second step', async () => {
        // write-file completes inside its start (synchronous engine); sync-file's fsync is held
        const { engine } = build({ completion: holdCalls((call) => call.kind === 'sync') });
        const save = recorder<FileJobValue>();
        const op = ml.start({ path: '/data/doc.txt', data: NEW }, save.callback);
        expect(engine.pendingCalls.map((call) => call.kind)).to.deep.equal(['sync']);
        // with the defect, the finished write-file op was stored over the sync-file op: this cancel would go to a
        // finished op, the fsync would never be canceled and the chain would go on to rename
        expect(() => op.cancel()).to.not.throw();
        op.release();
        const fsync = engine.calls.find((call) => call.kind === 'sync');
        if (variant === 'll-real-cancel') expect(fsync?.state).to.equal('canceled');
        else fsync?.complete();
        expect((await save.result).status).to.equal('canceled');
        await ml.close();
        await stack?.ll.close();
        expect(engine.calls.some((call) => call.kind === 'rename')).to.equal(false);
        expect(engine.listDirectory('/data')).to.deep.equal(['doc.txt']);
        expect(save.results).to.have.length(1);
      });

      it('should make close() wait for the undo of a failed save', async () => {
        const { engine } = build({ completion: 'manual' });
        const order: string[] = [];
        const save = recorder<FileJobValue>(() => order.push('callback'));
        const op = ml.start({ path: '/data/doc.txt', data: NEW }, save.callback);
        const closed = ml.close().then(() => order.push('closed'));
        engine.completeAll();
        await closed;
        op.release();
        expect(order).to.deep.equal(['callback', 'closed']);
      });

      it('should let a callback close its own module', async () => {
        build();
        let closed: Promise<void> | undefined;
        ml.start({ path: '/data/doc.txt', data: NEW }, () => {
          closed = ml.close();
        }).release();
        expect(closed).to.be.instanceOf(Promise);
        await closed;
        expect(ml.state).to.equal('closed');
      });

      it('should throw for a bad request and never call back', () => {
        build();
        const save = recorder<FileJobValue>();
        expect(() => ml.start({ path: '', data: NEW }, save.callback)).to.throw(TypeError);
        expect(() => ml.start({ path: '/data/a', data: 'text' as never }, save.callback)).to.throw(TypeError);
        expect(save.results).to.have.length(0);
        expect(ml.pendingCount).to.equal(0);
      });
    });
  }

  describe(`on real files (${DEFAULT_ENGINE})`, () => {
    let dir: string;
    let manager: AsyncFileManager;

    beforeEach(() => {
      dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'samples-chain-')));
      manager = new AsyncFileManager();
    });

    afterEach(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    for (const variant of LL_VARIANTS) {
      it(`should replace an existing file atomically over ${variant}`, async () => {
        const target = path.join(dir, 'doc.txt');
        fs.writeFileSync(target, OLD);
        const ll = createLowLevel(variant, manager);
        ll.open();
        const ml = new AtomicSaveModule({ lower: ll });
        ml.open();
        const save = recorder<FileJobValue>();
        ml.start({ path: target, data: NEW }, save.callback).release();
        expect(await save.result).to.deep.equal({ status: 'ok', value: { bytes: NEW.length } });
        expect(fs.readFileSync(target).toString()).to.equal(NEW.toString());
        expect(fs.readdirSync(dir)).to.deep.equal(['doc.txt']);
        await shutDown(manager, [ml, ll]);
      });
    }

    it('should leave the old file and no temporary file when canceled (real cancel)', async () => {
      const target = path.join(dir, 'doc.txt');
      fs.writeFileSync(target, OLD);
      const ll = new RealCancelFileModule({ manager });
      ll.open();
      const ml = new AtomicSaveModule({ lower: ll });
      ml.open();
      const save = recorder<FileJobValue>();
      const op = ml.start({ path: target, data: Buffer.alloc(1 << 20, 3), chunkSize: 4096 }, save.callback);
      op.cancel();
      op.release();
      expect((await save.result).status).to.equal('canceled');
      await shutDown(manager, [ml, ll]);
      expect(fs.readdirSync(dir)).to.deep.equal(['doc.txt']);
      expect(fs.readFileSync(target).toString()).to.equal(OLD.toString());
    });
  });
});

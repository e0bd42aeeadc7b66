import { mochaCheckAfterEach } from 'async-op-race-kit';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AsyncFileManager, ENGINE_ENV, selectEngine } from 'async-op-file';
import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import type { FileJobRequest, FileJobValue } from '../../src/index.js';
import { closeFailsAfterClosing } from './failing-close.js';
import {
  DEFAULT_ENGINE,
  createLowLevel,
  holdCalls,
  recorder,
  scriptedStack,
  shutDown,
  shutDownScripted,
  type LowLevelVariant,
  type ScriptedStack,
} from './stack.js';

const DATA = Buffer.from('0123456789abcdefghij');

/** One request of each kind, over files in /data; the engine call each one starts with. */
const FIRST_ACTIONS: readonly (readonly [FileJobRequest, string])[] = [
  [{ kind: 'write-file', path: '/data/new.txt', data: DATA }, 'createAnonymous'],
  [{ kind: 'read-file', path: '/data/a.txt' }, 'openExisting'],
  [{ kind: 'sync-file', path: '/data/a.txt' }, 'openExisting'],
  [{ kind: 'rename', from: '/data/a.txt', to: '/data/b.txt' }, 'rename'],
  [{ kind: 'unlink', path: '/data/a.txt' }, 'unlink'],
];

/**
 * What real and fake cancel must answer alike: nothing starts after a cancel, no new name is left after `canceled`,
 * and a decided outcome (the work done, only the close left) stays `ok`, close error or not.
 */
export function describeLowLevelCancelContract(variant: LowLevelVariant): void {
  describe('cancel and close errors, as both LL variants answer them', () => {
    let stack: ScriptedStack | undefined;

    // a failed check fails its test, not the hook (mocha would skip the rest of the describe)
    afterEach(
      mochaCheckAfterEach(async () => {
        const built = stack;
        stack = undefined;
        if (built !== undefined) await shutDownScripted(built);
      }),
    );

    for (const [request, firstCall] of FIRST_ACTIONS) {
      it(`should never run the queued ${firstCall} of a canceled ${request.kind}`, async () => {
        stack = scriptedStack(variant, { completion: 'manual' }, 1);
        const { engine, ll } = stack;
        engine.writeFile('/data/a.txt', DATA);
        // the one slot is busy: the job's first action waits in the queue
        const blocker = recorder<FileJobValue>();
        ll.start({ kind: 'unlink', path: '/data/blocker' }, blocker.callback).release();
        const job = recorder<FileJobValue>();
        const op = ll.start(request, job.callback);
        expect(engine.calls.map((call) => call.kind)).to.deep.equal(['unlink']);
        expect(op.cancel()).to.equal(true);
        op.release();
        while (engine.pendingCalls.length > 0) {
          engine.completeAll();
          await stack.manager.whenIdle();
        }
        await ll.close();
        expect(job.results.map((result) => result.status)).to.deep.equal(['canceled']);
        expect(engine.calls.map((call) => call.kind)).to.deep.equal(['unlink']);
        expect(engine.listDirectory('/data')).to.deep.equal(['a.txt']);
      });
    }

    it('should report ok, and keep the file, for a write-file canceled during its final close', async () => {
      stack = scriptedStack(variant, { completion: holdCalls((call) => call.kind === 'close') });
      const job = recorder<FileJobValue>();
      const op = stack.ll.start({ kind: 'write-file', path: '/data/new.txt', data: DATA }, job.callback);
      expect(stack.engine.pendingCalls.map((call) => call.kind)).to.deep.equal(['close']);
      op.cancel();
      op.release();
      expect(job.results, 'nothing reported while the close runs').to.deep.equal([]);
      stack.engine.completeAll();
      expect(await job.result).to.deep.equal({ status: 'ok', value: { bytes: DATA.length } });
      await stack.ll.close();
      expect(job.results).to.have.length(1);
      expect(stack.engine.readFile('/data/new.txt')?.toString()).to.equal(DATA.toString());
    });

    it('should report ok with the close error when the final close of a written file fails (EINTR)', async () => {
      // the scripted engine releases the descriptor of a close it fails, as Linux does
      stack = scriptedStack(variant, { inject: (call) => (call.kind === 'close' ? 'EINTR' : undefined) });
      const job = recorder<FileJobValue>();
      stack.ll.start({ kind: 'write-file', path: '/data/new.txt', data: DATA }, job.callback).release();
      const result = await job.result;
      expect(result.status).to.equal('ok');
      expect(result.value?.bytes).to.equal(DATA.length);
      expect(result.value?.closeError).to.have.property('code', 'EINTR');
      expect(stack.engine.readFile('/data/new.txt')?.toString()).to.equal(DATA.toString());
    });

    it('should report ok with the data and the close error when the close after a read fails (EIO)', async () => {
      stack = scriptedStack(variant, { inject: (call) => (call.kind === 'close' ? 'EIO' : undefined) });
      stack.engine.writeFile('/data/a.txt', DATA);
      const job = recorder<FileJobValue>();
      stack.ll.start({ kind: 'read-file', path: '/data/a.txt' }, job.callback).release();
      const result = await job.result;
      expect(result.status).to.equal('ok');
      expect(result.value?.data?.toString()).to.equal(DATA.toString());
      expect(result.value?.closeError).to.have.property('code', 'EIO');
    });

    it('should report the error, not canceled, for a cancel after the job failed', async () => {
      stack = scriptedStack(variant, {
        completion: holdCalls((call) => call.kind === 'close'),
        inject: (call) => (call.kind === 'link' ? 'EIO' : undefined),
      });
      const job = recorder<FileJobValue>();
      const op = stack.ll.start({ kind: 'write-file', path: '/data/new.txt', data: DATA }, job.callback);
      // the link failed: the job closes its file before it reports the error
      expect(stack.engine.pendingCalls.map((call) => call.kind)).to.deep.equal(['close']);
      op.cancel();
      op.release();
      stack.engine.completeAll();
      const result = await job.result;
      expect(result.status).to.equal('error');
      expect(result.error).to.have.property('code', 'EIO');
      await stack.ll.close();
      expect(stack.engine.listDirectory('/data')).to.deep.equal([]);
    });

    it(`should report ok with the close error on real files (${DEFAULT_ENGINE}) when the final close fails`, async () => {
      const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'samples-close-error-')));
      const engine = selectEngine(process.env[ENGINE_ENV] === 'io_uring' ? 'io_uring' : 'node-fs').engine;
      const manager = new AsyncFileManager({ engine: closeFailsAfterClosing(engine, 'EINTR') });
      const ll = createLowLevel(variant, manager);
      ll.open();
      try {
        const target = path.join(dir, 'new.txt');
        const job = recorder<FileJobValue>();
        ll.start({ kind: 'write-file', path: target, data: DATA }, job.callback).release();
        const result = await job.result;
        expect(result.status).to.equal('ok');
        expect(result.value?.closeError).to.have.property('code', 'EINTR');
        expect(fs.readFileSync(target).toString()).to.equal(DATA.toString());
      } finally {
        await shutDown(manager, [ll]);
        await manager.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

import { ManualClock } from 'async-op';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AsyncFileManager } from 'async-op-file';
import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import {
  AtomicSaveModule,
  CancelAllModule,
  ModuleClosedError,
  PassThroughModule,
  type AtomicSaveRequest,
  type FileJobRequest,
  type FileJobValue,
  type Result,
  sampleLabel,
} from '../src/index.js';
import { LL_VARIANTS, createLowLevel, recorder, scriptedStack, shutDown, type ScriptedStack } from './support/stack.js';

describe(sampleLabel('hl-cancel-all'), () => {
  for (const variant of LL_VARIANTS) {
    describe(`over ml-pass-through over ${variant}`, () => {
      let stack: ScriptedStack | undefined;
      let ml: PassThroughModule<FileJobRequest, FileJobValue>;
      let hl: CancelAllModule<FileJobRequest, FileJobValue>;

      let clock: ManualClock;

      function build(completion: 'sync' | 'manual' = 'sync', concurrency = 4): ScriptedStack {
        clock = new ManualClock();
        const built = scriptedStack(variant, { completion }, concurrency, undefined, clock);
        stack = built;
        ml = new PassThroughModule({ lower: built.ll });
        ml.open();
        hl = new CancelAllModule({ lower: ml });
        hl.open();
        return built;
      }

      afterEach(async () => {
        if (stack !== undefined) await shutDown(stack.manager, [hl, ml, stack.ll]);
        stack = undefined;
      });

      it('should cancel every pending operation once and release every tracked entry', async () => {
        const { settings } = build();
        settings.hangNext().hangNext().hangNext();
        const jobs = [0, 1, 2].map(() => recorder<FileJobValue>());
        const ops = jobs.map((job) => hl.start({ kind: 'unlink', path: '/data/a' }, job.callback));
        expect(hl.trackedCount).to.equal(3);
        expect(hl.cancelAll('sweep')).to.equal(3);
        expect(hl.trackedCount).to.equal(0);
        for (const job of jobs) expect(await job.result).to.deep.equal({ status: 'canceled', error: 'sweep' });
        expect(hl.cancelAll()).to.equal(0);
        for (const op of ops) op.release();
        for (const job of jobs) expect(job.results).to.have.length(1);
      });

      it('should start no queued job after cancelAll(): only the one in the slot ran', async () => {
        const { engine } = build('manual', 1);
        const jobs = [0, 1, 2, 3, 4].map(() => recorder<FileJobValue>());
        const ops = jobs.map((job, i) =>
          hl.start({ kind: 'write-file', path: `/data/f${i}`, data: Buffer.from('x') }, job.callback),
        );
        expect(hl.cancelAll()).to.equal(5);
        for (const op of ops) op.release();
        while (engine.pendingCalls.length > 0) {
          engine.completeAll();
          await stack?.manager.whenIdle();
        }
        for (const job of jobs) expect((await job.result).status).to.equal('canceled');
        // the first job's open was in the slot; the four others waited in the queue and were withdrawn
        expect(engine.calls.filter((call) => call.kind === 'createAnonymous')).to.have.length(1);
        expect(engine.listDirectory('/data')).to.deep.equal([]);
      });

      it('should release the entry on completion, so a later sweep finds nothing', async () => {
        build('manual');
        const job = recorder<FileJobValue>();
        hl.start({ kind: 'unlink', path: '/data/none' }, job.callback).release();
        expect(hl.trackedCount).to.equal(1);
        stack?.engine.completeAll();
        await job.result;
        expect(hl.trackedCount).to.equal(0);
        expect(hl.cancelAll()).to.equal(0);
      });

      it('should not track an operation that completed before start returned', () => {
        build();
        const job = recorder<FileJobValue>();
        hl.start({ kind: 'write-file', path: '/data/a', data: Buffer.from('x') }, job.callback).release();
        expect(job.results.map((r) => r.status)).to.deep.equal(['ok']);
        expect(hl.trackedCount).to.equal(0);
      });

      it('should cancel an operation started during the sweep', async () => {
        const { settings } = build();
        settings.hangNext().hangNext();
        const late = recorder<FileJobValue>();
        const lateOps: ReturnType<typeof hl.start>[] = [];
        const first = recorder<FileJobValue>(() => {
          // started from a callback that the sweep's cancel caused
          lateOps.push(hl.start({ kind: 'unlink', path: '/data/b' }, late.callback));
        });
        const op = hl.start({ kind: 'unlink', path: '/data/a' }, first.callback);
        hl.cancelAll();
        // fake cancel calls back inside cancel; real cancel of a hung call too (nothing was running)
        expect(first.results.map((r) => r.status)).to.deep.equal(['canceled']);
        expect(late.results.map((r) => r.status)).to.deep.equal(['canceled']);
        expect(hl.trackedCount).to.equal(0);
        op.release();
        for (const lateOp of lateOps) lateOp.release();
      });

      it('should not cancel twice what the caller canceled first', () => {
        const { settings } = build();
        settings.hangNext();
        const job = recorder<FileJobValue>();
        const op = hl.start({ kind: 'unlink', path: '/data/a' }, job.callback);
        expect(op.cancel()).to.equal(true);
        expect(hl.cancelAll()).to.equal(0);
        op.release();
        expect(job.results).to.have.length(1);
      });

      it('should make close() refuse starts, cancel everything and resolve after every callback', async () => {
        const { settings } = build();
        settings.hangNext().delayNext(20); // fake cancel keeps the delayed call until its timer fires
        const order: string[] = [];
        const a = recorder<FileJobValue>(() => order.push('a'));
        const b = recorder<FileJobValue>(() => order.push('b'));
        const ops = [
          hl.start({ kind: 'unlink', path: '/data/a' }, a.callback),
          hl.start({ kind: 'unlink', path: '/data/b' }, b.callback),
        ];
        const closed = hl.close().then(() => order.push('closed'));
        // the sweep cancels the newest first (what waits in a queue is withdrawn before what holds a slot); over
        // fake cancel both callbacks came inside close(), and the delayed call waits for its timer (cleanup)
        expect(order).to.deep.equal(['b', 'a']);
        clock.advance(20);
        await closed;
        expect(order).to.deep.equal(['b', 'a', 'closed']);
        expect(() => hl.start({ kind: 'unlink', path: '/data/a' }, () => {})).to.throw(ModuleClosedError);
        for (const op of ops) op.release();
      });

      it('should accept close() from inside one of its callbacks', async () => {
        const { settings } = build();
        settings.hangNext().hangNext();
        let closed: Promise<void> | undefined;
        const results: Result<FileJobValue>[] = [];
        const ops = [0, 1].map(() =>
          hl.start({ kind: 'unlink', path: '/data/a' }, (result) => {
            results.push(result);
            closed ??= hl.close();
          }),
        );
        ops[0]?.cancel();
        await closed;
        expect(results.map((r) => r.status)).to.deep.equal(['canceled', 'canceled']);
        for (const op of ops) op.release();
      });
    });
  }

  it('should cancel every pending atomic save on real files and leave no temporary file', async () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'samples-cancel-all-')));
    try {
      const manager = new AsyncFileManager({ concurrency: 2 });
      const ll = createLowLevel('ll-real-cancel', manager);
      ll.open();
      const ml = new AtomicSaveModule({ lower: ll });
      ml.open();
      const hl = new CancelAllModule<AtomicSaveRequest, FileJobValue>({ lower: ml });
      hl.open();
      const jobs = [0, 1, 2, 3].map((i) => {
        const job = recorder<FileJobValue>();
        hl.start(
          { path: path.join(dir, `f${i}`), data: Buffer.alloc(256 * 1024, i), chunkSize: 4096 },
          job.callback,
        ).release();
        return job;
      });
      await hl.close();
      for (const job of jobs) expect(['canceled', 'ok']).to.include((await job.result).status);
      await shutDown(manager, [hl, ml, ll]);
      const left = fs.readdirSync(dir);
      expect(left.filter((name) => name.endsWith('.tmp'))).to.deep.equal([]);
      const saved = jobs.filter((job) => job.results[0]?.status === 'ok').length;
      expect(left).to.have.length(saved);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AsyncFileManager } from 'async-op-file';
import { LeakTracker, type AsyncOp } from 'async-op';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import {
  AtomicSaveModule,
  CancelAllModule,
  DataDetachedError,
  HighLevelModule,
  PassThroughModule,
  RetryModule,
  SampleErrorCode,
  type CancellableModule,
  type FileJobRequest,
  type FileJobValue,
} from '../src/index.js';
import {
  detachedBytes,
  expectNamedRefusal,
  hostileChunkSize,
  hostileData,
  hostilePath,
  hostileValue,
  mostly,
} from './support/hostile-values.js';
import {
  DEFAULT_ENGINE,
  LL_VARIANTS,
  createLowLevel,
  recorder,
  scriptedStack,
  shutDown,
  type LowLevelVariant,
} from './support/stack.js';

const SHAPES = ['ll', 'ml/ll', 'retries/ll', 'chain/ll', 'hl/ml/ll', 'cancel-all/chain/retries/ll'] as const;
type Shape = (typeof SHAPES)[number];

const KINDS = ['write-file', 'read-file', 'sync-file', 'rename', 'unlink'] as const;

/** A file job request with any field hostile (or the whole request). */
const hostileJobRequest: fc.Arbitrary<unknown> = mostly(
  fc.record(
    {
      kind: mostly(fc.constantFrom(...KINDS), hostileValue),
      path: mostly(hostilePath, hostileValue),
      from: mostly(hostilePath, hostileValue),
      to: mostly(hostilePath, hostileValue),
      data: hostileData,
      chunkSize: hostileChunkSize,
    },
    { requiredKeys: ['kind'] },
  ),
  hostileValue,
);

/** An atomic save request with any field hostile (or the whole request). */
const hostileSaveRequest: fc.Arbitrary<unknown> = mostly(
  fc.record(
    { path: mostly(hostilePath, hostileValue), data: hostileData, chunkSize: hostileChunkSize },
    { requiredKeys: ['path'] },
  ),
  hostileValue,
);

/** The fields a refusal may name, read once from a hostile request. */
function namedFields(request: unknown): Record<string, unknown> {
  const fields: Record<string, unknown> = { request, callback: undefined };
  if (typeof request !== 'object' || request === null) return fields;
  for (const key of ['kind', 'path', 'from', 'to', 'data', 'chunkSize']) {
    fields[`request.${key}`] = (request as Record<string, unknown>)[key];
  }
  return fields;
}

/** Builds `shape` over a scripted LL of `variant`; /data holds a.txt. */
function build(shape: Shape, variant: LowLevelVariant, isSync: boolean) {
  const scripted = scriptedStack(variant, { completion: isSync ? 'sync' : 'async' });
  scripted.engine.writeFile('/data/a.txt', 'some bytes');
  type Module = CancellableModule<unknown, FileJobValue>;
  let lower = scripted.ll as Module;
  const modules: Module[] = [lower];
  const add = (module: Module): void => {
    module.open();
    modules.unshift(module);
    lower = module;
  };
  for (const layer of shape.split('/').reverse().slice(1)) {
    if (layer === 'ml') add(new PassThroughModule({ lower }));
    if (layer === 'retries') add(new RetryModule({ lower, baseDelayMs: 0, maxAttempts: 2 }) as Module);
    if (layer === 'chain') add(new AtomicSaveModule({ lower: lower as never }) as Module);
    if (layer === 'hl') add(new HighLevelModule({ lower }));
    if (layer === 'cancel-all') add(new CancelAllModule({ lower }));
  }
  return { ...scripted, top: lower, modules: modules as CancellableModule<never, unknown>[] };
}

/** Lets timers (the async engine, a retry's backoff) and promise reactions run. */
function nextTimerTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

describe('every sample under hostile requests (scripted engine)', () => {
  it('should refuse a bad request at once, naming the value, or call back exactly once with a coded error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SHAPES),
        fc.constantFrom(...LL_VARIANTS),
        fc.boolean(),
        hostileJobRequest,
        hostileSaveRequest,
        fc.constantFrom('none', 'at once', 'later'),
        hostileValue,
        async (shape, variant, isSync, jobRequest, saveRequest, cancel, reason) => {
          const mark = LeakTracker.mark();
          const stack = build(shape, variant, isSync);
          const request = shape.includes('chain') ? saveRequest : jobRequest;
          const results: unknown[] = [];
          let op: AsyncOp<unknown> | undefined;
          try {
            op = stack.top.start(request, (result) => results.push(result));
          } catch (error) {
            expectNamedRefusal(error, namedFields(request));
          }
          if (op !== undefined && cancel === 'at once') op.cancel(reason);
          await nextTimerTurn();
          if (op !== undefined && cancel === 'later') op.cancel(reason);
          for (let turn = 0; turn < 20 && (stack.top.pendingCount > 0 || stack.manager.pendingCount > 0); turn++) {
            await nextTimerTurn();
          }
          op?.release();
          await shutDown(stack.manager, stack.modules);
          expect(results, 'callbacks').to.have.length(op === undefined ? 0 : 1);
          const result = results[0] as { status: string; error?: unknown } | undefined;
          if (result !== undefined && result.status !== 'ok' && result.status !== 'canceled') {
            expect((result.error as { code?: unknown } | undefined)?.code, String(result.error)).to.be.a('string');
          }
          expect(stack.engine.openDescriptorCount, 'descriptors left open').to.equal(0);
          expect(stack.engine.violations).to.deep.equal([]);
          expect(LeakTracker.liveReferences(mark), 'unreleased AsyncOp references').to.deep.equal([]);
        },
      ),
    );
  });

  for (const variant of LL_VARIANTS) {
    it(`should end a write-file whose data was detached after start() with ERR_DATA_DETACHED, naming no file (${variant})`, async () => {
      const stack = scriptedStack(variant, { completion: 'manual' });
      const data = new Uint8Array(64).fill(1);
      const job = recorder<FileJobValue>();
      stack.ll.start({ kind: 'write-file', path: '/data/new.txt', data, chunkSize: 16 }, job.callback).release();
      // detached while the anonymous file is being created: no write of it is in flight yet (a write in flight
      // meets the detached buffer in the engine, which must report it as that write's error)
      structuredClone(data.buffer, { transfer: [data.buffer] });
      while (stack.engine.pendingCalls.length > 0 || job.results.length === 0) {
        stack.engine.completeAll();
        await nextTimerTurn();
      }
      const result = await job.result;
      expect(result.status).to.equal('error');
      expect(result.error).to.be.instanceOf(DataDetachedError);
      expect(result.error).to.have.property('code', SampleErrorCode.DATA_DETACHED);
      expect(stack.engine.calls.filter((call) => call.kind === 'link')).to.deep.equal([]);
      expect(stack.engine.listDirectory('/data')).to.deep.equal([]);
      await shutDown(stack.manager, [stack.ll]);
      expect(stack.engine.openDescriptorCount).to.equal(0);
    });
  }

  it('should refuse detached data at start(), saying it is detached', () => {
    const stack = scriptedStack('ll-real-cancel');
    const callback = (): void => undefined;
    expect(() => stack.ll.start({ kind: 'write-file', path: '/data/x', data: detachedBytes() }, callback)).to.throw(
      TypeError,
      'got a detached Uint8Array',
    );
    const chain = new AtomicSaveModule({ lower: stack.ll });
    chain.open();
    expect(() => chain.start({ path: '/data/x', data: detachedBytes() }, callback)).to.throw(TypeError, /detached/);
    expect(() => chain.start({ path: '/data/', data: new Uint8Array(1) }, callback)).to.throw(TypeError, /name a file/);
    expect(stack.engine.calls).to.deep.equal([]);
    return shutDown(stack.manager, [chain, stack.ll]);
  });
});

describe(`every LL under hostile paths on real files (${DEFAULT_ENGINE})`, () => {
  it('should call back exactly once, with ok or a coded error, and leave no descriptor open', async () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'samples-hostile-')));
    fs.writeFileSync(path.join(dir, 'a.txt'), 'some bytes');
    fs.mkdirSync(path.join(dir, 'sub'));
    // destructive jobs (write, rename, unlink) only ever name paths inside `dir`; reads and syncs also odd places
    const inside = fc.constantFrom('a.txt', 'sub', 'missing', 'sub/new', 'nowhere/x', 'n'.repeat(300), '.', '..x');
    const insidePath = inside.map((name) => path.join(dir, name));
    const readable = fc.oneof(insidePath, fc.constantFrom(dir, '/dev/null', '/proc/self/status', '/proc/self/fd'));
    const request = fc.oneof(
      fc.record({ kind: fc.constant('read-file'), path: readable, chunkSize: fc.constantFrom(1, 7, 2 ** 31 - 1) }),
      fc.record({ kind: fc.constant('sync-file'), path: readable }),
      fc.record({ kind: fc.constant('write-file'), path: insidePath, data: fc.uint8Array({ maxLength: 64 }) }),
      fc.record({ kind: fc.constant('unlink'), path: insidePath }),
      fc.record({ kind: fc.constant('rename'), from: insidePath, to: insidePath }),
    );
    const manager = new AsyncFileManager();
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...LL_VARIANTS), request, fc.boolean(), async (variant, job, cancels) => {
          const ll = createLowLevel(variant, manager);
          ll.open();
          const results: { status: string; error?: unknown }[] = [];
          const op = ll.start(job as FileJobRequest, (result) => results.push(result));
          if (cancels) op.cancel();
          op.release();
          await ll.close();
          await manager.whenIdle();
          ll.destroy();
          expect(results, JSON.stringify(job)).to.have.length(1);
          const result = results[0] as { status: string; error?: unknown };
          if (result.status === 'error' || result.status === 'error-can-retry') {
            expect((result.error as { code?: unknown }).code, String(result.error)).to.be.a('string');
          }
        }),
        { numRuns: 60 },
      );
    } finally {
      await manager.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

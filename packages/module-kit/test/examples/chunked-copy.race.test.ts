// The race test of the kit guide's chunked copy, on the scripted engine under fast-check's scheduler.
// NOTE for the lead: written with fast-check's scheduler directly because the race-testing kit (async-op-race-kit) was
// being built at the same time; port it onto that kit's scheduler glue, cancel strategies and invariant checks once
// it has landed (this file keeps the same strategies and invariants, so the port is a like-for-like swap).
import path from 'node:path';
import { LeakTracker, type AsyncOp } from 'async-op';
import { AsyncFileManager, PromiseFileManager, ScriptedEngine, type ScriptedCall } from 'async-op-file';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { startChunkedCopy } from '../../examples/chunked-copy.js';
import { startTask, type Result, type StartCallback } from '../../src/index.js';

const CHUNK = 64 * 1024;
const DIRECTORY = '/d';
const SOURCE = `${DIRECTORY}/source.bin`;
const TARGET = `${DIRECTORY}/copy.bin`;

/** A start function of the chunked copy's shape, so a broken variant can run under the same property. */
type StartCopy = (
  manager: AsyncFileManager,
  request: { readonly from: string; readonly to: string },
  callback: StartCallback<number>,
) => AsyncOp<unknown>;

/**
 * When the test cancels: never; as a task of the scheduler (anywhere in the interleaving); or right after the n-th
 * engine completion, before anything that completion resolves has run (the strategy that lands a cancel between an
 * action's effect and the code after its `await`, where "canceled" would be a lie).
 */
type CancelStrategy =
  { readonly kind: 'none' } | { readonly kind: 'scheduled' } | { readonly kind: 'after'; readonly completions: number };

const cancelStrategy: fc.Arbitrary<CancelStrategy> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'none' } as const), weight: 1 },
  { arbitrary: fc.constant({ kind: 'scheduled' } as const), weight: 2 },
  {
    arbitrary: fc.record({ kind: fc.constant('after' as const), completions: fc.integer({ min: 1, max: 12 }) }),
    weight: 3,
  },
);

/** Sizes around the chunk boundaries (empty, one byte, one chunk, one more), and any up to three chunks and one. */
const copySize = fc.oneof(
  fc.constantFrom(0, 1, CHUNK - 1, CHUNK, CHUNK + 1),
  fc.integer({ min: 0, max: 3 * CHUNK + 1 }),
);

/** A fault on one engine call in ten or so (EIO, or EAGAIN where it would be retryable), none elsewhere. */
const faults = fc.func(fc.constantFrom<string | undefined>(...Array<undefined>(9).fill(undefined), 'EIO', 'EAGAIN'));

/** What one run observed, checked against the invariants. */
interface Run {
  readonly results: Result<number>[];
  /** engine.calls.length when a cancel won; undefined if none did. */
  readonly callsAtCancel: number | undefined;
}

/** Runs one copy of `size` bytes on a scripted engine whose completions (and faults) the scheduler orders. */
async function raceOnce(
  start: StartCopy,
  s: fc.Scheduler,
  size: number,
  hasTarget: boolean,
  strategy: CancelStrategy,
  fault: (index: number) => string | undefined,
): Promise<{ run: Run; engine: ScriptedEngine; data: Buffer }> {
  const mark = LeakTracker.mark();
  // set once start() returned; a cancel strategy may fire only after that
  const started: { op?: AsyncOp<unknown> } = {};
  let callsAtCancel: number | undefined;
  let completions = 0;
  const cancel = (): void => {
    if (started.op?.cancel('race cancel') === true) callsAtCancel = engine.calls.length;
  };
  // #region strategies
  const engine: ScriptedEngine = new ScriptedEngine({
    completion: (call: ScriptedCall) => {
      void s.schedule(Promise.resolve(call.label)).then(() => {
        call.complete();
        if (strategy.kind === 'after' && ++completions === strategy.completions) cancel();
      });
    },
    // a close releases its descriptor whatever it reports (Linux): the scripted engine's injected failures have no
    // effect at all, so they are kept off closes
    inject: (call) => (call.kind === 'close' ? undefined : fault(call.id)),
  });
  engine.addDirectory(DIRECTORY);
  const data = Buffer.alloc(size, 0x5a);
  engine.writeFile(SOURCE, data);
  if (hasTarget) engine.writeFile(TARGET, 'old');
  const manager = new AsyncFileManager({ engine });
  const results: Result<number>[] = [];
  const op = (started.op = start(manager, { from: SOURCE, to: TARGET }, (result) => results.push(result)));
  if (strategy.kind === 'scheduled') void s.schedule(Promise.resolve('cancel')).then(cancel);
  // #endregion
  // the body's awaits resume in microtasks between the scheduled completions: wait until both are done
  while (results.length === 0 && s.count() > 0) await s.waitIdle();
  await new Promise((resolve) => setImmediate(resolve));
  op.release();
  await manager.close();
  expect(LeakTracker.liveReferences(mark), 'unreleased AsyncOp references').to.deep.equal([]);
  return { run: { results, callsAtCancel }, engine, data };
}

/** The invariants: exactly one callback; ok means the whole copy exists; otherwise the target is as it was. */
function checkInvariants(run: Run, engine: ScriptedEngine, data: Buffer, hasTarget: boolean): void {
  expect(run.results, 'callbacks').to.have.length(1);
  const result = run.results[0] as Result<number>;
  if (result.status === 'canceled') expect(run.callsAtCancel, 'canceled without a cancel').to.not.equal(undefined);
  const target = engine.readFile(TARGET);
  if (result.status === 'ok') {
    expect(result.value).to.equal(data.length);
    expect(target?.equals(data), 'ok, but the target does not hold the copy').to.equal(true);
  } else {
    // canceled or failed: the target is untouched (absent, or the old content)
    expect(target?.toString(), `${result.status}, but the target changed`).to.equal(hasTarget ? 'old' : undefined);
  }
  expect(engine.listDirectory(DIRECTORY).sort()).to.deep.equal(
    hasTarget || result.status === 'ok' ? ['copy.bin', 'source.bin'] : ['source.bin'],
  );
  // nothing started after the cancel was seen: only the closes and the link's undo may follow it
  const after = engine.calls.slice(run.callsAtCancel ?? engine.calls.length).map((call) => call.kind);
  expect(
    after.filter((kind) => kind !== 'close' && kind !== 'unlink'),
    'started after the cancel',
  ).to.deep.equal([]);
  expect(engine.openDescriptorCount, 'descriptors left open').to.equal(0);
  expect(engine.pendingCalls, 'engine calls left pending').to.deep.equal([]);
  expect(engine.violations).to.deep.equal([]);
}

const property = (start: StartCopy) =>
  fc.asyncProperty(
    fc.scheduler(),
    copySize,
    fc.boolean(),
    cancelStrategy,
    faults,
    async (s, size, hasTarget, strategy, fault) => {
      const { run, engine, data } = await raceOnce(start, s, size, hasTarget, strategy, fault);
      checkInvariants(run, engine, data, hasTarget);
    },
  );

/**
 * The copy as a user wrote it from the old docs: it checks the signal once the link was made, and reports `canceled`
 * for a cancel that came after the destination was created. The property must catch it.
 */
const startCopyCanceledAfterLink: StartCopy = (manager, request, callback) => {
  const files = new PromiseFileManager(manager);
  return startTask(async (signal) => {
    await using source = files.newFileHandle();
    await using copy = files.newFileHandle();
    await source.openExistingFile(request.from, 'read', { signal });
    await copy.createAnonymousFile(path.dirname(request.to), { signal });
    let offset = 0;
    for (let chunk = await source.read(0, CHUNK, { signal }); chunk.length > 0;) {
      offset += await copy.write(chunk, offset, { signal });
      chunk = await source.read(offset, CHUNK, { signal });
    }
    await copy.createHardLink(request.to, { signal });
    signal.throwIfAborted(); // the bug: the name exists already, yet the result will say canceled
    return offset;
  }, callback);
};

describe('examples/chunked-copy.ts: startChunkedCopy() under fast-check scheduler (scripted engine)', () => {
  it('should call back once, report ok only with the whole copy in place, leave nothing otherwise, start nothing after cancel', async () => {
    await fc.assert(property(startChunkedCopy));
  });

  it('should catch the copy that reports canceled after the link was made (the property can fail)', async () => {
    // about one run in ninety lands the cancel right after the link: 2,000 runs miss it with odds below 1e-9
    const outcome = await fc.check(property(startCopyCanceledAfterLink), { numRuns: 2000 });
    expect(outcome.failed, 'the property missed the bug').to.equal(true);
    expect(String(outcome.errorInstance)).to.contain('canceled, but the target changed');
  });

  it('should report ok for a cancel right after the link completed (the pinned case)', async () => {
    // the minimal order the property finds for the broken copy: every call completes in turn, and the cancel comes
    // right after the link's completion, before the code after its await runs
    for (const start of [startChunkedCopy, startCopyCanceledAfterLink]) {
      const engine = new ScriptedEngine({ completion: 'manual' });
      engine.addDirectory(DIRECTORY);
      engine.writeFile(SOURCE, 'twelve bytes');
      const manager = new AsyncFileManager({ engine });
      const results: Result<number>[] = [];
      const op = start(manager, { from: SOURCE, to: TARGET }, (result) => results.push(result));
      while (results.length === 0) {
        const call = engine.pendingCalls[0];
        if (call === undefined) {
          await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        call.complete();
        if (call.kind === 'link') expect(op.cancel('after the link')).to.equal(true);
      }
      op.release();
      await manager.close();
      const expected = start === startChunkedCopy ? 'ok' : 'canceled';
      expect(results.map((result) => result.status)).to.deep.equal([expected]);
      expect(engine.readFile(TARGET)?.toString()).to.equal('twelve bytes');
    }
  });
});

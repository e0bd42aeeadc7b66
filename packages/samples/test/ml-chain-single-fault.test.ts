import { AsyncFileManager, ScriptedEngine, type ScriptedCall } from 'async-op-file';
import type { AsyncOp } from 'async-op';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { AtomicSaveModule, RetryModule, type CancellableModule, type FileJobValue, sampleLabel } from '../src/index.js';
import { LL_VARIANTS, createLowLevel, recorder, shutDown, type LowLevelVariant } from './support/stack.js';

const OLD = Buffer.from('old content');
const NEW = Buffer.from('new content, written in chunks');
const TARGET = '/data/doc.txt';

/** The one thing that goes wrong in a run: an engine call fails with `code`, or the save is canceled. */
type Event = { readonly kind: 'fault'; readonly code: 'EIO' | 'EAGAIN' } | { readonly kind: 'cancel' };

/** One save: the stack, and the engine call (by id, from 1) at which the event happens. */
interface Run {
  readonly variant: LowLevelVariant;
  readonly withRetries: boolean;
  /** Whether the engine can stop a call in flight (node-fs cannot; io_uring and the scripted engine can). */
  readonly cancelable: boolean;
  readonly event: Event;
  readonly at: number;
}

/**
 * A scripted engine whose call `at` fails with the event's code (a close releases its descriptor all the same, as on
 * Linux), under a chain (and a retry layer) over an LL of `variant`, its target holding OLD.
 */
function buildSave(run: Run, completion: (call: ScriptedCall) => void, concurrency: number) {
  const fault = run.event.kind === 'fault' ? run.event.code : undefined;
  const isFaulty = (id: number): boolean => fault !== undefined && id === run.at;
  const engine = new ScriptedEngine({
    completion,
    cancelable: run.cancelable,
    inject: (call) => (isFaulty(call.id) ? fault : undefined),
  });
  engine.addDirectory('/data');
  engine.addDirectory('/other');
  engine.writeFile(TARGET, OLD);
  const manager = new AsyncFileManager({ engine, concurrency });
  const ll = createLowLevel(run.variant, manager);
  const retries = run.withRetries ? new RetryModule({ lower: ll, baseDelayMs: 0, maxAttempts: 3 }) : undefined;
  const chain = new AtomicSaveModule({ lower: retries ?? ll });
  const modules = [chain, ...(retries === undefined ? [] : [retries]), ll] as CancellableModule<never, unknown>[];
  for (const module of [...modules].reverse()) module.open();
  return { engine, manager, chain, modules };
}

/**
 * Checks what a save must leave behind whatever went wrong: the target whole (old or new), nothing else; and in
 * /other (where a second save may have run) its target or nothing.
 */
function expectNoStrayFile(engine: ScriptedEngine, status: string | undefined, run: Run): void {
  const what = JSON.stringify(run);
  expect(engine.listDirectory('/data'), `files left after ${status} (${what})`).to.deep.equal(['doc.txt']);
  expect(['doc.txt'], `files left in /other (${what})`).to.include.members(engine.listDirectory('/other'));
  const content = engine.readFile(TARGET)?.toString();
  if (status === 'ok') expect(content, what).to.equal(NEW.toString());
  else if (status === 'error') expect(content, what).to.equal(OLD.toString());
  else expect([OLD.toString(), NEW.toString()], what).to.include(content);
  expect(engine.openDescriptorCount, `descriptors left open (${what})`).to.equal(0);
  expect(engine.violations, what).to.deep.equal([]);
}

/** Lets promise reactions and 0 ms timers (the retry layer's backoff) run. */
function nextTimerTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Drives one save call by call: before completing engine call `run.at`, injects the run's event (a cancel happens
 * while that call is in flight; a fault is what the call reports). Returns how many engine calls ran.
 */
async function saveStepByStep(run: Run): Promise<number> {
  const { engine, manager, chain, modules } = buildSave(run, () => undefined, 4);
  const save = recorder<FileJobValue>();
  const op: AsyncOp<unknown> = chain.start({ path: TARGET, data: NEW, chunkSize: 8 }, save.callback);
  // done once no call is pending for a few turns (the retry layer waits for a 0 ms timer between attempts)
  for (let idle = 0; idle < 3;) {
    const call = engine.pendingCalls[0];
    if (call === undefined) {
      idle++;
      await nextTimerTurn();
      continue;
    }
    idle = 0;
    if (run.event.kind === 'cancel' && call.id === run.at) op.cancel();
    if (call.state === 'pending') call.complete();
  }
  op.release();
  await shutDown(manager, modules);
  expect(save.results, `one callback (${JSON.stringify(run)})`).to.have.length(1);
  expectNoStrayFile(engine, save.results[0]?.status, run);
  return engine.calls.length;
}

const EVENTS: readonly Event[] = [
  { kind: 'fault', code: 'EIO' },
  { kind: 'fault', code: 'EAGAIN' },
  { kind: 'cancel' },
];

describe(`${sampleLabel('ml-chain')} after any single fault or cancel (scripted engine)`, () => {
  for (const variant of LL_VARIANTS) {
    for (const withRetries of [false, true]) {
      const stack = `chain${withRetries ? '/retries' : ''}/${variant}`;
      it(`should leave no temporary file on ${stack}, whichever engine call fails or is canceled`, async () => {
        for (const cancelable of [true, false]) {
          // the calls of a save without trouble; a retried step adds calls, so go some way past them
          const calls = await saveStepByStep({ variant, withRetries, cancelable, event: { kind: 'cancel' }, at: 0 });
          for (const event of EVENTS) {
            for (let at = 1; at <= calls + 6; at++)
              await saveStepByStep({ variant, withRetries, cancelable, event, at });
          }
        }
      });
    }
  }

  it('should leave no temporary file under random interleavings, queues and one fault or cancel', async () => {
    const runArbitrary = fc.record<Run & { concurrency: number; hasBlocker: boolean }>({
      variant: fc.constantFrom(...LL_VARIANTS),
      withRetries: fc.boolean(),
      cancelable: fc.boolean(),
      event: fc.constantFrom(...EVENTS),
      at: fc.integer({ min: 1, max: 24 }),
      concurrency: fc.integer({ min: 1, max: 2 }),
      hasBlocker: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), runArbitrary, async (s, run) => {
        // filled in once start() returned; the cancel task may only run after that
        const started: { op?: AsyncOp<unknown> } = {};
        const { engine, manager, chain, modules } = buildSave(
          run,
          (call) => {
            // a cancel is a task of its own, scheduled when call `at` is issued: it lands while that call is in
            // flight, or later, as the scheduler decides
            if (run.event.kind === 'cancel' && call.id === run.at) {
              void s.schedule(Promise.resolve('cancel the save')).then(() => started.op?.cancel());
            }
            void s.schedule(Promise.resolve(call.label)).then(() => {
              if (call.state === 'pending') call.complete();
            });
          },
          run.concurrency,
        );
        // another save of another file keeps a slot busy: the chain's steps may wait in the manager's queue
        const blocker = recorder<FileJobValue>();
        if (run.hasBlocker) chain.start({ path: '/other/doc.txt', data: OLD }, blocker.callback).release();
        const save = recorder<FileJobValue>();
        const op = (started.op = chain.start({ path: TARGET, data: NEW, chunkSize: 8 }, save.callback));
        for (let round = 0; round < 50 && (s.count() > 0 || engine.pendingCalls.length > 0); round++) {
          await s.waitIdle();
          await nextTimerTurn();
        }
        op.release();
        await shutDown(manager, modules);
        expect(save.results).to.have.length(1);
        expect(blocker.results).to.have.length(run.hasBlocker ? 1 : 0);
        expectNoStrayFile(engine, save.results[0]?.status, run);
      }),
    );
  });
});

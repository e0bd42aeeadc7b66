import { LeakTracker, ManualClock, isDeadlineError, type AsyncOp } from 'async-op';
import { AsyncFileManager, ScriptedEngine } from 'async-op-file';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import {
  AtomicSaveModule,
  CancelAllModule,
  HighLevelModule,
  LowLevelTestSettings,
  PassThroughModule,
  RetryModule,
  type CancellableModule,
  type FileJobRequest,
  type FileJobValue,
  type Result,
} from '../src/index.js';
import { createLowLevel, type LowLevelVariant } from './support/stack.js';

type AnyModule = CancellableModule<unknown, FileJobValue>;

/** One generated case: the stack, and per operation its deadline, whether and when it is canceled. */
interface RaceCase {
  readonly top: 'hl' | 'hl-cancel-all';
  readonly middle: 'ml-pass-through' | 'ml-retries' | 'ml-chain';
  readonly variant: LowLevelVariant;
  /** Transient errors the LL reports first (the retries then wait on the clock between attempts). */
  readonly retryable: number;
  readonly operations: readonly { readonly timeoutMs: number; readonly isCanceled: boolean }[];
  /** How far time moves, in steps the scheduler interleaves with everything else. */
  readonly timeSteps: readonly number[];
  readonly closesDuring: boolean;
}

const raceCase: fc.Arbitrary<RaceCase> = fc.record({
  top: fc.constantFrom('hl', 'hl-cancel-all'),
  middle: fc.constantFrom('ml-pass-through', 'ml-retries', 'ml-chain'),
  variant: fc.constantFrom<LowLevelVariant>('ll-real-cancel', 'll-fake-cancel'),
  retryable: fc.integer({ min: 0, max: 2 }),
  operations: fc.array(fc.record({ timeoutMs: fc.integer({ min: 0, max: 60 }), isCanceled: fc.boolean() }), {
    minLength: 1,
    maxLength: 3,
  }),
  timeSteps: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 3 }),
  closesDuring: fc.boolean(),
});

/**
 * The stack of a case, bottom-up, over a scheduled engine; every timer on `clock`. `onLowStart` sees each LL start()
 * before it runs.
 */
function buildStack(
  c: RaceCase,
  manager: AsyncFileManager,
  clock: ManualClock,
  onLowStart: (request: FileJobRequest) => void,
): AnyModule[] {
  const settings = new LowLevelTestSettings({ clock }).reportRetryable(c.retryable);
  const ll = createLowLevel(c.variant, manager, settings) as AnyModule;
  const start = ll.start.bind(ll);
  ll.start = (request, callback) => {
    onLowStart(request as FileJobRequest);
    return start(request, callback);
  };
  const middle: AnyModule =
    c.middle === 'ml-pass-through'
      ? new PassThroughModule({ lower: ll })
      : c.middle === 'ml-retries'
        ? new RetryModule({ lower: ll, baseDelayMs: 5, maxAttempts: 4, clock })
        : (new AtomicSaveModule({ lower: ll as never, clock }) as AnyModule);
  const top =
    c.top === 'hl' ? new HighLevelModule({ lower: middle, clock }) : new CancelAllModule({ lower: middle, clock });
  return [ll, middle, top as AnyModule];
}

/** The file a request names (`path`, or `from` for a rename). */
function path(request: FileJobRequest): string {
  return request.kind === 'rename' ? request.from : request.path;
}

function requestOf(c: RaceCase, index: number): unknown {
  const data = Buffer.from(`op ${index}`);
  return c.middle === 'ml-chain'
    ? { path: `/data/op${index}`, data }
    : { kind: 'write-file', path: `/data/op${index}`, data };
}

describe('HL stacks: cancel, completion and a deadline firing in any order (fast-check scheduler)', () => {
  it('should call back exactly once per operation, with a deadline reason when the deadline won, and leak nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), raceCase, async (s, c) => {
        const mark = LeakTracker.mark();
        const clock = new ManualClock();
        const engine = new ScriptedEngine({
          // every engine call completes at a point of the interleaving the scheduler picks
          completion: (call) => void s.schedule(Promise.resolve(call.label)).then(() => call.complete()),
        });
        engine.addDirectory('/data');
        const manager = new AsyncFileManager({ engine, concurrency: 2 });
        const ops: AsyncOp<unknown>[] = [];
        const violations: string[] = [];
        const modules = buildStack(c, manager, clock, (request) => {
          // no step or retry starts after its operation's cancel was observed; only the chain's removal may
          const index = Number(/op(\d+)/.exec(path(request))?.[1]);
          if (ops[index]?.isCanceled === true && request.kind !== 'unlink') {
            violations.push(`${request.kind} of op${index} started after its cancel`);
          }
        });
        for (const module of modules) module.open();
        const top = modules[2] as HighLevelModule<unknown, FileJobValue>;
        const results: { readonly result: Result<FileJobValue>; readonly at: number }[][] = c.operations.map(() => []);
        // 1. start every operation, each with its own deadline on the clock (all at time 0)
        c.operations.forEach((operation, index) => {
          ops.push(
            top.start(requestOf(c, index), (result) => results[index]?.push({ result, at: clock.now() }), {
              timeoutMs: operation.timeoutMs,
            }),
          );
        });
        // 2. the competitors: cancels, time passing (deadlines, backoff, scripted delays) and maybe a close
        c.operations.forEach((operation, index) => {
          if (operation.isCanceled)
            void s.schedule(Promise.resolve(`cancel op${index}`)).then(() => ops[index]?.cancel());
        });
        for (const step of c.timeSteps) {
          void s.schedule(Promise.resolve(`time passes ${step} ms`)).then(() => {
            clock.advance(step);
            // a deadline that passed reached its operation, unless it had called back already
            c.operations.forEach((operation, index) => {
              if (operation.timeoutMs > clock.now() || results[index]?.length !== 0) return;
              if (ops[index]?.isCanceled !== true) violations.push(`op${index}'s deadline passed, op not canceled`);
            });
          });
        }
        const closed = c.closesDuring
          ? s.schedule(Promise.resolve('close the top module')).then(() => top.close())
          : Promise.resolve();
        // 3. run everything; time then jumps to each remaining deadline until none is left
        await clock.runUntilIdle(() => s.waitIdle());
        await closed;
        expect(violations).to.deep.equal([]);
        results.forEach((list, index) => {
          // exactly one callback per operation
          expect(list, `op${index}`).to.have.length(1);
          const { result, at } = list[0] as { result: Result<FileJobValue>; at: number };
          const operation = c.operations[index] as RaceCase['operations'][number];
          expect(['ok', 'canceled', 'error']).to.include(result.status);
          // a deadline reason only once the deadline was due; a canceled op nobody else canceled: its deadline
          if (result.status === 'canceled' && isDeadlineError(result.error)) {
            expect(at, `op${index}'s deadline fired early`).to.be.at.least(operation.timeoutMs);
          }
          if (result.status === 'canceled' && !operation.isCanceled && !c.closesDuring) {
            expect(isDeadlineError(result.error), `op${index}: ${String(result.error)}`).to.equal(true);
          }
          // real cancel: ok means the file is there, whole; anything else that it is not
          if (c.variant === 'll-real-cancel') {
            const written = engine.readFile(`/data/op${index}`)?.toString();
            expect(written, `op${index} ${result.status}`).to.equal(result.status === 'ok' ? `op ${index}` : undefined);
          }
        });
        // nothing left: every module closes, no call pending, no timer, no descriptor, no reference
        for (const op of ops) op.release();
        for (const module of [...modules].reverse()) {
          const closing = module.close();
          await clock.runUntilIdle(() => s.waitIdle());
          await closing;
        }
        await manager.whenIdle();
        expect(engine.pendingCalls.map((call) => call.label)).to.deep.equal([]);
        expect(engine.openDescriptorCount).to.equal(0);
        expect(clock.pendingTimers).to.equal(0);
        expect(engine.listDirectory('/data').filter((name) => name.endsWith('.tmp'))).to.deep.equal([]);
        expect(LeakTracker.liveReferences(mark).map((reference) => reference.createdAt)).to.deep.equal([]);
        for (const module of modules) module.destroy();
      }),
    );
  });
});

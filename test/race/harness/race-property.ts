import { AsyncFileManager, ScriptedEngine } from 'async-op-file';
import { LeakTracker, type AsyncOp } from 'async-op';
import fc from 'fast-check';
import { ActionOwnership, StartWindowLowLevel } from './action-ownership.js';
import { ReapingLowLevel } from './reaping-low-level.js';
import { routeTimersThroughScheduler } from './scheduled-timers.js';
import {
  buildStack,
  LL_VARIANTS,
  REAL_MODULES,
  STACK_SHAPES,
  type LowLevelVariant,
  type ModuleFactories,
  type Stack,
  type StackModule,
  type StackShape,
} from './stack-shapes.js';

/** What a callback does, re-entering the stack from inside it. */
export type Reentry = 'none' | 'start' | 'cancel-others' | 'close-top' | 'cancel-all';
/** When the harness cancels an operation: never, right after start() returns (same task), or in a later task. */
export type CancelTiming = 'none' | 'immediately' | 'scheduled';
/** Which engine calls complete synchronously, inside the call (the others complete in a scheduled task). */
export type SyncCalls = 'none' | 'some' | 'all' | 'first';
/** What else happens at some point of the interleaving. */
export type Interference = 'close-top' | 'close-ll' | 'cancel-all';

/** One operation the run starts (in its own scheduled task). */
export interface OperationPlan {
  readonly cancel: CancelTiming;
  readonly reentry: Reentry;
  /** Bytes to write (chunks of 4: 1 or 2 writes). */
  readonly size: number;
}

/** Everything one run does; fast-check generates it and shrinks it. */
export interface RaceScenario {
  readonly shape: StackShape;
  readonly variant: LowLevelVariant;
  readonly concurrency: number;
  readonly plans: readonly OperationPlan[];
  readonly interferences: readonly Interference[];
  /**
   * Which engine calls complete synchronously, inside the call: none, those `isSync(call.id)` picks, all, or the
   * `syncUntil` first ones (a fast start, then slow calls).
   */
  readonly syncCalls: SyncCalls;
  readonly syncUntil: number;
  readonly isSync: (callId: number) => boolean;
  /** Whether faults are injected; `isFaulty(call.id)` says where, `isRetryable(call.id)` EAGAIN or EIO. */
  readonly hasFaults: boolean;
  readonly isFaulty: (callId: number) => boolean;
  readonly isRetryable: (callId: number) => boolean;
  /** Whether the LL's callbacks are held and delivered later or inside the next LL start (ReapingLowLevel). */
  readonly isReaping: boolean;
  /** Which held callbacks (n-th, from 1) get no scheduled task: only the next LL start (or the end) delivers them. */
  readonly isLeftToReaping: (n: number) => boolean;
  /**
   * Whether the manager's fast path is on (every write, a chunk of at most 4 bytes, may be done at once when its
   * turn comes); `isFastNow(n)` says whether the n-th fast call (from 1) completes at once or is declined to the
   * ordinary engine call. Fast completions are delivered in scheduled tasks, among the engine's.
   */
  readonly fastPath: boolean;
  readonly isFastNow: (n: number) => boolean;
}

/** Which scenarios a property explores, and which modules make up its stacks. */
export interface RaceConfig {
  readonly shapes?: readonly StackShape[];
  readonly variants?: readonly LowLevelVariant[];
  /** Replaces layers of the stack (a pitfall variant); the real sample modules otherwise. */
  readonly factories?: Partial<ModuleFactories>;
  readonly concurrency?: { readonly min: number; readonly max: number };
  readonly maxOperations?: number;
  /** The largest write, in bytes (chunks of 4); default 8. */
  readonly maxSize?: number;
  readonly reentries?: readonly Reentry[];
  readonly interferences?: readonly Interference[];
  /** Whether the LL reaps held callbacks on start: both (generated) by default. */
  readonly reaping?: readonly boolean[];
  /** Called after every run with its scheduler and scenario (the demo's `explore` prints the schedule it ran). */
  readonly observe?: ((s: fc.Scheduler, scenario: RaceScenario) => void) | undefined;
  /** Which engine calls complete synchronously: all three modes by default. */
  readonly syncCalls?: readonly SyncCalls[];
  /** Whether faults are injected: both by default. */
  readonly faults?: readonly boolean[];
  /** When operations are canceled: all three by default. */
  readonly cancels?: readonly CancelTiming[];
  /** Whether the manager's fast path is on: both by default. */
  readonly fastPath?: readonly boolean[];
}

const ALL_REENTRIES: readonly Reentry[] = ['none', 'start', 'cancel-others', 'close-top', 'cancel-all'];
const ALL_INTERFERENCES: readonly Interference[] = ['close-top', 'close-ll', 'cancel-all'];

/** The arbitrary of one run's scenario. */
export function raceScenario(config: RaceConfig = {}): fc.Arbitrary<RaceScenario> {
  const plan = fc.record<OperationPlan>({
    cancel: fc.constantFrom<CancelTiming>(...(config.cancels ?? ['none', 'immediately', 'scheduled'])),
    reentry: fc.constantFrom<Reentry>(...(config.reentries ?? ALL_REENTRIES)),
    size: fc.integer({ min: 1, max: config.maxSize ?? 8 }),
  });
  const interferences = config.interferences ?? ALL_INTERFERENCES;
  return fc.record<RaceScenario>({
    shape: fc.constantFrom<StackShape>(...(config.shapes ?? STACK_SHAPES)),
    variant: fc.constantFrom<LowLevelVariant>(...(config.variants ?? LL_VARIANTS)),
    concurrency: fc.integer(config.concurrency ?? { min: 1, max: 3 }),
    plans: fc.array(plan, { minLength: 1, maxLength: config.maxOperations ?? 3 }),
    interferences:
      interferences.length === 0
        ? fc.constant([])
        : fc.array(fc.constantFrom<Interference>(...interferences), { maxLength: 2 }),
    syncCalls: fc.constantFrom<SyncCalls>(...(config.syncCalls ?? ['none', 'some', 'all', 'first'])),
    syncUntil: fc.nat(12),
    isSync: fc.func(fc.boolean()),
    hasFaults: fc.constantFrom(...(config.faults ?? [false, true])),
    isFaulty: fc.func(fc.boolean()),
    isRetryable: fc.func(fc.boolean()),
    isReaping: fc.constantFrom(...(config.reaping ?? [false, true])),
    isLeftToReaping: fc.func(fc.boolean()),
    fastPath: fc.constantFrom(...(config.fastPath ?? [false, true])),
    isFastNow: fc.func(fc.boolean()),
  });
}

/**
 * The race property: random interleavings of starts, completions (sync and async), cancels, closes, retries and
 * re-entrant calls from callbacks, over the scripted engine; fails with the list of broken rules of the contract (docs/reference/contract.md, The seven rules).
 */
export function raceProperty(config: RaceConfig = {}): fc.IAsyncPropertyWithHooks<[fc.Scheduler, RaceScenario]> {
  const factories: ModuleFactories = { ...REAL_MODULES, ...config.factories };
  return fc.asyncProperty(fc.scheduler(), raceScenario(config), async (s, scenario) => {
    let violations: string[];
    try {
      violations = await runRace(s, scenario, factories);
    } finally {
      config.observe?.(s, scenario);
    }
    if (violations.length > 0)
      throw new Error(
        `the contract broken (docs/reference/contract.md, The seven rules):\n  ${[...new Set(violations)].join('\n  ')}`,
      );
  });
}

/** What the harness knows of one operation. */
interface Operation {
  readonly n: number;
  readonly plan: OperationPlan;
  op: AsyncOp<unknown> | undefined;
  hasThrown: boolean;
  callbacks: number;
  statuses: string[];
}

const MAX_EXTRA_STARTS = 3;
/** The fast-path threshold of scenarios with the fast path on: the stacks write in chunks of 4 bytes, so every write. */
const FAST_PATH_BYTES = 4;

/** The violations of the run in progress, for errors thrown where no caller can catch them. */
let currentViolations: string[] | null = null;

/**
 * Records an error thrown in a promise continuation of module code (where it would be an unhandled rejection) as a
 * violation of the race in progress; rethrows it asynchronously if no race is running.
 */
export function reportAsyncError(error: unknown): void {
  if (currentViolations !== null) currentViolations.push(`a promise continuation threw ${describeError(error)}`);
  else
    queueMicrotask(() => {
      throw error;
    });
}

/**
 * Runs one scenario and returns the broken invariants (empty when all hold):
 * - exactly one callback per successful start, none for a start that threw; only ModuleClosedError may be thrown;
 * - nothing started after cancel (see {@link ActionOwnership});
 * - after cancelAll() returns, every operation of the module still pending is canceled;
 * - close() resolves only after every operation started before it called back, and it does resolve;
 * - no engine violation (descriptor misuse), no descriptor open, no AsyncOp reference left at the end.
 */
export async function runRace(s: fc.Scheduler, scenario: RaceScenario, factories: ModuleFactories): Promise<string[]> {
  const mark = LeakTracker.mark();
  const violations: string[] = [];
  const guard = (what: string, action: () => void): void => {
    try {
      action();
    } catch (error) {
      violations.push(`${what} threw ${describeError(error)}`);
    }
  };
  currentViolations = violations;
  const restoreTimers = routeTimersThroughScheduler(s, (error) =>
    violations.push(`a timer callback threw ${describeError(error)}`),
  );
  try {
    const ownership = new ActionOwnership();
    let fastCalls = 0;
    const engine = new ScriptedEngine({
      completion: (call) => {
        ownership.issued(call);
        const isSync =
          scenario.syncCalls === 'all' ||
          (scenario.syncCalls === 'some' && scenario.isSync(call.id)) ||
          (scenario.syncCalls === 'first' && call.id <= scenario.syncUntil);
        if (isSync) return call.complete();
        void s.schedule(Promise.resolve(call.label)).then(() =>
          guard(`completing ${call.label}`, () => {
            if (call.state === 'pending') call.complete();
          }),
        );
      },
      now: () => (scenario.isFastNow(++fastCalls) ? 'complete' : 'decline'),
      // a close always frees its descriptor (a real close does too)
      inject: (call) =>
        scenario.hasFaults && call.kind !== 'close' && scenario.isFaulty(call.id)
          ? scenario.isRetryable(call.id)
            ? 'EAGAIN'
            : 'EIO'
          : undefined,
    });
    engine.addDirectory('/d');
    const manager = new AsyncFileManager({
      engine,
      concurrency: scenario.concurrency,
      trace: ownership.listener,
      syncThresholdBytes: scenario.fastPath ? FAST_PATH_BYTES : 0,
      fastPathDelivery: (deliver) =>
        void s.schedule(Promise.resolve('fast-path delivery')).then(() => guard('fast-path delivery', deliver)),
    });
    let reaping: ReapingLowLevel | undefined;
    // the outermost wrapper marks the LL start() windows for the ownership check (a cancel inside one counts once
    // the start returns, see ActionOwnership)
    const stack = buildStack(scenario.shape, scenario.variant, manager, factories, (ll) => {
      if (!scenario.isReaping) return new StartWindowLowLevel(ll, ownership);
      const onError = (error: unknown): void => {
        violations.push(`a held LL callback threw ${describeError(error)}`);
      };
      reaping = new ReapingLowLevel(ll, s, onError, scenario.isLeftToReaping);
      return new StartWindowLowLevel(reaping, ownership);
    });
    // when nothing else can run, the callbacks left to reaping are delivered (as a batching backend would, at last)
    const flush = (): boolean => {
      let hasDelivered = false;
      guard('delivering the held LL callbacks', () => (hasDelivered = reaping?.flush() ?? false));
      return hasDelivered;
    };
    const settle = (): Promise<void> => settleScheduler(s, flush);
    const operations: Operation[] = [];
    let extraStarts = 0;
    let isTearingDown = false;
    const closes: { module: string; isResolved: boolean }[] = [];
    /** How many times the harness reopened each module (after a close() resolved). */
    const reopens = new Map<StackModule, number>();

    const cancel = (operation: Operation): void => {
      if (operation.op === undefined || operation.callbacks > 0) return;
      ownership.canceled(operation.n);
      operation.op.cancel();
    };

    const closeModule = (module: StackModule): void => {
      const waitedFor = operations.filter((operation) => !operation.hasThrown);
      const reopensBefore = reopens.get(module) ?? 0;
      const record = { module: module.name, isResolved: false };
      closes.push(record);
      const isTop = module === stack.top;
      void module.close().then(
        () => {
          record.isResolved = true;
          // close() resolves only after every operation started before that close() called back. pendingCount says
          // so only while the module was not reopened since this close() was called: until then it refuses starts,
          // so all it counts was started before. A reopen scheduled by an earlier close() may run first (a
          // ReapingLowLevel reports `closed` while its close() still waits for held callbacks), and a held callback
          // may then start an operation on the reopened module: not one this close() waits for. The top module's
          // operations are checked one by one below, reopened or not.
          if (module.pendingCount !== 0 && (reopens.get(module) ?? 0) === reopensBefore) {
            violations.push(`${module.name}.close() resolved with ${module.pendingCount} operation(s) pending`);
          }
          if (isTop) {
            for (const operation of waitedFor) {
              if (!operation.hasThrown && operation.callbacks === 0) {
                violations.push(`${module.name}.close() resolved before op${operation.n} called back`);
              }
            }
          }
          // reopen in a later task of its own: the module stays closed for part of the interleaving
          if (isTearingDown) return;
          void s.schedule(Promise.resolve(`reopen ${module.name}`)).then(() =>
            guard(`reopen ${module.name}`, () => {
              if (isTearingDown || module.state !== 'closed') return;
              module.open();
              reopens.set(module, (reopens.get(module) ?? 0) + 1);
            }),
          );
        },
        (error: unknown) => violations.push(`${module.name}.close() rejected: ${describeError(error)}`),
      );
    };

    const sweep = (): void => {
      const sweeper = stack.sweeper;
      if (sweeper === undefined) return;
      sweeper.cancelAll();
      for (const operation of operations) {
        if (operation.op !== undefined && operation.callbacks === 0 && !operation.op.isCanceled) {
          violations.push(`op${operation.n} was pending after cancelAll() returned, and not canceled`);
        }
      }
    };

    const reenter = (operation: Operation): void => {
      switch (operation.plan.reentry) {
        case 'none':
          return;
        case 'start':
          if (extraStarts < MAX_EXTRA_STARTS) {
            start({ cancel: 'none', reentry: 'none', size: 4 }, scenario.plans.length + ++extraStarts);
          }
          return;
        case 'cancel-others':
          for (const other of operations) if (other !== operation) cancel(other);
          return;
        case 'close-top':
          if (!isTearingDown) closeModule(stack.top);
          return;
        case 'cancel-all':
          sweep();
          return;
      }
    };

    const start = (plan: OperationPlan, n: number): void => {
      engine.addDirectory(`/d/op${n}`);
      const operation: Operation = { n, plan, op: undefined, hasThrown: false, callbacks: 0, statuses: [] };
      operations.push(operation);
      try {
        operation.op = stack.top.start(stack.request(n, plan.size), (result) => {
          operation.callbacks++;
          operation.statuses.push(result.status);
          ownership.ended(n);
          guard(`op${n}'s re-entry (${plan.reentry})`, () => reenter(operation));
        });
      } catch (error) {
        operation.hasThrown = true;
        if ((error as { code?: unknown }).code !== 'ERR_MODULE_CLOSED') {
          violations.push(`start of op${n} threw ${describeError(error)}`);
        }
        return;
      }
      operation.op.onCancel(() => ownership.canceled(n));
      if (plan.cancel === 'immediately') cancel(operation);
      if (plan.cancel === 'scheduled') {
        void s.schedule(Promise.resolve(`cancel op${n}`)).then(() => guard(`cancel op${n}`, () => cancel(operation)));
      }
    };

    scenario.plans.forEach((plan, index) => {
      void s.schedule(Promise.resolve(`start op${index + 1}`)).then(() => guard(`start`, () => start(plan, index + 1)));
    });
    for (const interference of scenario.interferences) {
      void s.schedule(Promise.resolve(interference)).then(() =>
        guard(interference, () => {
          if (interference === 'close-top') closeModule(stack.top);
          else if (interference === 'close-ll') closeModule(stack.ll as StackModule);
          else sweep();
        }),
      );
    }
    await settle();

    // every completion ran: each successful start has called back exactly once by now
    for (const operation of operations) {
      const expected = operation.hasThrown ? 0 : 1;
      if (operation.callbacks !== expected) {
        violations.push(
          `op${operation.n} called back ${operation.callbacks} time(s) (${operation.statuses.join(', ') || 'never'})` +
            (operation.hasThrown ? ' though its start threw' : ''),
        );
      }
    }
    violations.push(...ownership.check());

    // tear down: cancel what is left (after a reported bug), close top-down, wait for the manager
    isTearingDown = true;
    for (const operation of operations) guard(`cancel op${operation.n} at the end`, () => cancel(operation));
    await settle();
    for (const module of stack.modules) {
      guard(`${module.name}.close() at the end`, () => closeModule(module));
      await settle();
    }
    for (const close of closes) if (!close.isResolved) violations.push(`${close.module}.close() never resolved`);
    let isIdle = false;
    void manager.whenIdle().then(() => (isIdle = true));
    await settle();
    if (!isIdle) violations.push('the file manager never became idle');
    violations.push(...engine.violations.map((text) => `engine: ${text}`));
    if (engine.openDescriptorCount !== 0) violations.push(`${engine.openDescriptorCount} descriptor(s) left open`);
    for (const operation of operations) if (operation.op !== undefined) operation.op.release();
    const live = LeakTracker.liveReferences(mark);
    if (live.length > 0) {
      violations.push(`${live.length} AsyncOp reference(s) left unreleased`);
      // reported here, once: the tracker must not report them again when they are garbage-collected
      LeakTracker.forget(live);
    }
    return violations;
  } finally {
    restoreTimers();
    currentViolations = null;
  }
}

/** Runs every scheduled task, including those scheduled meanwhile, and lets promise reactions settle. */
async function settleScheduler(s: fc.Scheduler, flush: () => boolean): Promise<void> {
  for (let round = 0; round < 100; round++) {
    await s.waitIdle();
    await new Promise((resolve) => setImmediate(resolve));
    if (s.count() === 0 && !flush()) return;
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === 'string' ? ` (${code})` : ''}: ${error.message}`;
  }
  return String(error);
}

export type { Stack };

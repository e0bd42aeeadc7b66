import type { AsyncFileManager } from 'async-op-file';
import type fc from 'fast-check';
import { raceProperty, type RaceConfig, type RaceScenario } from '../race/harness/race-property.js';
import type { LowLevelModule, ModuleFactories, StackModule } from '../race/harness/stack-shapes.js';
import { BookkeepingAfterCallback } from './variants/bookkeeping-after-callback.js';
import { CallbackReferenceAfterStart } from './variants/callback-reference-after-start.js';
import { CancelAllDoubleRelease } from './variants/cancel-all-double-release.js';
import { CancelAllMissesSweepStart } from './variants/cancel-all-misses-sweep-start.js';
import { ChainNoRecheckAfterStart } from './variants/chain-no-recheck-after-start.js';
import { ChainStepCounter } from './variants/chain-step-counter.js';
import { ChainWithoutCanceledFlag } from './variants/chain-without-canceled-flag.js';
import { ContextAsOutParameter } from './variants/context-as-out-parameter.js';
import { FakeCancelWithoutOnceGuard } from './variants/fake-cancel-without-once-guard.js';
import { OpReturnedBeforeLowerStored } from './variants/op-returned-before-lower-stored.js';
import { RetriesStaleAttemptOp } from './variants/retries-stale-attempt-op.js';
import { RetryLeaksOnFailedRestart } from './variants/retry-leaks-on-failed-restart.js';

/** The race property a pitfall is caught by, over the given modules (the real ones where a layer is not given). */
export type PitfallProperty = (
  modules: Partial<ModuleFactories>,
  observe?: (s: fc.Scheduler, scenario: RaceScenario) => void,
) => fc.IAsyncPropertyWithHooks<[fc.Scheduler, RaceScenario]>;

/**
 * One deliberately broken variant of a sample module, with the race property that catches it.
 *
 * @remarks Free of mocha: the ladder test and a demo CLI (`explore <pitfall>`) both use it. Run
 * `fc.check(pitfall.property(pitfall.makeModule))` to see it fail, `fc.check(pitfall.property({}))` to see the real
 * module pass.
 */
export interface Pitfall {
  /** kebab-case, the file name of the variant under test/pitfalls/variants. */
  readonly name: string;
  /** The mistake, the step of the real module it breaks, and the symptom. */
  readonly description: string;
  /** The broken layer, as module factories to put into the stack instead of the real ones. */
  readonly makeModule: Partial<ModuleFactories>;
  /** The race property (the same for the variant and the real module), restricted to the stacks that matter. */
  readonly property: PitfallProperty;
}

function propertyOver(config: Omit<RaceConfig, 'factories'>): PitfallProperty {
  return (modules, observe) => raceProperty({ ...config, factories: modules, observe });
}

const passThrough = (make: (lower: StackModule) => StackModule): Partial<ModuleFactories> => ({
  passThrough: (lower) => make(lower as StackModule),
});
const chain = (make: (lower: LowLevelModule) => StackModule): Partial<ModuleFactories> => ({ chain: make });
const retries = (make: (lower: LowLevelModule) => LowLevelModule): Partial<ModuleFactories> => ({ retries: make });

/** The pitfall ladder: one entry per classic mistake. */
export const PITFALLS: readonly Pitfall[] = [
  {
    name: 'callback-reference-after-start',
    description:
      'ML pass-through takes the callback reference after starting the lower op (breaks forward.ts step 2): a ' +
      'synchronous completion finds no reference, throws out of start, and never calls back.',
    makeModule: passThrough((lower) => new CallbackReferenceAfterStart(lower, 'ml-pass-through', false)),
    property: propertyOver({ shapes: ['ml/ll'] }),
  },
  {
    name: 'context-as-out-parameter',
    description:
      'ML pass-through assigns `context.lower = lower.start(...)` (breaks forward.ts step 5): after a synchronous ' +
      'completion the finished lower op is stored and never released (a leaked reference).',
    makeModule: passThrough((lower) => new ContextAsOutParameter(lower, 'ml-pass-through', false)),
    property: propertyOver({ shapes: ['ml/ll'] }),
  },
  {
    name: 'op-returned-before-lower-stored',
    description:
      'ML pass-through returns its op before the lower op is started and stored (breaks forward.ts steps 4-6): a ' +
      'cancel right after start() is lost, the lower work starts after it and reports ok.',
    makeModule: passThrough((lower) => new OpReturnedBeforeLowerStored(lower, 'ml-pass-through', false)),
    property: propertyOver({ shapes: ['ml/ll'] }),
  },
  {
    name: 'fake-cancel-without-once-guard',
    description:
      'LL fake cancel delivers the real completion without the complete() guard (breaks ll-fake-cancel.ts step 9): ' +
      'a canceled operation calls back twice.',
    makeModule: { ll: (_variant, manager: AsyncFileManager) => new FakeCancelWithoutOnceGuard(manager) },
    property: propertyOver({ shapes: ['ll', 'ml/ll'], variants: ['fake'] }),
  },
  {
    name: 'bookkeeping-after-callback',
    description:
      'HL decides "last operation of a closing module?" before the user callback and counts out after it (breaks ' +
      'forward.ts step 10): close() called from the last callback never resolves.',
    makeModule: { hl: (lower) => new BookkeepingAfterCallback(lower, 'hl', false) },
    property: propertyOver({ shapes: ['hl/ml/ll'], reentries: ['none', 'close-top'] }),
  },
  {
    name: 'chain-without-canceled-flag',
    description:
      'The chain ignores its canceled state when a step completes (breaks ml-chain.ts step 7): a step that reports ok ' +
      'despite the cancel starts the next step after the cancel.',
    makeModule: chain((lower) => new ChainWithoutCanceledFlag(lower) as unknown as StackModule),
    property: propertyOver({
      shapes: ['chain/ll'],
      variants: ['real'],
      cancels: ['scheduled'],
      reentries: ['none'],
      interferences: [],
      syncCalls: ['none'],
      faults: [false],
      reaping: [false],
    }),
  },
  {
    name: 'chain-no-recheck-after-start',
    description:
      'The chain does not re-check cancel after starting a step (breaks ml-chain.ts step 5): a cancel that arrives ' +
      "during the step's start is lost and the chain runs on after it.",
    makeModule: chain((lower) => new ChainNoRecheckAfterStart(lower) as unknown as StackModule),
    property: propertyOver({
      shapes: ['chain/ll'],
      maxOperations: 4,
      cancels: ['none', 'scheduled'],
      reentries: ['cancel-others'],
      interferences: [],
      faults: [false],
      reaping: [true],
    }),
  },
  {
    name: 'retries-stale-attempt-op',
    description:
      'The retry module stores every attempt op, finished or not (breaks ml-retries.ts step 4): a stale op of a ' +
      'synchronously failed attempt is overwritten by the next attempt (or left at a cancel) and leaks.',
    makeModule: retries((lower) => new RetriesStaleAttemptOp(lower)),
    property: propertyOver({ shapes: ['retries/ll'], syncCalls: ['some', 'all'], reaping: [false] }),
  },
  {
    name: 'cancel-all-double-release',
    description:
      "Cancel-all's sweep does not unlink the entry from its op before canceling (breaks hl-cancel-all.ts cancelAll " +
      'step 2): a callback delivered inside the cancel releases the entry, then the sweep releases it again.',
    makeModule: { cancelAll: (lower) => new CancelAllDoubleRelease(lower, 'hl-cancel-all', true) },
    property: propertyOver({ shapes: ['cancel-all/ml/ll'], variants: ['fake'] }),
  },
  {
    name: 'cancel-all-misses-sweep-start',
    description:
      'Cancel-all sweeps a snapshot of its entries (breaks hl-cancel-all.ts cancelAll step 1): an operation started ' +
      'from a callback during the sweep is not canceled.',
    makeModule: { cancelAll: (lower) => new CancelAllMissesSweepStart(lower, 'hl-cancel-all', true) },
    property: propertyOver({
      shapes: ['cancel-all/ml/ll'],
      variants: ['fake'],
      cancels: ['none'],
      reentries: ['start'],
      interferences: ['cancel-all'],
    }),
  },
  {
    name: 'chain-step-counter',
    description:
      "C defect (a): the chain's per-step flag is reset by the next step's start (breaks ml-chain.ts steps 4-5): a " +
      "synchronous first step stores its finished op over the second step's, which leaks and escapes a later cancel.",
    makeModule: chain((lower) => new ChainStepCounter(lower) as unknown as StackModule),
    property: propertyOver({ shapes: ['chain/ll'], syncCalls: ['first'], faults: [false], reaping: [false] }),
  },
  {
    name: 'retry-leaks-on-failed-restart',
    description:
      'C defect (b): a retry that fails to start reports error without releasing the callback reference (breaks ' +
      'ml-retries.ts step 8): the LL closed during the backoff leaves one reference behind.',
    makeModule: retries((lower) => new RetryLeaksOnFailedRestart(lower)),
    property: propertyOver({
      shapes: ['retries/ll'],
      cancels: ['none'],
      reentries: ['none'],
      interferences: ['close-ll'],
      faults: [true],
      reaping: [false],
    }),
  },
];

/** A compact, one-screen account of a counterexample: the scenario and the scheduler's order of tasks. */
export function describeCounterexample(counterexample: readonly [fc.Scheduler, RaceScenario]): string {
  const [s, scenario] = counterexample;
  const plans = scenario.plans.map(
    (plan, index) => `op${index + 1}(${plan.size} B, cancel ${plan.cancel}, re-entry ${plan.reentry})`,
  );
  const tasks = s.report().map((task) => String(task.outputValue ?? task.label).replace(/^"|"$/g, ''));
  return [
    `${scenario.shape} over ll-${scenario.variant}-cancel, concurrency ${scenario.concurrency}, ` +
      `sync calls: ${scenario.syncCalls === 'first' ? `#1-#${scenario.syncUntil}` : scenario.syncCalls}, faults ${scenario.hasFaults ? 'on' : 'off'}` +
      (scenario.isReaping ? ', LL callbacks reaped on start' : ''),
    `  ${plans.join('; ')}${scenario.interferences.length > 0 ? `; then ${scenario.interferences.join(', ')}` : ''}`,
    `  ${tasks.length} scheduled tasks ran, in this order:`,
    ...tasks.map((task, index) => `  ${String(index + 1).padStart(3)}. ${task}`),
  ].join('\n');
}

/** How many scheduled tasks the counterexample ran (its size, for the ladder table). */
export function counterexampleSize(counterexample: readonly [fc.Scheduler, RaceScenario]): number {
  return counterexample[0].report().length;
}

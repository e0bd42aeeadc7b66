import type fc from 'fast-check';
import { stackRaceProperty, type StackRaceConfig, type StackRaceScenario } from '../race/stack-race-property.js';
import { FILE_STACKS, stackNamed } from '../stacks/sample-stacks.js';
import { BookkeepingAfterCallback } from './bookkeeping-after-callback.js';
import { CallbackReferenceAfterStart } from './callback-reference-after-start.js';
import { CancelAllDoubleRelease } from './cancel-all-double-release.js';
import { CancelAllMissesSweepStart } from './cancel-all-misses-sweep-start.js';
import { ChainNoRecheckAfterStart } from './chain-no-recheck-after-start.js';
import { ChainStepCounter } from './chain-step-counter.js';
import { ChainWithoutCanceledFlag } from './chain-without-canceled-flag.js';
import { ContextAsOutParameter } from './context-as-out-parameter.js';
import { FakeCancelWithoutOnceGuard } from './fake-cancel-without-once-guard.js';
import { OpReturnedBeforeLowerStored } from './op-returned-before-lower-stored.js';
import { RetriesStaleAttemptOp } from './retries-stale-attempt-op.js';
import { RetryLeaksOnFailedRestart } from './retry-leaks-on-failed-restart.js';
import { AtomicSaveCopy } from './support/atomic-save-copy.js';
import { FakeCancelCopy } from './support/fake-cancel-copy.js';
import { ForwardCopy } from './support/forward-copy.js';
import { RetryCopy } from './support/retry-copy.js';
import { chainLayer, forwardLayer, retryLayer, type PitfallModules } from './support/pitfall-modules.js';

/** The race property a pitfall is caught by, over the given modules (the samples where a layer is not given). */
export type PitfallProperty = (
  modules: PitfallModules,
  observe?: StackRaceConfig['observe'],
) => fc.IAsyncPropertyWithHooks<[fc.Scheduler, StackRaceScenario]>;

/**
 * One deliberately broken variant of a sample module, the copy it breaks, and the race property that catches it.
 *
 * @remarks
 * What the ladder proves for each (test/pitfalls/ladder.test.ts, and `async-op-demo explore <name>`): the broken
 * variant fails the property and its minimal counterexample shows the named `symptom`; the `control` (the same copy
 * with no mistake) passes the same property with the same seed, so the copy is faithful and the failure comes from
 * the one mistake; and the real sample passes it too.
 */
export interface Pitfall {
  /** kebab-case, the variant's file name under src/pitfalls. */
  readonly name: string;
  /** The mistake, the step of the real module it breaks, and the symptom. */
  readonly description: string;
  /** What the broken variant's counterexample must report: a pattern of one of its broken invariants. */
  readonly symptom: RegExp;
  /** The broken layer (or LL), put into the stack instead of the sample. */
  readonly broken: PitfallModules;
  /** The unmodified copy the variant extends, in the same place. */
  readonly control: PitfallModules;
  /** The race property (the same for the variant, the control and the real sample), restricted to where it matters. */
  readonly property: PitfallProperty;
}

function propertyOver(
  config: Omit<StackRaceConfig, 'layers' | 'lowLevel' | 'observe' | 'stacks'> & { stacks: readonly string[] },
): PitfallProperty {
  const stacks = config.stacks.map((name) => stackNamed(FILE_STACKS, name));
  return (modules, observe) => stackRaceProperty({ ...config, ...modules, stacks, observe });
}

const passThrough = forwardLayer('ml-pass-through', false);
const hl = forwardLayer('hl', false);
const cancelAll = forwardLayer('hl-cancel-all', true);
const fakeCancel = (
  make: (manager: ConstructorParameters<typeof FakeCancelCopy>[0]) => FakeCancelCopy,
): PitfallModules => ({
  lowLevel: (_name, session) => make(session.engine.manager) as never,
});

/** The pitfall ladder: one entry per classic mistake. */
export const PITFALLS: readonly Pitfall[] = [
  {
    name: 'callback-reference-after-start',
    description:
      'ML pass-through takes the callback reference after starting the lower op (breaks forward.ts step 2): a ' +
      'synchronous completion finds no reference, throws (an uncaught exception), and never calls back.',
    symptom: /op\d+ called back 0 time\(s\)/,
    broken: passThrough((...args) => new CallbackReferenceAfterStart(...args)),
    control: passThrough((...args) => new ForwardCopy(...args)),
    property: propertyOver({ stacks: ['ml-pass-through'] }),
  },
  {
    name: 'context-as-out-parameter',
    description:
      'ML pass-through assigns `context.lower = lower.start(...)` (breaks forward.ts step 5): after a synchronous ' +
      'completion the finished lower op is stored and never released (a leaked reference).',
    symptom: /AsyncOp reference\(s\) left unreleased/,
    broken: passThrough((...args) => new ContextAsOutParameter(...args)),
    control: passThrough((...args) => new ForwardCopy(...args)),
    property: propertyOver({ stacks: ['ml-pass-through'] }),
  },
  {
    name: 'op-returned-before-lower-stored',
    description:
      'ML pass-through returns its op before the lower op is started and stored (breaks forward.ts steps 4-6): a ' +
      'cancel right after start() is lost, the lower work starts after it and reports ok.',
    symptom: /was started after the op was canceled/,
    broken: passThrough((...args) => new OpReturnedBeforeLowerStored(...args)),
    control: passThrough((...args) => new ForwardCopy(...args)),
    property: propertyOver({ stacks: ['ml-pass-through'] }),
  },
  {
    name: 'fake-cancel-without-once-guard',
    description:
      'LL fake cancel delivers the real completion without the complete() guard (breaks ll-fake-cancel.ts step 9): ' +
      'a canceled operation calls back twice.',
    symptom: /called back 2 time\(s\)/,
    broken: fakeCancel((manager) => new FakeCancelWithoutOnceGuard(manager)),
    control: fakeCancel((manager) => new FakeCancelCopy(manager)),
    property: propertyOver({ stacks: ['ll', 'ml-pass-through'], lowLevels: ['ll-fake-cancel'] }),
  },
  {
    name: 'bookkeeping-after-callback',
    description:
      'HL decides "last operation of a closing module?" before the user callback and counts out after it (breaks ' +
      'forward.ts step 10): close() called from the last callback never resolves.',
    symptom: /close\(\) never resolved/,
    broken: hl((...args) => new BookkeepingAfterCallback(...args)),
    control: hl((...args) => new ForwardCopy(...args)),
    property: propertyOver({ stacks: ['hl/ml-pass-through'], reentries: ['none', 'close-top'] }),
  },
  {
    name: 'chain-without-canceled-flag',
    description:
      'The chain ignores its canceled state when a step completes (breaks ml-chain.ts step 7): a step that reports ok ' +
      'despite the cancel starts the next step after the cancel.',
    symptom: /was started after the op was canceled/,
    broken: chainLayer((lower) => new ChainWithoutCanceledFlag(lower)),
    control: chainLayer((lower) => new AtomicSaveCopy(lower)),
    property: propertyOver({
      stacks: ['ml-chain'],
      lowLevels: ['ll-real-cancel'],
      // the window (after the write's last chunk, before its close reports) is one engine completion wide
      cancels: ['after-completions'],
      holdsCalls: [false],
      reentries: ['none'],
      interferences: [],
      syncCalls: ['none'],
      faults: [false],
      holdsCallbacks: [false],
    }),
  },
  {
    name: 'chain-no-recheck-after-start',
    description:
      'The chain does not re-check cancel after starting a step (breaks ml-chain.ts step 5): a cancel that arrives ' +
      "during the step's start is lost and the chain runs on after it.",
    symptom: /was started after the op was canceled/,
    broken: chainLayer((lower) => new ChainNoRecheckAfterStart(lower)),
    control: chainLayer((lower) => new AtomicSaveCopy(lower)),
    property: propertyOver({
      stacks: ['ml-chain'],
      maxOperations: 4,
      cancels: ['none', 'scheduled'],
      reentries: ['cancel-others'],
      interferences: [],
      faults: [false],
      holdsCallbacks: [true],
    }),
  },
  {
    name: 'retries-stale-attempt-op',
    description:
      'The retry module stores every attempt op, finished or not (breaks ml-retries.ts step 4): a stale op of a ' +
      'synchronously failed attempt is overwritten by the next attempt (or left at a cancel) and leaks.',
    symptom: /AsyncOp reference\(s\) left unreleased/,
    broken: retryLayer((lower) => new RetriesStaleAttemptOp(lower)),
    control: retryLayer((lower) => new RetryCopy(lower)),
    property: propertyOver({ stacks: ['ml-retries'], syncCalls: ['some', 'all'], holdsCallbacks: [false] }),
  },
  {
    name: 'cancel-all-double-release',
    description:
      "Cancel-all's sweep does not unlink the entry from its op before canceling (breaks hl-cancel-all.ts cancelAll " +
      'step 2): a callback delivered inside the cancel releases the entry, then the sweep releases it again.',
    symptom: /ERR_ASYNC_OP_RELEASED/,
    broken: cancelAll((...args) => new CancelAllDoubleRelease(...args)),
    control: cancelAll((...args) => new ForwardCopy(...args)),
    property: propertyOver({ stacks: ['hl-cancel-all/ml-pass-through'], lowLevels: ['ll-fake-cancel'] }),
  },
  {
    name: 'cancel-all-misses-sweep-start',
    description:
      'Cancel-all sweeps a snapshot of its entries (breaks hl-cancel-all.ts cancelAll step 1): an operation started ' +
      'from a callback during the sweep is not canceled.',
    symptom: /was pending after cancelAll\(\) returned, and not canceled/,
    broken: cancelAll((...args) => new CancelAllMissesSweepStart(...args)),
    control: cancelAll((...args) => new ForwardCopy(...args)),
    property: propertyOver({
      stacks: ['hl-cancel-all/ml-pass-through'],
      lowLevels: ['ll-fake-cancel'],
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
    symptom: /AsyncOp reference\(s\) left unreleased/,
    broken: chainLayer((lower) => new ChainStepCounter(lower)),
    control: chainLayer((lower) => new AtomicSaveCopy(lower)),
    property: propertyOver({ stacks: ['ml-chain'], syncCalls: ['first'], faults: [false], holdsCallbacks: [false] }),
  },
  {
    name: 'retry-leaks-on-failed-restart',
    description:
      'C defect (b): a retry that fails to start reports error without releasing the callback reference (breaks ' +
      'ml-retries.ts step 8): the LL closed during the backoff leaves one reference behind.',
    symptom: /AsyncOp reference\(s\) left unreleased/,
    broken: retryLayer((lower) => new RetryLeaksOnFailedRestart(lower)),
    control: retryLayer((lower) => new RetryCopy(lower)),
    property: propertyOver({
      stacks: ['ml-retries'],
      cancels: ['none'],
      reentries: ['none'],
      interferences: ['close-bottom'],
      faults: [true],
      holdsCallbacks: [false],
    }),
  },
];

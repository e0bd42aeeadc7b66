import fc from 'fast-check';
import {
  describeEngineScript,
  engineScript,
  type EngineScript,
  type EngineScriptOptions,
  type IntegerRange,
} from './engine-script.js';

/**
 * When the race cancels an operation (the cancel strategies):
 * - `none`: never (it may still be canceled by a sweep, a close or another operation's callback);
 * - `immediately`: right after start() returns, in the same task;
 * - `scheduled`: in a task of its own, at a point of the interleaving the scheduler picks;
 * - `after-completions`: right after the `cancelAfter`-th completion of its own engine calls, at the first point where
 *   user code could run after it (this reaches the windows between two steps of one operation that a scheduled
 *   cancel rarely hits, and those inside a run of synchronous completions, which it never does).
 */
export type CancelTiming = 'none' | 'immediately' | 'scheduled' | 'after-completions';

/**
 * What an operation's callback does, re-entering the stack from inside it: nothing, start another operation, cancel
 * every other operation (a cancel "from inside a callback"), close the top module, or sweep it (cancelAll()).
 */
export type Reentry = 'none' | 'start' | 'cancel-others' | 'close-top' | 'cancel-all';

/**
 * What else happens at a point the scheduler picks: the top module closed (and reopened later, if it can be), the
 * bottom module closed (the one beneath the others), the top's cancelAll() sweep, or a fault of the stack's own
 * making (RaceStack.fault: a worker thread crashing, say).
 */
export type Interference = 'close-top' | 'close-bottom' | 'cancel-all' | 'stack-fault';

/** One operation of a run; each starts in a scheduled task of its own. */
export interface OperationPlan {
  /** When the race cancels it. */
  readonly cancel: CancelTiming;
  /** For `after-completions`: after how many completions of its own engine calls (from 1). */
  readonly cancelAfter: number;
  /** What its callback does. */
  readonly reentry: Reentry;
  /** A size for the request (bytes to write, say); the stack's `request` decides what it means. */
  readonly size: number;
}

/** Everything one run does; fast-check generates it and shrinks it. */
export interface RaceScenario {
  /** How the engine behaves. */
  readonly engine: EngineScript;
  /** The operations the run starts, in order (each in a scheduled task). */
  readonly plans: readonly OperationPlan[];
  /** What else happens, each in a scheduled task. */
  readonly interferences: readonly Interference[];
  /**
   * Whether the stack holds the callbacks of its lower module (a HeldCallbacksModule beneath the module under test,
   * when the stack has one); `isLeftToReaping(n)` picks the held callbacks that get no task of their own.
   */
  readonly holdsCallbacks: boolean;
  /** Whether the n-th held callback (from 1) gets no task of its own. */
  readonly isLeftToReaping: (n: number) => boolean;
}

/** Which scenarios to generate; every field narrows one choice (all of them by default). */
export interface RaceScenarioOptions extends EngineScriptOptions {
  /** The cancel strategies to pick from: all four by default. */
  readonly cancels?: readonly CancelTiming[] | undefined;
  /** The largest `cancelAfter`: default 32 (the smallest is 1). */
  readonly maxCancelAfter?: number | undefined;
  /** The re-entries to pick from: all five by default. */
  readonly reentries?: readonly Reentry[] | undefined;
  /** Interferences to pick from (up to two per run); an empty list for none. */
  readonly interferences?: readonly Interference[] | undefined;
  /** The most operations started by the run itself (re-entrant starts come on top): default 3. */
  readonly maxOperations?: number | undefined;
  /** The sizes of requests: default 1 to 8. */
  readonly size?: IntegerRange | undefined;
  /** Whether lower callbacks are held: default both (it matters only for stacks that have a lower module). */
  readonly holdsCallbacks?: readonly boolean[] | undefined;
}

/** Every cancel strategy. */
export const CANCEL_TIMINGS: readonly CancelTiming[] = ['none', 'immediately', 'scheduled', 'after-completions'];
/** Every re-entry. */
export const REENTRIES: readonly Reentry[] = ['none', 'start', 'cancel-others', 'close-top', 'cancel-all'];
/** The interferences every stack has (`stack-fault` needs RaceStack.fault). */
export const INTERFERENCES: readonly Interference[] = ['close-top', 'close-bottom', 'cancel-all'];

/**
 * The arbitrary of one run.
 *
 * @param options - narrows what is generated.
 * @returns an arbitrary that shrinks toward one operation, no cancel, no re-entry, no interference, and the simplest
 *   engine (see {@link engineScript}).
 * @throws Error (from fast-check) if a list in `options` is empty, `interferences` excepted.
 */
export function raceScenario(options: RaceScenarioOptions = {}): fc.Arbitrary<RaceScenario> {
  const plan = fc.record<OperationPlan>({
    cancel: fc.constantFrom<CancelTiming>(...(options.cancels ?? CANCEL_TIMINGS)),
    cancelAfter: fc.integer({ min: 1, max: options.maxCancelAfter ?? 32 }),
    reentry: fc.constantFrom<Reentry>(...(options.reentries ?? REENTRIES)),
    size: fc.integer(options.size ?? { min: 1, max: 8 }),
  });
  const interferences = options.interferences ?? INTERFERENCES;
  return fc.record<RaceScenario>({
    engine: engineScript(options),
    plans: fc.array(plan, { minLength: 1, maxLength: options.maxOperations ?? 3 }),
    interferences:
      interferences.length === 0
        ? fc.constant([])
        : fc.array(fc.constantFrom<Interference>(...interferences), { maxLength: 2 }),
    holdsCallbacks: fc.constantFrom(...(options.holdsCallbacks ?? [false, true])),
    isLeftToReaping: fc.func(fc.boolean()),
  });
}

/**
 * The plan of one operation in a few words: `op2 (size 4, cancel after 3 completion(s), re-entry start)`.
 *
 * @param plan - the operation's plan.
 * @param n - its number.
 * @returns one line.
 */
export function describePlan(plan: OperationPlan, n: number): string {
  const cancel =
    plan.cancel === 'after-completions'
      ? `cancel after ${plan.cancelAfter} completion(s)`
      : plan.cancel === 'none'
        ? 'no cancel'
        : `cancel ${plan.cancel}`;
  return `op${n} (size ${plan.size}, ${cancel}, re-entry ${plan.reentry})`;
}

/**
 * The scenario in two lines, for a failure report: the operations' plans and interferences, then the engine.
 *
 * @param scenario - a generated scenario.
 * @returns two lines.
 */
export function describeScenario(scenario: RaceScenario): string {
  const plans = scenario.plans.map((plan, index) => describePlan(plan, index + 1)).join('; ');
  const then = scenario.interferences.length > 0 ? `; then ${scenario.interferences.join(', ')}` : '';
  const held = scenario.holdsCallbacks ? ', lower callbacks held' : '';
  return `${plans}${then}\n${describeEngineScript(scenario.engine)}${held}`;
}

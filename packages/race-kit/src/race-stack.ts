import type { OperationPlan } from './race-scenario.js';
import type { RaceModule, SweepingModule } from './race-module.js';

/** One operation as the race saw it, for the checks and for {@link RaceStack.expectedFiles}. */
export interface RaceOperation<Request, Outcome> {
  /** Its number, from 1, in start order (re-entrant starts included). */
  readonly n: number;
  /** What the scenario planned for it (the `start` re-entry's operations have a plan of their own). */
  readonly plan: OperationPlan;
  /** The request it was started with. */
  readonly request: Request;
  /** Whether its start() threw (then it must never call back). */
  readonly hasThrown: boolean;
  /** What each callback received, in order (a correct module: exactly one entry unless start() threw). */
  readonly outcomes: readonly Outcome[];
}

/**
 * What the race drives: the module under test on top, every module of the stack (to close at the end), how to make
 * each operation's request, and optionally which files each operation must leave.
 *
 * @typeParam Request - the top module's request.
 * @typeParam Outcome - what its callback receives.
 */
export interface RaceStack<Request, Outcome> {
  /** The module the race starts operations on (and closes, and sweeps if it has cancelAll). */
  readonly top: RaceModule<Request, Outcome>;
  /**
   * The module whose cancelAll() the `cancel-all` re-entry and interference call (the HL cancel-all shape). Default:
   * the top, if it has a cancelAll() method; null for none (a copy that has the method but does not track).
   */
  readonly sweeper?: SweepingModule<never, unknown> | null | undefined;
  /**
   * Every module, top-down, the top first: the end closes them in this order; the `close-bottom` interference closes
   * the last. Default: the top alone.
   */
  readonly modules?: readonly RaceModule<never, unknown>[] | undefined;
  /**
   * The request of operation `n`, whose files must all live in `directory` (that is how the ownership check tells
   * whose an engine call is).
   */
  readonly request: (n: number, directory: string, plan: OperationPlan) => Request;
  /**
   * Whether each operation's engine calls can be told apart (its files live in its own directory, as `request` is
   * asked to do): then an `after-completions` cancel counts the operation's own completions. False when they cannot
   * (a worker pool hashing one shared file): then it counts every completion. Default true.
   */
  readonly hasOwnedCalls?: boolean | undefined;
  /** Releases held work when nothing else can run (a HeldCallbacksModule's flush()); returns whether it did. */
  readonly whenIdle?: (() => boolean) | undefined;
  /**
   * Whether work the scheduler does not see has ended (messages between threads, say): the race keeps settling (up
   * to a bound) until it returns true. Default: always true.
   */
  readonly isSettled?: ((operations: readonly RaceOperation<Request, Outcome>[]) => boolean) | undefined;
  /** What the `stack-fault` interference does (a worker thread crashing, say); without it that interference is a no-op. */
  readonly fault?: (() => void) | undefined;
  /** Checks of the stack's own, run once everything was closed: returns the broken invariants, one line each. */
  readonly checkEnd?: (() => readonly string[]) | undefined;
  /**
   * The files (relative to its directory, sorted) that an operation must leave once everything ended; undefined to
   * skip the check for it. Without this function the stray-files check is off.
   */
  readonly expectedFiles?: ((operation: RaceOperation<Request, Outcome>) => readonly string[] | undefined) | undefined;
  /**
   * Whether an error thrown by the top's start() is an allowed refusal. Default: allowed while a module of the stack
   * is closed or closing (the race closed it and has not reopened it yet).
   */
  readonly isRefusal?: ((error: unknown) => boolean) | undefined;
}

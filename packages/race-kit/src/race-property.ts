import fc from 'fast-check';
import { RaceFailure } from './race-failure.js';
import { RaceRun } from './race-run.js';
import { raceScenario, type RaceScenario, type RaceScenarioOptions } from './race-scenario.js';
import { RaceSession, type RaceSessionOptions } from './race-session.js';
import type { RaceStack } from './race-stack.js';

/** What one run found: the broken invariants (none when the run held) and the kit's log. */
export interface RaceResult {
  /** The broken invariants, one line each, each once. */
  readonly violations: readonly string[];
  /** What the kit did and saw, in order. */
  readonly log: readonly string[];
}

/**
 * Builds the stack of one run over the run's session (its manager, engine and ownership check).
 *
 * @typeParam Request - the top module's request.
 * @typeParam Outcome - what its callback receives.
 */
export type StackBuilder<Request, Outcome> = (
  session: RaceSession,
  scenario: RaceScenario,
) => RaceStack<Request, Outcome>;

/**
 * Runs one scenario on a stack the builder makes, and returns what broke.
 *
 * @param s - the run's scheduler (from `fc.scheduler()`).
 * @param scenario - what to do (from {@link raceScenario}).
 * @param build - makes the stack over the run's session.
 * @param options - the session's root directory and fast-path threshold.
 * @returns the violations and the log; never rejects for a broken invariant.
 * @throws what `build` throws (a broken test setup, not a broken module).
 * @remarks TIMING: resolves once everything settled and was torn down; the timers are restored by then.
 */
export async function runRace<Request, Outcome>(
  s: fc.Scheduler,
  scenario: RaceScenario,
  build: StackBuilder<Request, Outcome>,
  options: RaceSessionOptions = {},
): Promise<RaceResult> {
  const session = new RaceSession(s, scenario.engine, options);
  try {
    await new RaceRun(session, scenario, build(session, scenario)).run();
    return { violations: session.violations.list, log: session.log };
  } finally {
    session.dispose();
  }
}

/** Options of {@link raceProperty}: which scenarios, the session's settings, and an observer. */
export interface RacePropertyOptions extends RaceScenarioOptions, RaceSessionOptions {
  /** Called after every run (a CLI prints the schedule it ran). */
  readonly observe?: ((s: fc.Scheduler, scenario: RaceScenario, result: RaceResult) => void) | undefined;
}

/**
 * The race property of a stack: random interleavings of starts, engine completions (sync, async, held), cancels
 * (every strategy of {@link CancelTiming}), closes, sweeps, faults and re-entrant calls from callbacks, over the
 * scripted engine.
 *
 * @param build - makes the stack of each run (see {@link RaceStack}).
 * @param options - narrows the scenarios; sets the root directory and fast-path threshold.
 * @returns a fast-check property; run it with {@link assertRace} (or `fc.assert`).
 * @remarks A run that breaks an invariant throws a {@link RaceFailure}; fast-check then shrinks the scenario and the
 *   scheduler's choices to a minimal failing interleaving and reports it with the seed.
 */
export function raceProperty<Request, Outcome>(
  build: StackBuilder<Request, Outcome>,
  options: RacePropertyOptions = {},
): fc.IAsyncPropertyWithHooks<[fc.Scheduler, RaceScenario]> {
  return fc.asyncProperty(fc.scheduler(), raceScenario(options), async (s, scenario) => {
    let result: RaceResult = { violations: [], log: [] };
    try {
      result = await runRace(s, scenario, build, options);
    } finally {
      options.observe?.(s, scenario, result);
    }
    if (result.violations.length > 0) throw new RaceFailure(result.violations, scenario, result.log);
  });
}

import { describeScenario, type RaceScenario } from './race-scenario.js';

/** The most lines of the kit's log a failure message shows (a minimal counterexample needs far fewer). */
const MAX_LOG_LINES = 200;

/**
 * The permanent error codes of the race kit. Messages may change; codes never do.
 *
 * @remarks Check `error.code` rather than `instanceof`: codes keep working across duplicate package copies. See
 *   docs/reference/error-codes.md.
 */
export const RaceErrorCode = {
  /** A race property's run broke an invariant ({@link RaceFailure}). */
  RACE_BROKEN: 'ERR_RACE_BROKEN',
} as const;

/** One of the values of {@link RaceErrorCode}. */
export type RaceErrorCode = (typeof RaceErrorCode)[keyof typeof RaceErrorCode];

/**
 * The error a race property throws when a run broke an invariant. Its message lists the broken invariants, the
 * scenario, and the kit's log of the run; fast-check adds its own report (the seed, the path, and the scheduler's
 * tasks in the order they ran) around it.
 */
export class RaceFailure extends Error {
  /** Always `ERR_RACE_BROKEN`. */
  readonly code = RaceErrorCode.RACE_BROKEN;

  /**
   * @param violations - the broken invariants, one line each.
   * @param scenario - the run's scenario.
   * @param log - what the kit did and saw, in order.
   * @param title - names what was raced (`hl / ml-chain / ll-fake-cancel`), if more than the scenario says.
   */
  constructor(
    readonly violations: readonly string[],
    readonly scenario: RaceScenario,
    readonly log: readonly string[],
    readonly title?: string,
  ) {
    super(describeRaceFailure(violations, scenario, log, title));
    this.name = 'RaceFailure';
  }
}

/**
 * The text of a {@link RaceFailure}: the broken invariants, the scenario, and the numbered log.
 *
 * @param violations - the broken invariants.
 * @param scenario - the run's scenario.
 * @param log - the kit's log of the run.
 * @param title - names what was raced, if given.
 */
export function describeRaceFailure(
  violations: readonly string[],
  scenario: RaceScenario,
  log: readonly string[],
  title?: string,
): string {
  const shown = log.slice(0, MAX_LOG_LINES).map((line, index) => `  ${String(index + 1).padStart(3)}. ${line}`);
  if (log.length > MAX_LOG_LINES) shown.push(`  ... and ${log.length - MAX_LOG_LINES} more`);
  return [
    `the race${title === undefined ? '' : ` of ${title}`} broke ${violations.length} invariant(s):`,
    ...violations.map((violation) => `  - ${violation}`),
    'scenario:',
    ...describeScenario(scenario)
      .split('\n')
      .map((line) => `  ${line}`),
    "what happened, in order (the kit's log; fast-check's report adds the scheduler's tasks):",
    ...shown,
  ].join('\n');
}

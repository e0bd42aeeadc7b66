import fc from 'fast-check';

/** How many runs a race property gets when `FC_RUNS` is not set: 100. */
export const DEFAULT_RACE_RUNS = 100;

/** The seed and the run count of race properties. */
export interface RaceParameters {
  /** fast-check's seed: the same seed replays the same runs. */
  readonly seed: number;
  /** How many runs a property gets. */
  readonly numRuns: number;
}

function readInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`Expected the environment variable ${name} to be an integer, got \`${raw}\``);
  }
  return value;
}

/**
 * The seed (`FC_SEED`, or a random one) and the number of runs (`FC_RUNS`, or {@link DEFAULT_RACE_RUNS}).
 *
 * @param env - where to read them; `process.env` by default.
 * @returns both; the same seed replays the same runs.
 * @throws RangeError naming the variable when it is not an integer, or when `FC_RUNS` is below 1.
 */
export function raceParameters(env: NodeJS.ProcessEnv = process.env): RaceParameters {
  const seed = readInteger(env, 'FC_SEED') ?? (Date.now() ^ (Math.random() * 0x100000000)) | 0;
  const numRuns = readInteger(env, 'FC_RUNS') ?? DEFAULT_RACE_RUNS;
  if (numRuns < 1) throw new RangeError(`Expected FC_RUNS to be >= 1, got \`${numRuns}\``);
  return { seed, numRuns };
}

/**
 * Runs a race property with the seed from `FC_SEED` (or a random one) and prints the seed first, so that any failure
 * can be replayed with `FC_SEED=<seed>`.
 *
 * @param property - a property from {@link moduleRaceProperty} or {@link raceProperty}.
 * @param parameters - fast-check parameters; `seed` and `numRuns` given here win over the environment.
 * @param log - where the seed line goes; `console.log` by default.
 * @returns once every run passed.
 * @throws the fast-check failure report: the minimal failing interleaving, with the RaceFailure's text (what broke,
 *   the scenario, the kit's log), the seed and the path to replay it.
 */
export async function assertRace<Ts>(
  property: fc.IAsyncPropertyWithHooks<Ts>,
  parameters: fc.Parameters<Ts> = {},
  log: (line: string) => void = console.log,
): Promise<void> {
  const { seed, numRuns } = raceParameters();
  const chosen = { seed, numRuns, ...parameters };
  log(`race: seed ${chosen.seed}, ${chosen.numRuns} runs (replay: FC_SEED=${chosen.seed})`);
  await fc.assert(property, chosen);
}

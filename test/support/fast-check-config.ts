import { raceParameters } from 'async-op-race-kit';
import fc from 'fast-check';

/** Default runs per property: enough interleavings to matter, small enough to keep CI under 15 minutes. */
const DEFAULT_RUNS = process.env['CI'] ? 300 : 100;

/**
 * Configures fast-check for every suite from FC_SEED and FC_RUNS (read by the race kit), and prints the seed so any
 * failure can be replayed with `FC_SEED=<seed> npm test`.
 */
export function configureFastCheck(): { seed: number; numRuns: number } {
  const { seed, numRuns } = raceParameters({ FC_RUNS: String(DEFAULT_RUNS), ...process.env });
  fc.configureGlobal({ seed, numRuns });
  console.log(`fast-check: seed ${seed}, ${numRuns} runs per property (replay: FC_SEED=${seed} npm test)`);
  return { seed, numRuns };
}

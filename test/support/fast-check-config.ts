import fc from 'fast-check';

/** Default runs per property: enough interleavings to matter, small enough to keep CI under 15 minutes. */
const DEFAULT_RUNS = process.env['CI'] ? 300 : 100;

function readInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`Expected the environment variable ${name} to be an integer, got \`${raw}\``);
  }
  return value;
}

/**
 * Configures fast-check for every suite from FC_SEED and FC_RUNS, and prints the seed so any failure can be replayed
 * with `FC_SEED=<seed> npm test`.
 */
export function configureFastCheck(): { seed: number; numRuns: number } {
  const seed = readInteger('FC_SEED', (Date.now() ^ (Math.random() * 0x100000000)) | 0);
  const numRuns = readInteger('FC_RUNS', DEFAULT_RUNS);
  if (numRuns < 1) throw new RangeError(`Expected FC_RUNS to be >= 1, got \`${numRuns}\``);
  fc.configureGlobal({ seed, numRuns });
  console.log(`fast-check: seed ${seed}, ${numRuns} runs per property (replay: FC_SEED=${seed} npm test)`);
  return { seed, numRuns };
}

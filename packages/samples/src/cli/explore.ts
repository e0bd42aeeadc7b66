import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The part of the pitfall ladder's registry (test/pitfalls, not part of any package) that explore uses. */
interface PitfallRegistry {
  readonly PITFALLS: readonly {
    readonly name: string;
    readonly description: string;
    readonly makeModule: object;
    readonly property: (factories: object, observe?: (s: unknown, scenario: unknown) => void) => unknown;
  }[];
  describeCounterexample(counterexample: never): string;
}

interface CheckDetails {
  readonly failed: boolean;
  readonly numRuns: number;
  readonly seed: number;
  readonly counterexample: unknown;
  readonly counterexamplePath: string | null;
  readonly errorInstance?: unknown;
}

interface FastCheck {
  check(property: unknown, parameters?: object): Promise<CheckDetails>;
}

/** The repository's root, when this file runs from its build (packages/samples/dist/src/cli/explore.js). */
const REPOSITORY_ROOT = new URL('../../../../../', import.meta.url);

/**
 * Where the pitfall ladder's registry is built in the repository under `root`, or an Error saying why explore cannot
 * run: the ladder lives with the repository's tests (test/pitfalls: deliberately broken variants are never part of a
 * package), so `explore` works in a built checkout of the repository, not from an installed package.
 *
 * @param root - the folder that should be the repository's root.
 * @returns the registry's path, or the Error to report.
 */
export function findPitfallRegistry(root: URL = REPOSITORY_ROOT): string | Error {
  let name: unknown;
  try {
    name = (JSON.parse(fs.readFileSync(new URL('package.json', root), 'utf8')) as { name?: unknown }).name;
  } catch {
    // no package.json there: not the repository
  }
  if (name !== 'async-op-monorepo') {
    return new Error(
      'explore runs the pitfall ladder of the async-op repository (test/pitfalls), which the installed package does not ' +
        'carry: clone the repository, run `npm ci && npm run build` there, then `npm start -- explore --list`',
    );
  }
  const registry = fileURLToPath(new URL('test/dist/pitfalls/registry.js', root));
  return fs.existsSync(registry)
    ? registry
    : new Error(`explore needs the repository's test build (${registry}); run \`npm run build\` in the repository`);
}

async function loadRegistry(): Promise<PitfallRegistry> {
  const registry = findPitfallRegistry();
  if (registry instanceof Error) throw registry;
  return (await import(registry)) as PitfallRegistry;
}

/** The names `explore <pitfall>` accepts. */
export async function pitfallNames(): Promise<string[]> {
  return (await loadRegistry()).PITFALLS.map((pitfall) => pitfall.name);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').slice(0, 4).join('\n    ');
}

/**
 * Runs one broken variant under its race property until fast-check finds and shrinks a failing interleaving, prints
 * it, then runs the correct module on the same generated case. Returns whether the ladder held (variant fails,
 * correct module passes).
 */
export async function explore(name: string, log: (line: string) => void): Promise<boolean> {
  const registry = await loadRegistry();
  const pitfall = registry.PITFALLS.find((entry) => entry.name === name);
  if (pitfall === undefined) {
    throw new RangeError(
      `unknown pitfall "${name}"; known: ${registry.PITFALLS.map((entry) => entry.name).join(', ')}`,
    );
  }
  const fc = (await import('fast-check')).default as unknown as FastCheck;
  log(`== explore ${pitfall.name}`);
  log(`   ${pitfall.description}`);
  log('   searching for a failing interleaving (up to 300 generated cases)...');
  const broken = await fc.check(pitfall.property(pitfall.makeModule), { numRuns: 300 });
  if (!broken.failed) {
    log(`   the broken variant passed ${broken.numRuns} runs: no failing interleaving found this time`);
    return false;
  }
  log(`\nbroken variant: fails after ${broken.numRuns} run(s) (seed ${broken.seed}); the minimal interleaving:`);
  log(
    `   ${registry
      .describeCounterexample(broken.counterexample as never)
      .split('\n')
      .join('\n   ')}`,
  );
  log(`   broken because: ${firstLine(broken.errorInstance)}`);
  // the same seed and path regenerate the same case (scenario and scheduler choices) for the correct module
  const parameters = { seed: broken.seed, path: broken.counterexamplePath ?? undefined, endOnFailure: true };
  let lastRun: [unknown, unknown] | undefined;
  const correct = await fc.check(
    pitfall.property({}, (s, scenario) => (lastRun = [s, scenario])),
    parameters,
  );
  log('\ncorrect module, same generated case:');
  if (lastRun !== undefined) {
    log(
      `   ${registry
        .describeCounterexample(lastRun as never)
        .split('\n')
        .join('\n   ')}`,
    );
  }
  log(correct.failed ? `   FAILED: ${firstLine(correct.errorInstance)}` : '   every rule of the contract holds');
  return !correct.failed;
}

import fc from 'fast-check';
import type * as Ladder from '../race/index.js';
import type { StackRaceScenario } from '../race/stack-race-property.js';

/** The ladder, loaded on first use: the other commands of the demo do not pay for the race kit. */
async function loadLadder(): Promise<typeof Ladder> {
  return import('../race/index.js');
}

/** The names `explore <pitfall>` accepts, in ladder order. */
export async function pitfallNames(): Promise<string[]> {
  return (await loadLadder()).PITFALLS.map((pitfall) => pitfall.name);
}

function firstLines(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').slice(0, 4).join('\n    ');
}

/**
 * Runs one broken variant under its race property until fast-check finds and shrinks a failing interleaving, prints
 * it, then runs the unmodified copy it extends and the real sample on the same generated case.
 *
 * @param name - a pitfall's name (see {@link pitfallNames}).
 * @param log - where the lines go.
 * @returns whether the ladder held: the variant fails with its named symptom, the copy and the sample pass.
 * @throws RangeError for an unknown name.
 */
export async function explore(name: string, log: (line: string) => void): Promise<boolean> {
  const { PITFALLS, describeCounterexample } = await loadLadder();
  const pitfall = PITFALLS.find((entry) => entry.name === name);
  if (pitfall === undefined) {
    throw new RangeError(`unknown pitfall "${name}"; known: ${PITFALLS.map((entry) => entry.name).join(', ')}`);
  }
  log(`== explore ${pitfall.name}`);
  log(`   ${pitfall.description}`);
  log('   searching for a failing interleaving (up to 300 generated cases)...');
  const broken = await fc.check(pitfall.property(pitfall.broken), { numRuns: 300 });
  if (!broken.failed) {
    log(`   the broken variant passed ${broken.numRuns} runs: no failing interleaving found this time`);
    return false;
  }
  const counterexample = broken.counterexample as [fc.Scheduler, StackRaceScenario];
  log(`\nbroken variant: fails after ${broken.numRuns} run(s) (seed ${broken.seed}); the minimal interleaving:`);
  log(`   ${describeCounterexample(counterexample).split('\n').join('\n   ')}`);
  log(`   broken because: ${firstLines(broken.errorInstance)}`);
  const message = broken.errorInstance instanceof Error ? broken.errorInstance.message : '';
  const hasSymptom = pitfall.symptom.test(message);
  if (!hasSymptom) log(`   THE SYMPTOM ${String(pitfall.symptom)} IS NOT IN THE COUNTEREXAMPLE: another failure`);
  // the same seed and path regenerate the same case (scenario and scheduler choices) for the copy and the sample
  const path = broken.counterexamplePath;
  const parameters = { seed: broken.seed, endOnFailure: true, ...(path === null ? {} : { path }) };
  let isOk = hasSymptom;
  for (const [title, modules] of [
    ['the unmodified copy (the control)', pitfall.control],
    ['the real sample', {}],
  ] as const) {
    let lastRun: [fc.Scheduler, StackRaceScenario] | undefined;
    const run = await fc.check(
      pitfall.property(modules, (s, scenario) => (lastRun = [s, scenario])),
      parameters,
    );
    log(`\n${title}, same generated case:`);
    if (lastRun !== undefined) log(`   ${describeCounterexample(lastRun).split('\n').join('\n   ')}`);
    log(run.failed ? `   FAILED: ${firstLines(run.errorInstance)}` : '   every rule of the contract holds');
    isOk &&= !run.failed;
  }
  return isOk;
}

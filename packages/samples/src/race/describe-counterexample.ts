import type fc from 'fast-check';
import { describeScenario } from 'async-op-race-kit';
import { stackTitle } from '../stacks/sample-stacks.js';
import type { StackRaceScenario } from './stack-race-property.js';

/**
 * A compact, one-screen account of a stack race's counterexample: the stack, the scenario, and the scheduler's tasks
 * in the order they ran.
 *
 * @param counterexample - what fast-check reports (or what `observe` received).
 */
export function describeCounterexample(counterexample: readonly [fc.Scheduler, StackRaceScenario]): string {
  const [s, scenario] = counterexample;
  const tasks = s.report().map((task) => String(task.outputValue ?? task.label).replace(/^"|"$/g, ''));
  return [
    stackTitle(scenario.stack, scenario.lowLevel),
    ...describeScenario(scenario.race)
      .split('\n')
      .map((line) => `  ${line}`),
    `  ${tasks.length} scheduled tasks ran, in this order:`,
    ...tasks.map((task, index) => `  ${String(index + 1).padStart(3)}. ${task}`),
  ].join('\n');
}

/** How many scheduled tasks the counterexample ran (its size, for the ladder table). */
export function counterexampleSize(counterexample: readonly [fc.Scheduler, StackRaceScenario]): number {
  return counterexample[0].report().length;
}

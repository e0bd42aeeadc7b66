/**
 * `npm run bench -- --repeat N <group>`: a group run N times in fresh processes, its goals judged on the median of the
 * runs. On this machine one run's ratio moves by +-15%, so a goal near its target needs several runs to be judged.
 */
import { meetsGoal } from './goals.js';
import type { GoalReport, ResultFile } from './report.js';
import { round, summarize, type Summary } from './stats.js';

/** The most runs one command may ask for (each async group run takes 1-4 minutes). */
export const MAX_REPEAT = 20;

/** One goal over the runs: every run's value, their median, min and max, and `met` judged on the median. */
export interface RepeatedGoal extends Omit<GoalReport, 'value'> {
  /** Each run's value; null for a run that did not report the goal. */
  readonly values: readonly (number | null)[];
  readonly summary: Summary;
  /** How many runs met the goal on their own. */
  readonly runsMet: number;
}

/** What bench/results/node<major>/<group>.repeat.json holds. */
export interface RepeatFile {
  readonly group: string;
  /** The Node that ran every run, e.g. `v24.22.3`. */
  readonly node: string;
  readonly command: string;
  readonly runs: number;
  /** Start time of each run (ISO). */
  readonly dates: readonly string[];
  readonly goals: readonly RepeatedGoal[];
  readonly note: string;
}

/**
 * Parses `--repeat N` out of the runner's arguments.
 *
 * @returns the number of runs (1 without the flag) and the other arguments.
 * @throws RangeError for a count that is not an integer from 1 to MAX_REPEAT, naming the value received.
 */
export function parseRepeat(args: readonly string[]): { readonly repeat: number; readonly rest: string[] } {
  const rest = [...args];
  const at = rest.indexOf('--repeat');
  if (at === -1) return { repeat: 1, rest };
  const text = rest[at + 1];
  const repeat = Number(text);
  if (text === undefined || !Number.isInteger(repeat) || repeat < 1 || repeat > MAX_REPEAT) {
    throw new RangeError(
      `Expected \`--repeat\` to be followed by an integer from 1 to ${MAX_REPEAT}, got ${JSON.stringify(text ?? null)}`,
    );
  }
  rest.splice(at, 2);
  return { repeat, rest };
}

/** Judges every goal of the runs (all of one group) on the median of its values. */
export function summarizeRepeats(results: readonly ResultFile[], command: string): RepeatFile {
  const first = results[0];
  if (first === undefined) throw new RangeError('Cannot summarize zero runs');
  const goals = first.goals.map(({ value: _first, ...goal }): RepeatedGoal => {
    const values = results.map((result) => result.goals.find((other) => other.name === goal.name)?.value ?? null);
    const measured = values.filter((value): value is number => value !== null);
    const summary = summarize(measured);
    return {
      ...goal,
      values,
      summary: { median: round(summary.median, 3), min: summary.min, max: summary.max },
      runsMet: measured.filter((value) => meetsGoal(goal, value)).length,
      met: meetsGoal(goal, summary.median),
    };
  });
  return {
    group: first.group,
    node: first.node,
    command,
    runs: results.length,
    dates: results.map((result) => result.date),
    goals,
    note:
      'each run in a fresh process, one after the other; <group>.json beside this file is the last run. A goal is met ' +
      'here when the median of its values over the runs meets it.',
  };
}

/** The summary as lines for the terminal. */
export function formatRepeats(file: RepeatFile): string {
  const lines = [`${file.group} on node ${file.node}: goals over ${file.runs} runs (judged on the median)`];
  for (const goal of file.goals) {
    const { median, min, max } = goal.summary;
    lines.push(
      `  [${goal.met ? 'met' : 'NOT MET'}] ${goal.name}: median ${median} ${goal.unit} (${min} - ${max}), ` +
        `target ${goal.comparison} ${goal.target}; met in ${goal.runsMet} of ${file.runs} runs; ` +
        `runs: ${goal.values.join(', ')}`,
    );
  }
  return lines.join('\n');
}

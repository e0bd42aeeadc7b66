/**
 * `npm run bench -- --quick <group>`: a smoke run that checks a group works end to end (every case runs, every check
 * holds, the report and chart are written) in a fraction of its time. Timed rounds are cut to one or two and the group
 * may shrink its workloads; its figures are not comparable with a full run's, so the runner writes them under
 * bench/results/quick/ (not committed) and marks the report.
 */
import { ENV_QUICK } from './group-registry.js';

/** Whether this group process is a `--quick` smoke run. */
export function isQuickRun(): boolean {
  return process.env[ENV_QUICK] === '1';
}

/** The rounds a timing loop runs: as asked, or one to two in a quick run. */
export function quickRounds(minRounds: number, maxRounds: number): { readonly min: number; readonly max: number } {
  return isQuickRun() ? { min: 1, max: Math.min(2, maxRounds) } : { min: minRounds, max: maxRounds };
}

/** `full` in a full run, `quick` in a quick one (a smaller workload: fewer repetitions, a smaller file). */
export function quickOr<T>(full: T, quick: T): T {
  return isQuickRun() ? quick : full;
}

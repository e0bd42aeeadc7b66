/**
 * The progress of a group process: on a terminal (stdout and stderr both TTYs), one status line rewritten in place
 * with the section, the case, the run and the time left; otherwise nothing beyond the plain progress lines the groups
 * log (lib/group-output.ts), so that logs and CI output stay one line per event.
 */
import { ENV_BUDGET_MS, ENV_GROUP } from './group-registry.js';

/** Whether the status line is drawn (decided once: a group's output does not move between a terminal and a file). */
export const isLiveProgress = process.stdout.isTTY === true && process.stderr.isTTY === true;

let shown = '';

function draw(text: string): void {
  const width = Math.max(20, (process.stderr.columns || 100) - 1);
  shown = text.length > width ? `${text.slice(0, width - 1)}…` : text;
  process.stderr.write(`\r\u001b[K${shown}`);
}

/** Seconds as `1 m 05 s` or `42 s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} m ${String(seconds % 60).padStart(2, '0')} s`;
}

/** The time left before the runner kills this group process (its budget, counted from the process start), ms. */
export function groupTimeLeftMs(): number {
  const budget = Number(process.env[ENV_BUDGET_MS]);
  return Number.isFinite(budget) && budget > 0 ? budget - performance.now() : Number.NaN;
}

/**
 * Shows where a group is, on a terminal: `[group] budget left <time> · <where>`. Does nothing when the output is not a
 * terminal.
 *
 * @param where - the section, run and case, and the section's own time left if known (one line, the case name last).
 */
export function showProgress(where: string): void {
  if (!isLiveProgress) return;
  const group = process.env[ENV_GROUP] ?? 'bench';
  const left = groupTimeLeftMs();
  // the times first: a long case name is what a narrow terminal cuts
  draw(`[${group}]${Number.isNaN(left) ? '' : ` budget left ${formatDuration(left)} ·`} ${where}`);
}

/** Writes a whole line to stderr, above the status line (which is drawn again below it). */
export function writeProgressLine(line: string): void {
  if (!isLiveProgress || shown === '') {
    process.stderr.write(`${line}\n`);
    return;
  }
  const status = shown;
  process.stderr.write(`\r\u001b[K${line}\n`);
  draw(status);
}

/** Removes the status line (at the end of a group, before its report). */
export function clearProgress(): void {
  if (!isLiveProgress || shown === '') return;
  process.stderr.write('\r\u001b[K');
  shown = '';
}

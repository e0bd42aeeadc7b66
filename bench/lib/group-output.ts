import { writeFileSync } from 'node:fs';
import { findGroup, ENV_BUDGET_MS, ENV_REPORT_FILE } from './group-registry.js';
import { clearProgress, writeProgressLine } from './progress.js';
import { computeRatios } from './ratios.js';
import type { GroupReport } from './report.js';

/** Progress lines of a group process go to stderr (the runner shows them as they come), above its status line. */
export function logProgress(group: string, line: string): void {
  writeProgressLine(`[${group}] ${line}`);
}

/** The time budget of this group process: from the runner, else the registry default. */
export function groupBudgetMs(group: string): number {
  const fromEnv = Number(process.env[ENV_BUDGET_MS]);
  if (Number.isFinite(fromEnv) && fromEnv > 0) return fromEnv;
  const info = findGroup(group);
  if (info === undefined) throw new Error(`Group ${group} is not in bench/lib/group-registry.ts`);
  return info.budgetMs;
}

/** Hands the report to the runner (a file it named), or prints it when the group file is run directly. */
export function emitReport(report: GroupReport): void {
  clearProgress();
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const file = process.env[ENV_REPORT_FILE];
  if (file === undefined || file === '') process.stdout.write(json);
  else writeFileSync(file, json);
}

/**
 * Reports a group that cannot run here (a missing kernel feature or addon): no case, no goal, one note saying why.
 *
 * @param started - the group's `performance.now()` at its start.
 */
export function emitSkipped(group: string, reason: string, started: number): void {
  logProgress(group, `skipped: ${reason}`);
  emitReport({
    group,
    description: findGroup(group)?.description ?? group,
    method: {},
    cases: [],
    ratios: computeRatios([], []),
    goals: [],
    notes: [`skipped: ${reason}`],
    durationMs: Math.round(performance.now() - started),
  });
}

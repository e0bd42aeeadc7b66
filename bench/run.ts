/**
 * The benchmark runner: `npm run bench` runs every group, `npm run bench -- <group>...` the named ones.
 * Each group runs in a fresh node process with fixed flags and a time budget; the runner prints its table and writes
 * bench/results/<group>.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatResult } from './lib/format-table.js';
import {
  ENV_BUDGET_MS,
  ENV_REPORT_FILE,
  GROUPS,
  GROUP_NODE_FLAGS,
  findGroup,
  type GroupInfo,
} from './lib/group-registry.js';
import type { GroupReport, ResultFile } from './lib/report.js';

const benchDir = fileURLToPath(new URL('..', import.meta.url)); // bench/dist/run.js -> bench/
const repoDir = fileURLToPath(new URL('../..', import.meta.url));
const resultsDir = `${benchDir}results`;

/** The groups named on the command line (all when none); exits with code 2 on an unknown name. */
function selectGroups(args: readonly string[]): GroupInfo[] {
  if (args.length === 0) return [...GROUPS];
  const unknown = args.filter((name) => findGroup(name) === undefined);
  if (unknown.length > 0) {
    process.stderr.write(
      `bench: unknown group${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}\n` +
        `Known groups: ${GROUPS.map((group) => group.name).join(', ')}\n` +
        'Usage: npm run bench [-- <group>...]   (no group: run them all)\n',
    );
    process.exit(2);
  }
  return [...new Set(args)].map((name) => findGroup(name)).filter((group) => group !== undefined);
}

function relative(path: string): string {
  return path.startsWith(repoDir) ? path.slice(repoDir.length) : path;
}

/** Runs one group in a fresh process; returns its result file, or an error message. */
function runGroup(group: GroupInfo, command: string): ResultFile | string {
  const script = `${benchDir}dist/groups/${group.name}.js`;
  if (!existsSync(script)) return `${relative(script)} does not exist: run npm run build first`;
  const reportFile = `${resultsDir}/${group.name}.json.tmp`;
  rmSync(reportFile, { force: true });
  const args = [...GROUP_NODE_FLAGS, script];
  const date = new Date().toISOString();
  const loadAverage1m = Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
  process.stderr.write(`bench: ${group.name} (budget ${group.budgetMs / 1000} s)\n`);
  const child = spawnSync(process.execPath, args, {
    cwd: repoDir,
    stdio: 'inherit',
    timeout: group.budgetMs,
    killSignal: 'SIGKILL',
    env: { ...process.env, [ENV_REPORT_FILE]: reportFile, [ENV_BUDGET_MS]: String(group.budgetMs) },
  });
  if (child.error !== undefined) {
    const timedOut = (child.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
    return timedOut ? `killed at its ${group.budgetMs / 1000} s budget` : child.error.message;
  }
  if (child.status !== 0) return `exited with ${child.status ?? child.signal ?? 'unknown status'}`;
  if (!existsSync(reportFile)) return 'exited without writing its report';
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as GroupReport;
  rmSync(reportFile, { force: true });
  const cpus = os.cpus();
  return {
    group: report.group,
    description: report.description,
    node: process.version,
    v8: process.versions.v8,
    date,
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      platform: `${os.platform()} ${os.release()}`,
      arch: os.arch(),
      totalMemoryMiB: Math.round(os.totalmem() / 2 ** 20),
      loadAverage1m,
    },
    command,
    groupCommand: `node ${args.map(relative).join(' ')}`,
    method: report.method,
    durationMs: report.durationMs,
    cases: report.cases,
    ratios: report.ratios,
    goals: report.goals,
    notes: report.notes,
  };
}

function main(): void {
  const args = process.argv.slice(2);
  const groups = selectGroups(args);
  const command =
    process.env.npm_lifecycle_event === 'bench'
      ? `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`
      : `node bench/dist/run.js${args.length > 0 ? ` ${args.join(' ')}` : ''}`;
  mkdirSync(resultsDir, { recursive: true });
  const failures: string[] = [];
  for (const group of groups) {
    const result = runGroup(group, command);
    if (typeof result === 'string') {
      failures.push(`${group.name}: ${result}`);
      process.stderr.write(`bench: ${group.name} failed: ${result}\n`);
      continue;
    }
    const file = `${resultsDir}/${group.name}.json`;
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`\n${formatResult(result)}\n\nwritten: ${relative(file)}\n`);
  }
  if (failures.length > 0) {
    process.stderr.write(`bench: ${failures.length} group(s) failed:\n  ${failures.join('\n  ')}\n`);
    process.exit(1);
  }
}

main();

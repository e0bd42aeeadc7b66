/**
 * The benchmark runner: `npm run bench` runs every group, `npm run bench -- <group>...` the named ones.
 * Each group runs in a fresh node process with fixed flags and a time budget; the runner prints its table and writes
 * bench/results/<group>.json. `--repeat N` runs each named group N times and also writes
 * bench/results/<group>.repeat.json: every goal's values over the runs, judged on their median.
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
import { MAX_REPEAT, formatRepeats, parseRepeat, summarizeRepeats } from './lib/repeat-summary.js';

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
        `Usage: npm run bench [-- [--repeat N] <group>...]   (no group: run them all; N: 1-${MAX_REPEAT} runs each)\n`,
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

/** The runner's arguments: `--repeat N` and the groups; exits with code 2 on a bad count. */
function parseArgs(args: readonly string[]): { readonly repeat: number; readonly groups: GroupInfo[] } {
  try {
    const { repeat, rest } = parseRepeat(args);
    return { repeat, groups: selectGroups(rest) };
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const { repeat, groups } = parseArgs(args);
  const command =
    process.env.npm_lifecycle_event === 'bench'
      ? `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`
      : `node bench/dist/run.js${args.length > 0 ? ` ${args.join(' ')}` : ''}`;
  mkdirSync(resultsDir, { recursive: true });
  const failures: string[] = [];
  for (const group of groups) {
    const results: ResultFile[] = [];
    for (let run = 1; run <= repeat; run++) {
      if (repeat > 1) process.stderr.write(`bench: ${group.name} run ${run} of ${repeat}\n`);
      const result = runGroup(group, command);
      if (typeof result === 'string') {
        failures.push(`${group.name}: ${result}`);
        process.stderr.write(`bench: ${group.name} failed: ${result}\n`);
        break;
      }
      results.push(result);
      const file = `${resultsDir}/${group.name}.json`;
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
      process.stdout.write(`\n${formatResult(result)}\n\nwritten: ${relative(file)}\n`);
    }
    if (repeat > 1 && results.length === repeat) {
      const summary = summarizeRepeats(results, command);
      const file = `${resultsDir}/${group.name}.repeat.json`;
      writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
      process.stdout.write(`\n${formatRepeats(summary)}\n\nwritten: ${relative(file)}\n`);
    }
  }
  if (failures.length > 0) {
    process.stderr.write(`bench: ${failures.length} group(s) failed:\n  ${failures.join('\n  ')}\n`);
    process.exit(1);
  }
}

main();

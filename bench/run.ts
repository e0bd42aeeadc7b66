/**
 * The benchmark runner: `npm run bench` runs every group, `npm run bench -- <group>...` the named ones.
 * Each group runs in a fresh node process with fixed flags and a time budget, on the Node `--node` names (default: the
 * one running this file); the runner prints its table and writes bench/results/node<major>/<group>.json and its chart,
 * <group>.svg. `--repeat N` runs each named group N times and also writes <group>.repeat.json: every goal's values over
 * the runs, judged on their median (the chart then shows the spread over the runs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatResult } from './lib/format-table.js';
import {
  ENV_BUDGET_MS,
  ENV_GROUP,
  ENV_QUICK,
  ENV_REPORT_FILE,
  GROUPS,
  GROUP_NODE_FLAGS,
  findGroup,
  type GroupInfo,
} from './lib/group-registry.js';
import { resolveNode, resultsDirFor, type NodeChoice } from './lib/node-choice.js';
import type { GroupReport, ResultFile } from './lib/report.js';
import { MAX_REPEAT, formatRepeats, summarizeRepeats } from './lib/repeat-summary.js';
import { resultChartSvg } from './lib/result-chart.js';
import { parseRunnerArgs } from './lib/runner-args.js';

const benchDir = fileURLToPath(new URL('..', import.meta.url)); // bench/dist/run.js -> bench/
const repoDir = fileURLToPath(new URL('../..', import.meta.url));
const USAGE =
  `Usage: npm run bench [-- [--repeat N] [--node <major|path>] [--quick] <group>...]   (no group: run them all; ` +
  `N: 1-${MAX_REPEAT} runs each; --node 24: the pinned Node 24 that .ci/install-node-versions installs; ` +
  '--quick: a smoke run, results under bench/results/quick/)';

/** The groups named on the command line (all when none); exits with code 2 on an unknown name. */
function selectGroups(args: readonly string[]): GroupInfo[] {
  if (args.length === 0) return [...GROUPS];
  const unknown = args.filter((name) => findGroup(name) === undefined);
  if (unknown.length > 0) {
    process.stderr.write(
      `bench: unknown group${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}\n` +
        `Known groups: ${GROUPS.map((group) => group.name).join(', ')}\n${USAGE}\n`,
    );
    process.exit(2);
  }
  return [...new Set(args)].map((name) => findGroup(name)).filter((group) => group !== undefined);
}

function relative(path: string): string {
  return path.startsWith(repoDir) ? path.slice(repoDir.length) : path;
}

/**
 * Runs the group's checks (bench/checks: conditions its figures rely on, such as V8 keeping optimized code) on `node`,
 * each in a fresh process; returns the first failure, or undefined when all pass.
 */
function runChecks(group: GroupInfo, node: NodeChoice): string | undefined {
  for (const check of group.checks ?? []) {
    const script = `${benchDir}dist/checks/${check}.js`;
    const child = spawnSync(node.execPath, [script], { cwd: repoDir, stdio: 'inherit' });
    if (child.status !== 0) return `its check ${check} failed (exit ${child.status ?? child.signal ?? 'unknown'})`;
  }
  return undefined;
}

/** Runs one group in a fresh process on `node`; returns its result file, or an error message. */
function runGroup(
  group: GroupInfo,
  command: string,
  node: NodeChoice,
  resultsDir: string,
  quick: boolean,
): ResultFile | string {
  const script = `${benchDir}dist/groups/${group.name}.js`;
  if (!existsSync(script)) return `${relative(script)} does not exist: run npm run build first`;
  const failedCheck = runChecks(group, node);
  if (failedCheck !== undefined) return failedCheck;
  const reportFile = `${resultsDir}/${group.name}.json.tmp`;
  rmSync(reportFile, { force: true });
  const args = [...GROUP_NODE_FLAGS, script];
  const date = new Date().toISOString();
  const loadAverage1m = Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
  process.stderr.write(`bench: ${group.name} on node ${node.version} (budget ${group.budgetMs / 1000} s)\n`);
  const child = spawnSync(node.execPath, args, {
    cwd: repoDir,
    stdio: 'inherit',
    timeout: group.budgetMs,
    killSignal: 'SIGKILL',
    env: {
      ...process.env,
      [ENV_REPORT_FILE]: reportFile,
      [ENV_BUDGET_MS]: String(group.budgetMs),
      [ENV_GROUP]: group.name,
      [ENV_QUICK]: quick ? '1' : '0',
    },
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
    node: node.version,
    v8: node.v8,
    napi: node.napi,
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
    ...(quick ? { quick: 'a --quick smoke run: one or two rounds, figures not comparable with full runs' } : {}),
    groupCommand: `${relative(node.execPath)} ${args.map(relative).join(' ')}`,
    method: report.method,
    durationMs: report.durationMs,
    cases: report.cases,
    ratios: report.ratios,
    goals: report.goals,
    notes: report.notes,
    ...(report.chartPanels === undefined ? {} : { chartPanels: report.chartPanels }),
  };
}

/** The runner's arguments: `--repeat N`, `--node`, the groups; exits with code 2 on a bad one. */
function parseArgs(args: readonly string[]): {
  readonly repeat: number;
  readonly node: NodeChoice;
  readonly quick: boolean;
  readonly groups: GroupInfo[];
} {
  try {
    const parsed = parseRunnerArgs(args);
    const node = resolveNode(parsed.node, repoDir);
    return { repeat: parsed.repeat, node, quick: parsed.quick, groups: selectGroups(parsed.groups) };
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
}

/** Writes `text` to `file` and says so. */
function write(file: string, text: string): void {
  writeFileSync(file, text);
  process.stdout.write(`written: ${relative(file)}\n`);
}

function main(): void {
  const args = process.argv.slice(2);
  const { repeat, node, quick, groups } = parseArgs(args);
  const command =
    process.env.npm_lifecycle_event === 'bench'
      ? `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`
      : `node bench/dist/run.js${args.length > 0 ? ` ${args.join(' ')}` : ''}`;
  const resultsDir = resultsDirFor(benchDir, node.major, quick);
  mkdirSync(resultsDir, { recursive: true });
  process.stderr.write(`bench: node ${node.version} (${node.execPath}); results in ${relative(resultsDir)}/\n`);
  const failures: string[] = [];
  for (const group of groups) {
    const results: ResultFile[] = [];
    for (let run = 1; run <= repeat; run++) {
      if (repeat > 1) process.stderr.write(`bench: ${group.name} run ${run} of ${repeat}\n`);
      const result = runGroup(group, command, node, resultsDir, quick);
      if (typeof result === 'string') {
        failures.push(`${group.name}: ${result}`);
        process.stderr.write(`bench: ${group.name} failed: ${result}\n`);
        break;
      }
      results.push(result);
      process.stdout.write(`\n${formatResult(result)}\n\n`);
      write(`${resultsDir}/${group.name}.json`, `${JSON.stringify(result, null, 2)}\n`);
      write(`${resultsDir}/${group.name}.svg`, resultChartSvg([result]));
    }
    if (repeat > 1 && results.length === repeat) {
      const summary = summarizeRepeats(results, command);
      process.stdout.write(`\n${formatRepeats(summary)}\n\n`);
      write(`${resultsDir}/${group.name}.repeat.json`, `${JSON.stringify(summary, null, 2)}\n`);
      write(`${resultsDir}/${group.name}.svg`, resultChartSvg(results));
    }
  }
  if (failures.length > 0) {
    process.stderr.write(`bench: ${failures.length} group(s) failed:\n  ${failures.join('\n  ')}\n`);
    process.exit(1);
  }
}

main();

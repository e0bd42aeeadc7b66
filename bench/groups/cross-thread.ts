/**
 * Group `cross-thread`: the cancel that crosses threads (async-op's cancel slots) and the worker-pool sample, in three
 * sections measured in one process (the sections live in lib/cross-thread/):
 * 1. the cost of the one-load check a busy loop makes, against a plain Atomics.load (and AbortSignal.aborted, which
 *    sees no cancel from another thread); what a waiting task pays to be wakeable: the table's shared doorbell against
 *    one Atomics.waitAsync per task (the measurement behind the doorbell's design);
 * 2. cancel latency, p50 and p99, to a busy worker and to an idle one: a cancel slot against a transferable AbortSignal
 *    posted over the worker's port;
 * 3. tasks per second through a pool of 2 threads with 10% of the tasks canceled while they run: the worker-pool
 *    sample against piscina 5 canceling by its abort signal.
 * Run through `npm run bench -- cross-thread` (a fresh process).
 */
import { goalAtLeast, goalAtMost } from '../lib/goals.js';
import { emitReport, groupBudgetMs, logProgress } from '../lib/group-output.js';
import { GROUP_NODE_FLAGS, findGroup } from '../lib/group-registry.js';
import { computeRatios, type Comparison } from '../lib/ratios.js';
import type { CaseReport, GroupReport } from '../lib/report.js';
import { round, summarize } from '../lib/stats.js';
import { timeCases } from '../lib/time-cases.js';
import { CHECK_NAMES, checkCases, measureWakeCost, WAKE_NAMES } from '../lib/cross-thread/check-cost.js';
import { LATENCY_NAMES, measureCancelLatency, percentile } from '../lib/cross-thread/cancel-latency.js';
import { caseFrom } from '../lib/cross-thread/case-from.js';
import { piscinaPool, POOL_NAMES, POOL_RUN, samplePool } from '../lib/cross-thread/pool-throughput.js';
import { tasksPerSecond, timePools } from '../lib/cross-thread/time-pools.js';

const GROUP = 'cross-thread';
const WAKE_TASKS = 20_000;
const WAKE_REPETITIONS = 5;

async function main(): Promise<void> {
  const started = performance.now();
  const budgetMs = groupBudgetMs(GROUP);
  const log = (line: string): void => logProgress(GROUP, line);
  log(`budget ${budgetMs} ms`);

  // 1. the check, interleaved with its floor; then the wake cost per task
  const check = checkCases();
  const timing = {
    targetBatchMs: 20,
    warmupMs: 200,
    minRounds: 10,
    maxRounds: 30,
    deadline: started + budgetMs * 0.15,
    log,
  };
  const checkTimings = timeCases(check.cases, timing);
  check.dispose();
  const wake = await measureWakeCost(WAKE_TASKS, WAKE_REPETITIONS);
  const checkDone = performance.now();

  // 2. cancel latency, the four cases interleaved
  const latency = await measureCancelLatency({
    minRounds: 50,
    maxRounds: 400,
    deadline: started + budgetMs * 0.45,
    maxDelayMs: 2,
    log,
  });
  const latencyDone = performance.now();

  // 3. the pools, alternated
  const pools = [samplePool(), piscinaPool()];
  let poolResults;
  try {
    poolResults = await timePools(pools, started + budgetMs * 0.8, log);
  } finally {
    for (const pool of pools) await pool.close();
  }

  const cases: CaseReport[] = [
    ...checkTimings.map((timed) =>
      caseFrom(
        timed.name,
        check.cases.find((c) => c.name === timed.name)?.role ?? 'subject',
        timed.samples,
        timed.iterationsPerBatch,
      ),
    ),
    ...Object.entries(wake).map(([name, summary]) =>
      caseFrom(
        name,
        name === WAKE_NAMES.doorbell ? 'subject' : 'baseline',
        [summary.median, summary.min, summary.max],
        WAKE_TASKS,
      ),
    ),
  ];
  const micros = (name: string): number[] => latency.get(name) ?? [];
  for (const name of Object.values(LATENCY_NAMES)) {
    const values = micros(name);
    cases.push(
      caseFrom(
        name,
        name.startsWith('cancel slot') ? 'subject' : 'baseline',
        values.map((us) => us * 1000),
        1,
        {
          latencyMicros: {
            p50: round(percentile(values, 0.5)),
            p99: round(percentile(values, 0.99)),
            max: round(Math.max(...values)),
            samples: values.length,
          },
        },
      ),
    );
  }
  for (const [name, result] of poolResults) {
    const perTask = summarize(result.perTaskNs);
    cases.push(
      caseFrom(name, name === POOL_NAMES.sample ? 'subject' : 'baseline', result.perTaskNs, POOL_RUN.tasks, {
        tasksPerSecond: tasksPerSecond(perTask),
        threadsRestarted: result.restarted,
        tasksCanceled: result.canceled,
      }),
    );
  }
  const median = (name: string): number => cases.find((c) => c.name === name)?.nsPerOp.median ?? Number.NaN;
  const p99 = (name: string): number => percentile(micros(name), 0.99);
  const sample = poolResults.get(POOL_NAMES.sample);
  const comparisons: Comparison[] = [
    { subject: CHECK_NAMES.check, baseline: CHECK_NAMES.floor, metrics: ['time'] },
    { subject: WAKE_NAMES.doorbell, baseline: WAKE_NAMES.perTask, metrics: ['time'] },
    { subject: LATENCY_NAMES.sharedBusy, baseline: LATENCY_NAMES.signalBusy, metrics: ['time'] },
    { subject: LATENCY_NAMES.sharedIdle, baseline: LATENCY_NAMES.signalIdle, metrics: ['time'] },
    { subject: POOL_NAMES.sample, baseline: POOL_NAMES.piscina, metrics: ['time'] },
  ];

  const report: GroupReport = {
    group: GROUP,
    description: findGroup(GROUP)?.description ?? GROUP,
    method: {
      nodeFlags: process.execArgv.length > 0 ? process.execArgv : GROUP_NODE_FLAGS,
      check: { ...timing, deadline: undefined, log: undefined, reading: 'interleaved batches (lib/time-cases.ts)' },
      wake: {
        tasks: WAKE_TASKS,
        repetitions: WAKE_REPETITIONS,
        reading: 'ns per task of a batch, every promise settled; the case rows give median, min, max of the batches',
      },
      latency: {
        reading:
          'process.hrtime before cancel()/abort() on the owner, and when the worker saw it (a listener, or the check returning true), in the worker; same monotonic clock; a random 0-2 ms wait after the worker is ready; the case rows give ns, latencyMicros p50/p99',
        busySliceMs: 1,
      },
      pool: { ...POOL_RUN, reading: 'wall time of a run of `tasks` tasks, `window` in flight; runs alternated' },
      phaseMs: {
        check: Math.round(checkDone - started),
        latency: Math.round(latencyDone - checkDone),
        pool: Math.round(performance.now() - latencyDone),
      },
    },
    cases,
    ratios: computeRatios(cases, comparisons),
    goals: [
      goalAtMost(
        'one-load check / plain Atomics.load (median ns/op)',
        median(CHECK_NAMES.check) / median(CHECK_NAMES.floor),
        2,
        'x',
      ),
      goalAtMost(
        'p99 cancel latency to a busy worker: cancel slot / transferable AbortSignal',
        p99(LATENCY_NAMES.sharedBusy) / p99(LATENCY_NAMES.signalBusy),
        1,
        'x',
      ),
      goalAtMost(
        'p99 cancel latency to an idle worker: cancel slot / transferable AbortSignal',
        p99(LATENCY_NAMES.sharedIdle) / p99(LATENCY_NAMES.signalIdle),
        1,
        'x',
      ),
      goalAtLeast(
        'tasks/s with 10% canceled: worker-pool sample / piscina 5',
        median(POOL_NAMES.piscina) / median(POOL_NAMES.sample),
        2,
        'x',
      ),
      goalAtMost(
        'worker-pool sample: threads restarted during the timed runs',
        sample?.restarted ?? Number.NaN,
        0,
        'threads',
      ),
    ],
    notes: [
      `${LATENCY_NAMES.signalBusy}: a loop that never yields never sees a posted signal; this one yields every 1 ms (setImmediate), as work split into slices does.`,
      `${POOL_NAMES.piscina}: piscina terminates the worker of a running task whose signal aborts, and starts another; threadsRestarted counts them.`,
      'Every figure comes from this run; on a shared machine compare ratios, not absolute values.',
    ],
    durationMs: Math.round(performance.now() - started),
  };
  emitReport(report);
}

await main();

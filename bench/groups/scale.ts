/**
 * Group `scale`: work whose cost per operation must not grow with the number of operations: HL cancel-all's sweep
 * at 10^4, 10^5 and 10^6 pending, and many ops following one AbortSignal at 10^3, 10^4 and 10^5 followers.
 * Run through `npm run bench -- scale` (a fresh process with --expose-gc and a 64 MB young generation).
 */
import { goalAtMost } from '../lib/goals.js';
import { emitReport, groupBudgetMs, logProgress } from '../lib/group-output.js';
import { GROUP_NODE_FLAGS, findGroup } from '../lib/group-registry.js';
import { computeRatios } from '../lib/ratios.js';
import type { GroupReport } from '../lib/report.js';
import { cancelAllSweep } from '../lib/scale/cancel-all-sweep.js';
import { spread, timeScaleCase, WARMUP_OPS, type ScaleOptions } from '../lib/scale/scale-run.js';
import { reportsOf } from '../lib/scale/scale-reports.js';
import { signalFollowers } from '../lib/scale/signal-followers.js';

const GROUP = 'scale';
const CANCEL_ALL_SIZES = [10_000, 100_000, 1_000_000] as const;
const FOLLOWER_SIZES = [1_000, 10_000, 100_000] as const;
/** The goal: the largest size's ns/op within this factor of the smallest's (flat, allowing for cache effects). */
const MAX_SPREAD = 2;

async function main(): Promise<void> {
  const started = performance.now();
  const budgetMs = groupBudgetMs(GROUP);
  const log = (line: string): void => {
    logProgress(GROUP, line);
  };
  log(`budget ${budgetMs} ms`);
  const options = (deadlineShare: number, minTotalOps: number): ScaleOptions => ({
    minRepetitions: 1,
    minTotalOps,
    maxRepetitions: 30,
    deadline: started + budgetMs * deadlineShare,
    hardDeadline: started + budgetMs * 0.9,
    log,
  });

  // 1. cancel-all: up to 40% of the budget (a million pending operations take a few seconds to set up)
  const sweep = timeScaleCase(cancelAllSweep(CANCEL_ALL_SIZES), options(0.4, 3_000_000));
  const sweepDone = performance.now();
  // 2. followers of one signal: up to 80% (the rest is slack for a slow repetition that started before the deadline)
  const followers = timeScaleCase(signalFollowers(FOLLOWER_SIZES), options(0.8, 1_000_000));

  const sweepReports = reportsOf(sweep);
  const followerReports = reportsOf(followers);
  const cases = [...sweepReports.cases, ...followerReports.cases];
  const report: GroupReport = {
    group: GROUP,
    description: findGroup(GROUP)?.description ?? GROUP,
    method: {
      nodeFlags: process.execArgv.length > 0 ? process.execArgv : GROUP_NODE_FLAGS,
      timing:
        'per size: untimed setup (n pending operations), a full gc(), then one timed run over all n (process.hrtime); ' +
        'the sizes interleaved in each round, smallest first; small sizes repeat until they reach 3,000,000 operations ' +
        '(cancel-all) or 1,000,000 (followers), at most 30 repetitions, each size at least once; no extra repetition ' +
        'after the deadline',
      warmup:
        `untimed: ${WARMUP_OPS.toLocaleString('en-US')} operations (at least 3 runs) at the smallest size, then one run ` +
        'at each larger size (so that V8 decides its pretenuring as it would for that size), unless projected past 90% ' +
        'of the budget',
      projection:
        'a size whose first repetition is projected (the smaller size ns/op x100 per tenfold size: n² per op) to end ' +
        'past 90% of the budget is not run; it is reported with the projected ns/op, so its goal is not met',
      statistic: 'median, min and max of the per-repetition ns/op',
      bytesPerOp:
        'cancel-all: heapUsed after setup minus before (each after a full gc()), per pending operation; followers: not measured (0)',
      cancelAll:
        'CancelAllModule over a lower module whose operations hang until canceled (cancel delivers at once); ' +
        'one shared reason, each caller reference released right after start()',
      followers:
        'create + follow(signal) for all n, then complete + release for all n, repeated in one timed run until ' +
        '100,000 operations (smaller sizes run several batches); one AbortController per run',
      phaseMs: { cancelAll: Math.round(sweepDone - started), followers: Math.round(performance.now() - sweepDone) },
    },
    cases,
    ratios: computeRatios(cases, [...sweepReports.comparisons, ...followerReports.comparisons]),
    goals: [
      goalAtMost(
        'HL cancel-all: cancelAll() ns/op, largest / smallest of 10^4, 10^5, 10^6 pending (medians)',
        spread(sweep),
        MAX_SPREAD,
        'x',
      ),
      goalAtMost(
        'AsyncOp following one AbortSignal: ns/op, largest / smallest of 10^3, 10^4, 10^5 followers (medians)',
        spread(followers),
        MAX_SPREAD,
        'x',
      ),
    ],
    notes: [
      'Ratios here say how many times slower per op a larger size is than the smallest (speed-up < 1: slower).',
      ...[...sweep, ...followers]
        .filter((point) => point.projected !== undefined)
        .map(
          (point) =>
            `${point.name}: its first repetition was projected to take ${point.projected?.seconds.toFixed(0)} s, past the budget; its ns/op is the projection from ${point.projected?.fromN.toLocaleString('en-US')} (x100 per tenfold size), so the goal is not met`,
        ),
      'Node prints MaxListenersExceededWarning while one AbortSignal has more than 10 listeners.',
    ],
    durationMs: Math.round(performance.now() - started),
  };
  emitReport(report);
}

await main();

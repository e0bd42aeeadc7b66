/**
 * Group `async-op`: the cost of AsyncOp's hot paths against the cancellation primitives it replaces.
 * Run through `npm run bench -- async-op` (a fresh process with --expose-gc and a 64 MB young generation).
 */
import { AsyncOp } from 'async-op';
import { measureFollowOneSignal, type FollowScaleResult } from '../lib/async-op/follow-one-signal.js';
import {
  DEADLINE_MS,
  DeadlineOp,
  dropAnyChildren,
  finishChildren,
  finishDeadlineChildren,
  liveTimers,
} from '../lib/async-op/children.js';
import { measureInstrumentationCost } from '../lib/async-op/instrumentation-cost.js';
import { COMPARISONS, NAMES, sinkParents, TIMED_CASES, timedDeadlineParent } from '../lib/async-op/timed-cases.js';
import { measurePromiseCalls, PROMISE_CALL_COMPARISONS } from '../lib/async-op/promise-calls.js';
import { goalAtLeast, goalAtMost } from '../lib/goals.js';
import { emitReport, groupBudgetMs, logProgress } from '../lib/group-output.js';
import { GROUP_NODE_FLAGS, findGroup } from '../lib/group-registry.js';
import { measureAllocation, type Allocation } from '../lib/measure-allocation.js';
import { measureRetained, type Retention } from '../lib/measure-retained.js';
import { computeRatios } from '../lib/ratios.js';
import type { CaseReport, GroupReport } from '../lib/report.js';
import { round, roundSummary } from '../lib/stats.js';
import { timeCases, type TimingOptions } from '../lib/time-cases.js';

const GROUP = 'async-op';

/** Sizes of the "many ops follow one AbortSignal" case. */
const FOLLOW_SIZES = [1_000, 10_000, 100_000];

const RETAINED_CHILDREN = 100_000;
const RETAINED_REPETITIONS = 3;

const ALLOCATION = { maxBatchBytes: 32 * 1024 * 1024, minIterations: 10_000, maxIterations: 50_000, repetitions: 5 };

async function main(): Promise<void> {
  const started = performance.now();
  const budgetMs = groupBudgetMs(GROUP);
  const log = (line: string): void => {
    logProgress(GROUP, line);
  };
  log(`budget ${budgetMs} ms; timing ${TIMED_CASES.length} cases interleaved`);

  // 1. Time, interleaved; about half the budget, the rest is for the memory readings.
  const timing: TimingOptions = {
    targetBatchMs: 25,
    warmupMs: 300,
    minRounds: 10,
    maxRounds: 40,
    deadline: started + budgetMs * 0.3,
    log,
  };
  const timings = timeCases(TIMED_CASES, timing);
  const timingDone = performance.now();
  // the deadline cases' own timers: every one cleared by complete(), none left keeping the process alive
  const timersBefore = liveTimers();
  finishDeadlineChildren(timedDeadlineParent, 10_000);
  const timersLeft = liveTimers() - timersBefore;
  log(`live timers after 10000 deadline ops completed: ${timersLeft}`);

  // 2. Bytes allocated per op, on warm code.
  const allocations = new Map<string, Allocation>();
  for (const benchCase of TIMED_CASES) {
    const allocation = await measureAllocation(benchCase, ALLOCATION);
    allocations.set(benchCase.name, allocation);
    log(`allocation ${benchCase.name}: ${allocation.bytesPerOp.median.toFixed(1)} B/op`);
  }

  const allocationDone = performance.now();

  // 3. Bytes a long-lived parent retains per finished child, after full collections.
  const retained = new Map<string, Retention>();
  finishChildren(AsyncOp.create({ context: null }), 10_000); // warm-up: code and feedback are not per child
  retained.set(
    NAMES.follow,
    await measureRetained({
      setup: () => AsyncOp.create({ context: null }),
      run: finishChildren,
      iterations: RETAINED_CHILDREN,
      repetitions: RETAINED_REPETITIONS,
    }),
  );
  finishDeadlineChildren(DeadlineOp.create({ context: null }), 10_000);
  retained.set(
    NAMES.deadline,
    await measureRetained({
      setup: () => DeadlineOp.create({ context: null }),
      run: finishDeadlineChildren,
      iterations: RETAINED_CHILDREN,
      repetitions: RETAINED_REPETITIONS,
    }),
  );
  dropAnyChildren(new AbortController().signal, 10_000);
  retained.set(
    NAMES.anyListen,
    await measureRetained({
      setup: () => new AbortController().signal,
      run: dropAnyChildren,
      iterations: RETAINED_CHILDREN,
      repetitions: RETAINED_REPETITIONS,
    }),
  );
  for (const [name, retention] of retained) {
    log(`retained ${name}: ${retention.bytesPerOp.median.toFixed(2)} B/child`);
  }

  const retainedDone = performance.now();

  // 4. Many ops following one signal: ns per follower at three sizes.
  const followScale = measureFollowOneSignal(FOLLOW_SIZES, budgetMs * 0.05);
  for (const result of followScale) {
    log(`follow one signal, ${result.followers} followers: ${result.nsPerFollower.median.toFixed(1)} ns/follower`);
  }
  const followDone = performance.now();

  // 5. runAsPromise with a signal, one call at a time and many pending, against the promise written by hand.
  const promiseCalls = await measurePromiseCalls(log, followDone + budgetMs * 0.08);
  const promiseCallsDone = performance.now();

  // 6. The cost of the instrumentation points nobody listens to: this build against a copy without them, interleaved.
  const instrumentation = await measureInstrumentationCost(log, performance.now() + budgetMs * 0.12);

  const phaseMs = {
    timing: Math.round(timingDone - started),
    allocation: Math.round(allocationDone - timingDone),
    retained: Math.round(retainedDone - allocationDone),
    followOneSignal: Math.round(followDone - retainedDone),
    promiseCalls: Math.round(promiseCallsDone - followDone),
    instrumentation: Math.round(performance.now() - promiseCallsDone),
  };
  log(`phases (ms): ${JSON.stringify(phaseMs)}`);

  const syncReports: CaseReport[] = timings.map((timed) => {
    const allocation = allocations.get(timed.name);
    if (allocation === undefined) throw new Error(`No allocation reading for ${timed.name}`);
    const role = TIMED_CASES.find((benchCase) => benchCase.name === timed.name)?.role ?? 'subject';
    const retention = retained.get(timed.name);
    const report: CaseReport = {
      name: timed.name,
      role,
      nsPerOp: roundSummary(timed.nsPerOp),
      samples: timed.samples.length,
      nsPerOpSamples: timed.samples.map((value) => round(value)),
      iterationsPerBatch: timed.iterationsPerBatch,
      bytesPerOp: round(allocation.bytesPerOp.median),
      bytesPerOpRange: { min: round(allocation.bytesPerOp.min), max: round(allocation.bytesPerOp.max) },
      allocationIterations: allocation.iterations,
    };
    if (retention === undefined) return report;
    return {
      ...report,
      retainedBytesPerOp: {
        ...roundSummary(retention.bytesPerOp, 2),
        what: `retained per finished child, ${RETAINED_CHILDREN} children of one long-lived parent`,
        iterations: retention.iterations,
        repetitions: RETAINED_REPETITIONS,
      },
    };
  });

  const caseReports = [...syncReports, ...promiseCalls.reports];

  const byName = (name: string): CaseReport => {
    const found = caseReports.find((report) => report.name === name);
    if (found === undefined) throw new Error(`No case ${name}`);
    return found;
  };
  const listen = byName(NAMES.listen);
  const cancel = byName(NAMES.cancel);
  const followRetained = retained.get(NAMES.follow)?.bytesPerOp.median ?? Number.NaN;
  const deadlineRetained = retained.get(NAMES.deadline)?.bytesPerOp.median ?? Number.NaN;
  const deadline = byName(NAMES.deadline);
  const timeoutAny = byName(NAMES.timeoutAny);
  const followPerSize = followScale.map((result) => result.nsPerFollower.median);

  const report: GroupReport = {
    group: GROUP,
    description: findGroup(GROUP)?.description ?? GROUP,
    method: {
      nodeFlags: process.execArgv.length > 0 ? process.execArgv : GROUP_NODE_FLAGS,
      timing: {
        interleaving: 'each round: every case in turn (start rotating), an untimed warm batch then a timed batch',
        targetBatchMs: timing.targetBatchMs,
        warmupMsPerCase: timing.warmupMs,
        rounds: timings[0]?.samples.length ?? 0,
        statistic: 'median, min and max of the per-round ns/op',
      },
      allocation: {
        ...ALLOCATION,
        reading:
          'process.memoryUsage().heapUsed delta over one batch right after gc(); batches during which a GC ran are discarded',
        collectedBatchesDiscarded: Object.fromEntries([...allocations].map(([name, a]) => [name, a.collectedBatches])),
      },
      retained: {
        children: RETAINED_CHILDREN,
        repetitions: RETAINED_REPETITIONS,
        reading:
          'heapUsed after 7 gc() calls with event-loop turns between, after the children minus before, / children; fresh parent each repetition, kept alive until after the reading',
      },
      phaseMs,
      followOneSignal: {
        what:
          'N ops follow one fresh AbortSignal (all pending at once), then each completes and is released, in batches ' +
          'until 100,000 followers per sample; ns per follower',
        results: followScale.map((result: FollowScaleResult) => ({
          followers: result.followers,
          nsPerFollower: roundSummary(result.nsPerFollower),
          repetitions: result.repetitions,
        })),
      },
      promiseCalls: promiseCalls.method,
      instrumentationCost: instrumentation.report,
      liveTimersAfterDeadlineOps: timersLeft,
      callbacks:
        'every listener/callback in every synchronous case is the same module-level no-op function (the runAsPromise cases: promiseCalls)',
    },
    cases: caseReports,
    ratios: computeRatios(caseReports, [...COMPARISONS, ...PROMISE_CALL_COMPARISONS]),
    goals: [
      goalAtMost(`${NAMES.listen}: median ns/op`, listen.nsPerOp.median, 30, 'ns/op'),
      // 1 B of tolerance: the heapUsed reading of a batch carries a fraction of a byte per op of noise
      goalAtMost(`${NAMES.listen}: bytes/op`, listen.bytesPerOp, 128, 'B/op', 1),
      goalAtMost(`${NAMES.cancel}: median ns/op`, cancel.nsPerOp.median, 30, 'ns/op'),
      goalAtLeast(
        `${NAMES.deadline}: times faster than ${NAMES.timeoutAny}`,
        timeoutAny.nsPerOp.median / deadline.nsPerOp.median,
        10,
        'x',
      ),
      goalAtMost(`${NAMES.deadline}: live timers after 10000 completed`, timersLeft, 0, 'timers'),
      goalAtMost(
        `${NAMES.deadline}: bytes retained per finished child (${RETAINED_CHILDREN} children)`,
        deadlineRetained,
        0,
        'B/child',
        1,
      ),
      goalAtMost(
        `follow one AbortSignal: ns per follower, largest / smallest across ${FOLLOW_SIZES.join(', ')} followers`,
        Math.max(...followPerSize) / Math.min(...followPerSize),
        2,
        'x',
      ),
      ...instrumentation.goals,
      goalAtMost(
        `AsyncOp: bytes retained per finished child of a long-lived parent (${RETAINED_CHILDREN} children)`,
        followRetained,
        0,
        'B/child',
        1,
      ),
    ],
    notes: [
      `${NAMES.timeoutAny}: AbortSignal.timeout() timers are unref'd and live until they fire (${DEADLINE_MS} ms); AsyncOp's deadline timer is cleared by complete().`,
      'instrumentation cost: two fresh copies of the compiled code, one as built and one with every diagnostics_channel check and leak-tracker lookup replaced by a constant, timed interleaved in one run with a control (a second copy as built: what the method reads for the same code); medians of the per-round ratios.',
      `${NAMES.abortCancel} also runs one listener; ${NAMES.cancel} has none (as specified).`,
      `${NAMES.anyListen}: the timed parent signal keeps growing over the run, as a long-lived parent would.`,
    ],
    durationMs: Math.round(performance.now() - started),
  };
  emitReport(report);
  sinkParents();
}

await main();

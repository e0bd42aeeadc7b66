import { forceGc } from './force-gc.js';
import { formatDuration, showProgress } from './progress.js';
import { quickRounds } from './quick-mode.js';
import { seededUint32 } from './seeded-random.js';
import { summarize, type Summary } from './stats.js';

/** Seed of the order of the cases in each round: the same orders in every run of a group. */
const ORDER_SEED = 0x0dd_5eed;

/** The order of `count` cases in each round: a seeded shuffle, so that no case always follows the same one. */
export function roundOrders(count: number): () => number[] {
  const next = seededUint32(ORDER_SEED);
  return () => {
    const order = Array.from({ length: count }, (_, index) => index);
    for (let i = count - 1; i > 0; i--) {
      const j = next() % (i + 1);
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    return order;
  };
}

/** Which pool of prepared work a run draws from: warm-up runs are untimed, allocation runs are sized to avoid GC. */
export type RunPhase = 'warmup' | 'timed' | 'allocation';

/**
 * One benchmarked asynchronous workload (a batch of I/O operations, say 10,000 file writes).
 *
 * @remarks
 * `run` contains its own loop and callbacks, so every case gets its own call sites and type feedback. A case that needs
 * fresh data for every run (files never written before) takes it from its own pool in `prepare`, which is not timed.
 */
export interface AsyncRunCase {
  readonly name: string;
  readonly role: 'subject' | 'baseline';
  /** Untimed: readies the data of the next run of `phase` (for example the paths of a fresh set of files). */
  readonly prepare?: (phase: RunPhase) => void;
  /** Performs one run and resolves to the number of operations it did; rejects on any I/O error. */
  readonly run: (phase: RunPhase) => Promise<number>;
}

/** How timeAsyncRuns() warms up and decides how many rounds to run. */
export interface AsyncRunOptions {
  /** Untimed runs of every case before the first round. */
  readonly warmupRuns: number;
  /** Rounds run even past the deadline. */
  readonly minRounds: number;
  /** Rounds never exceeded (for example: the number of data sets prepared per case). */
  readonly maxRounds: number;
  /** A `performance.now()` time: no round starts if it would end after it (once minRounds are done). */
  readonly deadline: number;
  readonly log: (line: string) => void;
  /** What the progress line calls these cases (default `timing`). */
  readonly label?: string;
}

/** The time the remaining rounds will take at `roundMs` each: at least to minRounds, at most to the deadline. */
function roundsLeftMs(options: AsyncRunOptions, round: number, roundMs: number): number {
  const toMax = (options.maxRounds - round) * roundMs;
  const toMin = Math.max(0, options.minRounds - round) * roundMs;
  return Math.max(toMin, Math.min(toMax, options.deadline - performance.now()));
}

/** The timing of one asynchronous case over all rounds. */
export interface AsyncCaseTiming {
  readonly name: string;
  /** Operations per timed run. */
  readonly opsPerRun: number;
  /** Wall-clock ns/op of each timed run, in round order. */
  readonly samples: readonly number[];
  readonly nsPerOp: Summary;
  /** Process CPU time (user + system, every thread: the libuv pool included) per operation, ns. */
  readonly cpuNsPerOp: Summary;
  /** Of which system time, ns/op. */
  readonly systemNsPerOp: Summary;
  /** Voluntary context switches of the whole process per operation (threads sleeping and being woken). */
  readonly contextSwitchesPerOp: Summary;
}

interface RunSample {
  readonly ops: number;
  readonly wallNs: number;
  readonly cpuNs: number;
  readonly systemNs: number;
  readonly contextSwitches: number;
}

/** One run: untimed prepare and a full collection, then the timed run with its CPU and context-switch readings. */
async function timeRun(benchCase: AsyncRunCase, phase: RunPhase): Promise<RunSample> {
  benchCase.prepare?.(phase);
  forceGc(); // every run starts from a clean heap: no case pays for the garbage of the one before
  const usageBefore = process.resourceUsage();
  const start = process.hrtime.bigint();
  const ops = await benchCase.run(phase);
  const wallNs = Number(process.hrtime.bigint() - start);
  const usageAfter = process.resourceUsage();
  if (!Number.isSafeInteger(ops) || ops <= 0) throw new Error(`${benchCase.name}: a run reported ${ops} operations`);
  return {
    ops,
    wallNs,
    cpuNs:
      (usageAfter.userCPUTime + usageAfter.systemCPUTime - usageBefore.userCPUTime - usageBefore.systemCPUTime) * 1e3,
    systemNs: (usageAfter.systemCPUTime - usageBefore.systemCPUTime) * 1e3,
    contextSwitches: usageAfter.voluntaryContextSwitches - usageBefore.voluntaryContextSwitches,
  };
}

/**
 * Times asynchronous cases interleaved: each round runs every case once, in a shuffled order (seeded, new each round,
 * so that no case always follows the same one), each run after an untimed prepare and a full collection. Noise on a
 * shared machine then hits all cases alike, and ratios of medians from the same run stay meaningful. Reported per case: median, min and max of the
 * per-run wall-clock ns/op, plus CPU time and context switches per op.
 */
export async function timeAsyncRuns(
  cases: readonly AsyncRunCase[],
  asked: AsyncRunOptions,
): Promise<AsyncCaseTiming[]> {
  const rounds = quickRounds(asked.minRounds, asked.maxRounds);
  const options = { ...asked, minRounds: rounds.min, maxRounds: rounds.max };
  const label = options.label ?? 'timing';
  for (let warm = 0; warm < options.warmupRuns; warm++) {
    for (const [index, benchCase] of cases.entries()) {
      showProgress(
        `${label}: warm-up ${warm + 1}/${options.warmupRuns}, case ${index + 1}/${cases.length} ${benchCase.name}`,
      );
      const sample = await timeRun(benchCase, 'warmup');
      options.log(`warm-up ${benchCase.name}: ${Math.round(sample.wallNs / 1e6)} ms for ${sample.ops} ops`);
    }
  }
  const samples: RunSample[][] = cases.map(() => []);
  let round = 0;
  let roundMs = 0;
  const nextOrder = roundOrders(cases.length);
  while (round < options.maxRounds) {
    if (round >= options.minRounds && performance.now() + roundMs > options.deadline) break;
    const roundStart = performance.now();
    const order = nextOrder();
    for (const [step, index] of order.entries()) {
      const benchCase = cases[index];
      const caseSamples = samples[index];
      if (benchCase === undefined || caseSamples === undefined) continue;
      const left = round === 0 ? '' : ` ~${formatDuration(roundsLeftMs(options, round, roundMs))} left ·`;
      showProgress(
        `${label}:${left} round ${round + 1} (${options.minRounds}-${options.maxRounds}), ` +
          `run ${step + 1}/${order.length}: ${benchCase.name}`,
      );
      caseSamples.push(await timeRun(benchCase, 'timed'));
    }
    roundMs = Math.max(roundMs, performance.now() - roundStart);
    round++;
    options.log(`round ${round} done (${Math.round(performance.now() - roundStart)} ms)`);
  }
  return cases.map((benchCase, index) => {
    const caseSamples = samples[index] ?? [];
    const perOp = (pick: (sample: RunSample) => number): Summary =>
      summarize(caseSamples.map((sample) => pick(sample) / sample.ops));
    return {
      name: benchCase.name,
      opsPerRun: caseSamples[0]?.ops ?? 0,
      samples: caseSamples.map((sample) => sample.wallNs / sample.ops),
      nsPerOp: perOp((sample) => sample.wallNs),
      cpuNsPerOp: perOp((sample) => sample.cpuNs),
      systemNsPerOp: perOp((sample) => sample.systemNs),
      contextSwitchesPerOp: perOp((sample) => sample.contextSwitches),
    };
  });
}

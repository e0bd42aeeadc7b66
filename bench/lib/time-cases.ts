import type { BenchCase } from './bench-case.js';
import { formatDuration, showProgress } from './progress.js';
import { quickRounds } from './quick-mode.js';
import { sink } from './sink.js';
import { summarize, type Summary } from './stats.js';

/** How timeCases() warms up, sizes batches and decides how many rounds to run. */
export interface TimingOptions {
  /** The duration each batch is sized for (20-50 ms keeps timer resolution and scheduling noise small). */
  readonly targetBatchMs: number;
  /** How long each case runs before calibration (lets the JIT reach optimized code). */
  readonly warmupMs: number;
  /** Rounds run even past the deadline. */
  readonly minRounds: number;
  /** Rounds never exceeded. */
  readonly maxRounds: number;
  /** A `performance.now()` time: no round starts if it would end after it (once minRounds are done). */
  readonly deadline: number;
  /** Progress output. */
  readonly log: (line: string) => void;
}

/** The timing of one case over all rounds. */
export interface CaseTiming {
  readonly name: string;
  /** Operations per batch, calibrated so that a batch takes about targetBatchMs. */
  readonly iterationsPerBatch: number;
  /** ns/op of each timed batch, in round order. */
  readonly samples: readonly number[];
  /** Median, min and max of the samples. */
  readonly nsPerOp: Summary;
}

/** Runs one batch and returns its duration in nanoseconds. */
function timeBatch(benchCase: BenchCase, iterations: number): number {
  const start = process.hrtime.bigint();
  sink.value = benchCase.run(iterations);
  return Number(process.hrtime.bigint() - start);
}

/** Warms a case up for warmupMs and returns the batch size that takes about targetBatchMs once warm. */
function warmAndCalibrate(benchCase: BenchCase, options: TimingOptions): number {
  const targetNs = options.targetBatchMs * 1e6;
  // Grow the batch until one takes a quarter of the target: cheap calls are then not dominated by the timer.
  let iterations = 1;
  let elapsedNs = timeBatch(benchCase, iterations);
  while (elapsedNs < targetNs / 4) {
    iterations *= 2;
    elapsedNs = timeBatch(benchCase, iterations);
  }
  iterations = Math.max(1, Math.round((iterations * targetNs) / elapsedNs));
  const warmupEnd = performance.now() + options.warmupMs;
  while (performance.now() < warmupEnd) timeBatch(benchCase, iterations);
  // Re-size on warm code: the median of three batches.
  const perOp = summarize([1, 2, 3].map(() => timeBatch(benchCase, iterations) / iterations)).median;
  return Math.max(1, Math.round(targetNs / perOp));
}

/**
 * Times cases interleaved: each round runs, for every case in turn, one untimed warm batch then one timed batch
 * (the starting case rotates from round to round so no case always follows the same one). Noise on a shared machine
 * then hits all cases alike, and ratios of medians from the same run stay meaningful.
 */
export function timeCases(cases: readonly BenchCase[], asked: TimingOptions): CaseTiming[] {
  const rounds = quickRounds(asked.minRounds, asked.maxRounds);
  const options = { ...asked, minRounds: rounds.min, maxRounds: rounds.max };
  const iterations: number[] = [];
  for (const [index, benchCase] of cases.entries()) {
    showProgress(`warm-up and calibration, case ${index + 1}/${cases.length} ${benchCase.name}`);
    const perBatch = warmAndCalibrate(benchCase, options);
    iterations.push(perBatch);
    options.log(`calibrated ${benchCase.name}: ${perBatch} ops/batch`);
  }
  const samples: number[][] = cases.map(() => []);
  let round = 0;
  let roundMs = cases.length * 2 * options.targetBatchMs;
  while (round < options.maxRounds) {
    if (round >= options.minRounds && performance.now() + roundMs > options.deadline) break;
    const roundStart = performance.now();
    const left = Math.max(0, options.deadline - roundStart);
    showProgress(
      `${round >= options.minRounds ? `~${formatDuration(left)} left for the rounds · ` : ''}` +
        `round ${round + 1} (${options.minRounds}-${options.maxRounds}) of ${cases.length} cases`,
    );
    for (let step = 0; step < cases.length; step++) {
      const index = (round + step) % cases.length;
      const benchCase = cases[index];
      const perBatch = iterations[index];
      const caseSamples = samples[index];
      if (benchCase === undefined || perBatch === undefined || caseSamples === undefined) continue;
      timeBatch(benchCase, perBatch);
      caseSamples.push(timeBatch(benchCase, perBatch) / perBatch);
    }
    roundMs = Math.max(roundMs, performance.now() - roundStart);
    round++;
    if (round % 5 === 0) options.log(`round ${round} done (${Math.round(roundMs)} ms per round)`);
  }
  return cases.map((benchCase, index) => {
    const caseSamples = samples[index] ?? [];
    return {
      name: benchCase.name,
      iterationsPerBatch: iterations[index] ?? 0,
      samples: caseSamples,
      nsPerOp: summarize(caseSamples),
    };
  });
}

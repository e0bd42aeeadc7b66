/**
 * The cost of async-op's instrumentation points nobody listens to: this build against a copy with the points
 * stripped (stripped-build.ts), interleaved in one process.
 */
import type { BenchCase } from '../bench-case.js';
import { goalAtMost } from '../goals.js';
import type { GoalReport } from '../report.js';
import { round, summarize } from '../stats.js';
import { timeCases } from '../time-cases.js';
import { noop } from './children.js';
import { loadBuilds, loadFreshCopy, subjectLoops } from './stripped-build.js';

/** What the instrumentation comparison reports: per case, instrumented ns/op over stripped ns/op. */
export interface InstrumentationCost {
  readonly report: Record<string, unknown>;
  readonly goals: GoalReport[];
}

/** Times every subject loop as built and stripped, round by round; one goal per loop (at most 2% slower). */
export async function measureInstrumentationCost(
  log: (line: string) => void,
  deadline: number,
): Promise<InstrumentationCost> {
  const builds = await loadBuilds();
  const instrumentedLoops = subjectLoops(builds.asBuilt, noop);
  const strippedLoops = subjectLoops(builds.stripped, noop);
  // the control: a second copy as built, timed like the stripped one; its ratio is what the method reads when the
  // code is the same (the order of loading and code placement alone)
  const controlLoops = subjectLoops((await loadFreshCopy(false)).AsyncOp, noop);
  const loop = (loops: typeof instrumentedLoops, key: string): BenchCase['run'] => loops[key] as BenchCase['run'];
  const pairs = Object.keys(instrumentedLoops).map((key) => ({
    key,
    instrumented: { name: `${key} (as built)`, role: 'subject' as const, run: loop(instrumentedLoops, key) },
    stripped: { name: `${key} (stripped)`, role: 'baseline' as const, run: loop(strippedLoops, key) },
    control: { name: `${key} (as built, second copy)`, role: 'baseline' as const, run: loop(controlLoops, key) },
  }));
  const timed = timeCases(
    pairs.flatMap((pair) => [pair.instrumented, pair.stripped, pair.control]),
    { targetBatchMs: 20, warmupMs: 200, minRounds: 8, maxRounds: 60, deadline, log },
  );
  const samplesOf = (name: string): readonly number[] => timed.find((timing) => timing.name === name)?.samples ?? [];
  /** The median over rounds of `subject` ns/op divided by `baseline` ns/op in the same round. */
  const medianRatio = (subject: string, baseline: string): number => {
    const under = samplesOf(baseline);
    const perRound = samplesOf(subject).map((value, index) => value / (under[index] ?? Number.NaN));
    return perRound.length === 0 ? Number.NaN : summarize(perRound).median;
  };
  const ratios: Record<string, number> = {};
  const controls: Record<string, number> = {};
  const goals: GoalReport[] = [];
  for (const pair of pairs) {
    const ratio = medianRatio(pair.instrumented.name, pair.stripped.name);
    const control = medianRatio(pair.instrumented.name, pair.control.name);
    ratios[pair.key] = round(ratio, 3);
    controls[pair.key] = round(control, 3);
    log(
      `instrumentation cost, ${pair.key}: ${((ratio - 1) * 100).toFixed(1)}% ` +
        `(the same code in two copies: ${((control - 1) * 100).toFixed(1)}%)`,
    );
    goals.push(
      goalAtMost(
        `instrumentation points unused, ${pair.key}: as built / stripped (median per round)`,
        ratio,
        1.02,
        'x',
      ),
    );
  }
  return {
    report: {
      pointsReplaced: builds.replaced,
      rounds: timed[0]?.samples.length ?? 0,
      instrumentedOverStripped: ratios,
      instrumentedOverSecondCopy: controls,
    },
    goals,
  };
}

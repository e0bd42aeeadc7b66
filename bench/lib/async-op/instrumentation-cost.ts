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
import { loadBuilds, subjectLoops } from './stripped-build.js';

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
  const pairs = Object.keys(instrumentedLoops).map((key) => ({
    key,
    instrumented: {
      name: `${key} (as built)`,
      role: 'subject' as const,
      run: instrumentedLoops[key] as BenchCase['run'],
    },
    stripped: { name: `${key} (stripped)`, role: 'baseline' as const, run: strippedLoops[key] as BenchCase['run'] },
  }));
  const timed = timeCases(
    pairs.flatMap((pair) => [pair.instrumented, pair.stripped]),
    { targetBatchMs: 20, warmupMs: 200, minRounds: 8, maxRounds: 60, deadline, log },
  );
  const samplesOf = (name: string): readonly number[] => timed.find((timing) => timing.name === name)?.samples ?? [];
  const ratios: Record<string, number> = {};
  const goals: GoalReport[] = [];
  for (const pair of pairs) {
    const withPoints = samplesOf(pair.instrumented.name);
    const without = samplesOf(pair.stripped.name);
    const perRound = withPoints.map((value, index) => value / (without[index] ?? Number.NaN));
    const ratio = perRound.length === 0 ? Number.NaN : summarize(perRound).median;
    ratios[pair.key] = round(ratio, 3);
    log(`instrumentation cost, ${pair.key}: ${((ratio - 1) * 100).toFixed(1)}%`);
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
    },
    goals,
  };
}

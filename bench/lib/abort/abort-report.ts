/**
 * The report of the `abort` group from its runs: case figures (ns/op here is the time from the cancel until the I/O
 * is over), the goals (at most one chunk read after the cancel, less than Node's own APIs, no read issued by an action
 * still queued at the cancel), notes and chart panels.
 */
import { goalAtMost, goalBelow } from '../goals.js';
import type { CaseReport, GoalReport } from '../report.js';
import { percentile, round, roundSummary, summarize } from '../stats.js';
import type { ChartPanel, ChartRow } from '../svg-chart.js';
import type { AbortRun } from './cancel-run.js';
import { CHUNK } from './constants.js';

/** One case and its runs. */
export interface CaseRuns {
  readonly name: string;
  readonly role: 'subject' | 'baseline';
  /** Whether the case reads through the manager (its engine counts its reads). */
  readonly isManager: boolean;
  readonly runs: readonly AbortRun[];
}

/** What the report of the group is built from its runs. */
export interface AbortReport {
  readonly cases: CaseReport[];
  readonly goals: GoalReport[];
  readonly notes: string[];
  readonly chartPanels: ChartPanel[];
}

const KIB = 1024;
const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

function caseReport(benchCase: CaseRuns): CaseReport {
  const overNs = benchCase.runs.map((run) => run.overMs * 1e6);
  return {
    name: benchCase.name,
    role: benchCase.role,
    nsPerOp: roundSummary(summarize(overNs)),
    samples: overNs.length,
    nsPerOpSamples: overNs.map((value) => round(value)),
    iterationsPerBatch: 1,
    bytesPerOp: 0,
    bytesPerOpRange: { min: 0, max: 0 },
    allocationIterations: 0,
  };
}

function note(benchCase: CaseRuns): string {
  const { runs } = benchCase;
  const figure = (pick: (run: AbortRun) => number, scale = 1, digits = 1): string => {
    const values = runs.map((run) => pick(run) / scale);
    return `mean ${round(mean(values), digits)} (${round(Math.min(...values), digits)}-${round(Math.max(...values), digits)})`;
  };
  const ms = (pick: (run: AbortRun) => number): string => {
    const values = runs.map(pick);
    return `p50 ${round(percentile(values, 50), 2)} / p99 ${round(percentile(values, 99), 2)} ms`;
  };
  const issued = benchCase.isManager
    ? `; reads issued after the cancel ${figure((run) => run.readsIssuedAfter ?? 0)}`
    : '';
  return (
    `${benchCase.name}, ${runs.length} runs: bytes read after the cancel KiB ${figure((run) => run.bytesAfter, KIB)} ` +
    `(/proc rchar ${figure((run) => run.rcharAfter, KIB)}, read syscalls ${figure((run) => run.syscrAfter)}, ` +
    `from storage ${figure((run) => run.storageBytesAfter, KIB)})${issued}; cancel to told ${ms((run) => run.toldMs)}, ` +
    `to the I/O over ${ms((run) => run.overMs)}; read before the cancel MiB ${figure((run) => run.bytesBefore, KIB * KIB)} ` +
    `(canceled after ${figure((run) => run.startToCancelMs)} ms); ` +
    `sampled blocks cached at the start ${figure((run) => run.cachedAtStart, 1, 0)}`
  );
}

/** A chart row: the mean (or p50) as the dot, min to max (or p99) as the whisker. */
function row(benchCase: CaseRuns, values: readonly number[], unit: string, usePercentiles: boolean): ChartRow {
  const value = usePercentiles ? percentile(values, 50) : mean(values);
  const max = usePercentiles ? percentile(values, 99) : Math.max(...values);
  const text = usePercentiles
    ? `p50 ${round(value, 2)} / p99 ${round(max, 2)} ${unit}`
    : `mean ${round(value, 1)} ${unit} (max ${round(max, 1)})`;
  return { label: benchCase.name, value, min: Math.min(...values), max, valueText: text };
}

/** The report of the group: see {@link AbortReport}. */
export function abortReport(cases: readonly CaseRuns[]): AbortReport {
  const nodeApis = cases.filter((benchCase) => !benchCase.isManager);
  const meanAfter = (benchCase: CaseRuns): number => mean(benchCase.runs.map((run) => run.bytesAfter));
  const nodeLeast = Math.min(...nodeApis.map(meanAfter));
  const leastName = nodeApis.find((benchCase) => meanAfter(benchCase) === nodeLeast)?.name ?? '?';
  const goals: GoalReport[] = [];
  for (const benchCase of cases.filter((c) => c.isManager)) {
    const after = benchCase.runs.map((run) => run.bytesAfter);
    goals.push(
      goalAtMost(
        `${benchCase.name}: bytes read after the cancel, most of any run, in chunks`,
        Math.max(...after) / CHUNK,
        1,
        'chunks',
      ),
      goalBelow(
        `${benchCase.name}: bytes read after the cancel, mean over the runs, minus the least of Node's own APIs (${leastName})`,
        (meanAfter(benchCase) - nodeLeast) / KIB,
        0,
        'KiB',
      ),
      goalAtMost(
        `${benchCase.name}: read requests issued after the cancel (by actions still queued at it), all runs`,
        benchCase.runs.reduce((sum, run) => sum + (run.readsIssuedAfter ?? 0), 0),
        0,
        'requests',
      ),
    );
  }
  const panel = (
    title: string,
    pick: (run: AbortRun) => number,
    unit: string,
    usePercentiles: boolean,
  ): ChartPanel => ({
    title,
    rows: cases.map((benchCase) => row(benchCase, benchCase.runs.map(pick), unit, usePercentiles)),
    // bytes may be 0 (nothing read after the cancel): a linear axis from 0; times: a log axis
    scale: usePercentiles ? 'log' : 'linear',
  });
  return {
    cases: cases.map(caseReport),
    goals,
    notes: cases.map(note),
    chartPanels: [
      panel(
        'Bytes read after the cancel, KiB (dot: mean over the runs; whisker: min to max; linear scale)',
        (run) => run.bytesAfter / KIB,
        'KiB',
        false,
      ),
      panel(
        'From the cancel until the I/O is over, ms (dot: p50; whisker: min to p99)',
        (run) => run.overMs,
        'ms',
        true,
      ),
      panel(
        'From the cancel until the caller is told, ms (dot: p50; whisker: min to p99)',
        (run) => run.toldMs,
        'ms',
        true,
      ),
    ],
  };
}

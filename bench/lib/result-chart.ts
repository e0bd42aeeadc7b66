/**
 * The chart of a group's results (bench/results/node<major>/<group>.svg): its goals as margins (value / target, or
 * target / value for an upper bound: 1 or more is met), every speed-up of a subject over a baseline, and the panels the
 * group adds itself; each with its spread: over the timed rounds of one run, or over the runs of `--repeat`.
 */
import { meetsGoal } from './goals.js';
import type { CaseReport, GoalReport, ResultFile } from './report.js';
import { round, summarize } from './stats.js';
import { renderChart, type Chart, type ChartPanel, type ChartRow } from './svg-chart.js';

const GOALS_TITLE = 'Goals: value / target (>= goals) or target / value (<= and < goals); 1 or more is met';
const RATIOS_TITLE = 'Speed-up: baseline median time / subject median time (more than 1: the subject is faster)';

/** A figure's median and spread over runs (one run: its own spread). */
function mergeFigures(rows: readonly ChartRow[]): Pick<ChartRow, 'value' | 'min' | 'max'> {
  if (rows.length === 1) {
    const [only] = rows as [ChartRow];
    return { value: only.value, min: only.min, max: only.max };
  }
  const values = rows.map((row) => row.value);
  const { median, min, max } = summarize(values);
  return { value: median, min, max };
}

/** How much a goal's value clears its target: >= 1 met (tolerance aside); NaN when no ratio can say it. */
function goalMargin(goal: Pick<GoalReport, 'comparison' | 'target'>, value: number): number {
  if (!(goal.target > 0) || !(value > 0) || !Number.isFinite(value)) return Number.NaN;
  return goal.comparison === '>=' ? value / goal.target : goal.target / value;
}

/** The goals panel: one row per goal a margin can show, the others as lines of text. */
function goalsPanel(runs: readonly ResultFile[]): ChartPanel | undefined {
  const first = runs[0];
  if (first === undefined || first.goals.length === 0) return undefined;
  const rows: ChartRow[] = [];
  const notes: string[] = [];
  for (const goal of first.goals) {
    const values = runs
      .map((run) => run.goals.find((other) => other.name === goal.name)?.value)
      .filter((value): value is number => value !== undefined);
    const median = summarize(values).median;
    const met = meetsGoal(goal, median);
    const stated = `${round(median, 3)} ${goal.unit}, target ${goal.comparison} ${goal.target}`;
    const margins = values.map((value) => goalMargin(goal, value));
    if (margins.some((margin) => Number.isNaN(margin))) {
      notes.push(
        `[${met ? 'met' : 'NOT MET'}] ${goal.name}: ${stated}${runs.length > 1 ? ' (median of the runs)' : ''}`,
      );
      continue;
    }
    const { median: value, min, max } = summarize(margins);
    rows.push({
      label: goal.name,
      value,
      min,
      max,
      target: 1,
      met,
      valueText: `${stated} (${met ? 'met' : 'NOT met'})`,
    });
  }
  return { title: GOALS_TITLE, rows, reference: 1, notes };
}

function findCase(run: ResultFile, name: string): CaseReport | undefined {
  return run.cases.find((benchCase) => benchCase.name === name);
}

/** One run's speed-up of `subject` over `baseline`, with its spread over rounds (paired by round when possible). */
function ratioRow(run: ResultFile, subject: string, baseline: string, ratio: number): ChartRow {
  const s = findCase(run, subject);
  const b = findCase(run, baseline);
  let min = ratio;
  let max = ratio;
  if (s !== undefined && b !== undefined) {
    const paired = s.nsPerOpSamples.length === b.nsPerOpSamples.length && s.nsPerOpSamples.length > 0;
    const perRound = paired
      ? s.nsPerOpSamples.map((ns, index) => (b.nsPerOpSamples[index] ?? Number.NaN) / ns)
      : [b.nsPerOp.min / s.nsPerOp.max, b.nsPerOp.max / s.nsPerOp.min];
    const finite = perRound.filter((value) => Number.isFinite(value) && value > 0);
    if (finite.length > 0) ({ min, max } = summarize(finite));
  }
  return { label: subject, detail: `vs ${baseline}`, value: ratio, min, max, valueText: `${ratio}x` };
}

/** Rows of the same label and detail across runs, merged: median value, spread over the runs. */
function mergeRows(perRun: readonly (readonly ChartRow[])[]): ChartRow[] {
  const groups = new Map<string, ChartRow[]>();
  for (const rows of perRun) {
    for (const row of rows) {
      const key = `${row.label}\u0000${row.detail ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
  }
  return [...groups.values()].map((rows) => {
    const first = rows[0] as ChartRow;
    const merged = mergeFigures(rows);
    const valueText = rows.length === 1 ? first.valueText : `${round(merged.value, 3)} (median of ${rows.length} runs)`;
    return { ...first, ...merged, valueText };
  });
}

/** The speed-up panel, merged over the runs. */
function ratiosPanel(runs: readonly ResultFile[]): ChartPanel | undefined {
  const perRun = runs.map((run) =>
    Object.entries(run.ratios.speedupVs).flatMap(([subject, baselines]) =>
      Object.entries(baselines).map(([baseline, ratio]) => ratioRow(run, subject, baseline, ratio)),
    ),
  );
  const rows = mergeRows(perRun);
  return rows.length === 0 ? undefined : { title: RATIOS_TITLE, rows, reference: 1 };
}

/** The panels a group added to its report, merged over the runs by title. */
function groupPanels(runs: readonly ResultFile[]): ChartPanel[] {
  const first = runs[0];
  return (first?.chartPanels ?? []).map((panel) => {
    const perRun = runs.map((run) => run.chartPanels?.find((other) => other.title === panel.title)?.rows ?? []);
    return { ...panel, rows: mergeRows(perRun) };
  });
}

/**
 * The chart of one group's runs on one Node (one run, or the runs of `--repeat`).
 *
 * @throws RangeError for no runs.
 */
export function resultChart(runs: readonly ResultFile[]): Chart {
  const last = runs[runs.length - 1];
  if (last === undefined) throw new RangeError('Cannot chart zero runs');
  const spread =
    runs.length === 1
      ? 'dots: medians of this run; whiskers: min to max over its timed rounds (repeated runs of each case)'
      : `dots: medians over ${runs.length} runs (each in a fresh process); whiskers: min to max over the runs`;
  const panels = [goalsPanel(runs), ratiosPanel(runs), ...groupPanels(runs)].filter(
    (panel): panel is ChartPanel => panel !== undefined && (panel.rows.length > 0 || (panel.notes ?? []).length > 0),
  );
  return {
    title: `${last.group} on Node ${last.node}`,
    subtitle: [
      `${last.date}; ${last.machine.cpus} x ${last.machine.cpuModel}; load average ${last.machine.loadAverage1m} at the start`,
      `${last.command}; log scales unless a panel says otherwise; ${last.quick === undefined ? '' : 'QUICK SMOKE RUN, not comparable; '}${spread}`,
    ],
    panels,
  };
}

/** The chart as SVG text. */
export function resultChartSvg(runs: readonly ResultFile[]): string {
  return renderChart(resultChart(runs));
}

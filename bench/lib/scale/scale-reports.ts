import type { Comparison } from '../ratios.js';
import type { CaseReport } from '../report.js';
import { round, roundSummary } from '../stats.js';
import type { ScalePoint } from './scale-run.js';

/** The case report of one size of a scale case. */
function toCaseReport(point: ScalePoint, role: CaseReport['role']): CaseReport {
  return {
    name: point.name,
    role,
    nsPerOp: roundSummary(point.nsPerOp),
    samples: point.samples.length,
    nsPerOpSamples: point.samples.map((value) => round(value)),
    iterationsPerBatch: point.n,
    bytesPerOp: round(point.heapBytesPerOp.median),
    bytesPerOpRange: { min: round(point.heapBytesPerOp.min), max: round(point.heapBytesPerOp.max) },
    allocationIterations: point.n,
  };
}

/** The smallest size is the baseline of the others: the ratio says how much slower per op a larger size is. */
export function reportsOf(points: readonly ScalePoint[]): { cases: CaseReport[]; comparisons: Comparison[] } {
  const [smallest, ...larger] = points;
  if (smallest === undefined) throw new Error('A scale case without sizes');
  return {
    cases: [toCaseReport(smallest, 'baseline'), ...larger.map((point) => toCaseReport(point, 'subject'))],
    comparisons: larger.map((point) => ({ subject: point.name, baseline: smallest.name, metrics: ['time'] })),
  };
}

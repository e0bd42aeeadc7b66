import type { CaseReport, RatioMap, RatiosReport } from './report.js';
import { round } from './stats.js';

/** A subject case compared with a baseline case. */
export interface Comparison {
  readonly subject: string;
  readonly baseline: string;
  /** Which figures to compare: time and allocation per op, and/or retained bytes per op. */
  readonly metrics: readonly ('time' | 'retained')[];
}

function setRatio(map: RatioMap, subject: string, baseline: string, value: number): void {
  (map[subject] ??= {})[baseline] = value;
}

function findCase(cases: readonly CaseReport[], name: string): CaseReport {
  const found = cases.find((benchCase) => benchCase.name === name);
  if (found === undefined) throw new Error(`No case named ${JSON.stringify(name)} to compare`);
  return found;
}

/** Computes the ratio maps from the medians of cases measured in the same run. */
export function computeRatios(cases: readonly CaseReport[], comparisons: readonly Comparison[]): RatiosReport {
  const speedupVs: RatioMap = {};
  const allocationReductionVs: RatioMap = {};
  const retainedBytesSavedPerOpVs: RatioMap = {};
  for (const { subject, baseline, metrics } of comparisons) {
    const s = findCase(cases, subject);
    const b = findCase(cases, baseline);
    if (metrics.includes('time')) {
      setRatio(speedupVs, subject, baseline, round(b.nsPerOp.median / s.nsPerOp.median, 2));
      if (s.bytesPerOp > 0) setRatio(allocationReductionVs, subject, baseline, round(b.bytesPerOp / s.bytesPerOp, 2));
    }
    if (metrics.includes('retained')) {
      const sRetained = s.retainedBytesPerOp;
      const bRetained = b.retainedBytesPerOp;
      if (sRetained === undefined || bRetained === undefined) {
        throw new Error(`Retained bytes missing for ${subject} or ${baseline}`);
      }
      setRatio(retainedBytesSavedPerOpVs, subject, baseline, round(bRetained.median - sRetained.median, 1));
    }
  }
  return {
    speedupVs,
    allocationReductionVs,
    retainedBytesSavedPerOpVs,
    definitions: {
      speedupVs: 'speedupVs[subject][baseline] = baseline median ns/op / subject median ns/op (> 1: subject is faster)',
      allocationReductionVs:
        'allocationReductionVs[subject][baseline] = baseline bytes/op / subject bytes/op (> 1: subject allocates less)',
      retainedBytesSavedPerOpVs:
        'retainedBytesSavedPerOpVs[subject][baseline] = baseline retained B/op - subject retained B/op, medians',
    },
  };
}

/** baseline median ns/op / subject median ns/op, unrounded (the ratios report rounds it); NaN if a case is missing. */
export function speedup(reports: readonly CaseReport[], subject: string, baseline: string): number {
  const s = reports.find((report) => report.name === subject);
  const b = reports.find((report) => report.name === baseline);
  if (s === undefined || b === undefined) return Number.NaN;
  return b.nsPerOp.median / s.nsPerOp.median;
}

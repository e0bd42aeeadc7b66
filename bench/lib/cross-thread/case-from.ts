import type { CaseReport } from '../report.js';
import { round, roundSummary, summarize } from '../stats.js';

/** A case report from per-sample ns/op values (no allocation reading in this group). */
export function caseFrom(
  name: string,
  role: 'subject' | 'baseline',
  samples: readonly number[],
  iterationsPerBatch: number,
  extra: Record<string, unknown> = {},
): CaseReport {
  return {
    name,
    role,
    nsPerOp: roundSummary(summarize(samples)),
    samples: samples.length,
    nsPerOpSamples: samples.map((value) => round(value)),
    iterationsPerBatch,
    bytesPerOp: 0,
    bytesPerOpRange: { min: 0, max: 0 },
    allocationIterations: 0,
    ...extra,
  };
}

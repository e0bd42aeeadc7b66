/**
 * The report of one timed case of the `async-file` group: the common case figures plus ops/s, CPU time and context
 * switches per operation.
 */
import { asyncCaseReport } from '../async-case-report.js';
import type { Allocation } from '../measure-allocation.js';
import type { CaseReport } from '../report.js';
import { roundSummary, type Summary } from '../stats.js';
import type { AsyncCaseTiming } from '../time-async-runs.js';

/** A case report with the throughput and process-wide figures of its timed runs. */
export interface AsyncFileCaseReport extends CaseReport {
  readonly opsPerSecond: Summary;
  readonly cpuNsPerOp: Summary;
  readonly systemNsPerOp: Summary;
  readonly contextSwitchesPerOp: Summary;
}

/** The report of a case from its timing and its allocation runs (B/op 0 when none were made). */
export function caseReport(
  timing: AsyncCaseTiming,
  role: 'subject' | 'baseline',
  allocation: Allocation | undefined,
): AsyncFileCaseReport {
  return {
    ...asyncCaseReport(timing, role, allocation),
    opsPerSecond: {
      median: Math.round(1e9 / timing.nsPerOp.median),
      min: Math.round(1e9 / timing.nsPerOp.max),
      max: Math.round(1e9 / timing.nsPerOp.min),
    },
    cpuNsPerOp: roundSummary(timing.cpuNsPerOp),
    systemNsPerOp: roundSummary(timing.systemNsPerOp),
    contextSwitchesPerOp: roundSummary(timing.contextSwitchesPerOp, 3),
  };
}

/** Whether `report` came from {@link caseReport} (the cancel section reports plain cases). */
export function isAsyncFileCaseReport(report: CaseReport): report is AsyncFileCaseReport {
  return 'opsPerSecond' in report;
}

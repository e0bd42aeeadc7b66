import type { Allocation } from './measure-allocation.js';
import type { CaseReport } from './report.js';
import { round, roundSummary } from './stats.js';
import type { AsyncCaseTiming } from './time-async-runs.js';

/**
 * The common report of an asynchronous case from its timed runs and its allocation runs (B/op 0 when none were made).
 *
 * @param timing - what timeAsyncRuns() measured for the case.
 * @param role - the case's role.
 * @param allocation - what measureAsyncAllocation() read for it, if it was read.
 * @returns ns/op and B/op per operation of a run; a run's operations count as the batch.
 */
export function asyncCaseReport(
  timing: AsyncCaseTiming,
  role: 'subject' | 'baseline',
  allocation: Allocation | undefined,
): CaseReport {
  return {
    name: timing.name,
    role,
    nsPerOp: roundSummary(timing.nsPerOp),
    samples: timing.samples.length,
    nsPerOpSamples: timing.samples.map((value) => round(value)),
    iterationsPerBatch: timing.opsPerRun,
    bytesPerOp: allocation === undefined ? 0 : round(allocation.bytesPerOp.median),
    bytesPerOpRange:
      allocation === undefined
        ? { min: 0, max: 0 }
        : { min: round(allocation.bytesPerOp.min), max: round(allocation.bytesPerOp.max) },
    allocationIterations: allocation?.iterations ?? 0,
  };
}

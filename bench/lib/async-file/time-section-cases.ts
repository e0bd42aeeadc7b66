import { measureAsyncAllocation } from '../measure-async-allocation.js';
import { timeAsyncRuns, type AsyncRunCase } from '../time-async-runs.js';
import { caseReport, type AsyncFileCaseReport } from './case-report.js';
import type { SectionContext } from '../section-context.js';

/** How a section times its cases (lib/time-async-runs.ts) and how many allocation runs it makes of each. */
export interface SectionTimingOptions {
  readonly warmupRuns: number;
  readonly minRounds: number;
  readonly maxRounds: number;
  readonly deadline: number;
  readonly allocationRepetitions: number;
  readonly allocationMaxRuns: number;
}

/**
 * Times the cases of one section, then measures their allocation; returns their reports.
 *
 * @remarks Records in `context.collectedBatches` the allocation runs discarded per case; logs as `label`.
 */
export async function timeSectionCases(
  label: string,
  cases: readonly AsyncRunCase[],
  options: SectionTimingOptions,
  context: SectionContext,
): Promise<AsyncFileCaseReport[]> {
  const log = (line: string): void => context.log(`${label}: ${line}`);
  const timings = await timeAsyncRuns(cases, { ...options, log, label });
  const reports: AsyncFileCaseReport[] = [];
  for (const [index, benchCase] of cases.entries()) {
    const timing = timings[index];
    if (timing === undefined) throw new Error(`no timing for ${benchCase.name}`);
    const allocation = await measureAsyncAllocation(
      benchCase,
      options.allocationRepetitions,
      options.allocationMaxRuns,
    );
    context.collectedBatches[benchCase.name] = allocation.collectedBatches;
    const report = caseReport(timing, benchCase.role, allocation);
    reports.push(report);
    log(
      `${benchCase.name}: ${report.opsPerSecond.median.toLocaleString('en-US')} ops/s ` +
        `(${report.opsPerSecond.min.toLocaleString('en-US')} - ${report.opsPerSecond.max.toLocaleString('en-US')}), ` +
        `${report.bytesPerOp} B/op`,
    );
  }
  return reports;
}

import type { CaseReport } from '../report.js';

/**
 * What the `async-file` group's main() hands each of its sections, and what every section adds to: its case reports,
 * its block of the report's `method`, its notes, in the order the sections run.
 */
export interface SectionContext {
  /** The group's temporary directory (removed by main() once every section has ended). */
  readonly root: string;
  readonly log: (line: string) => void;
  readonly reports: CaseReport[];
  readonly method: Record<string, unknown>;
  readonly notes: string[];
  /** Allocation runs discarded because a collection ran during them, by case name. */
  readonly collectedBatches: Record<string, number>;
  /** Run in the `finally`, last registered first: closes what a section opened. */
  readonly cleanups: (() => Promise<unknown>)[];
}

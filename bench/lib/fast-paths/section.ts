import type { CaseReport } from '../report.js';

/** What the `fast-paths` group's main() hands each of its sections. */
export interface SectionContext {
  /** The group's temporary directory (removed by main() once every section has ended). */
  readonly dir: string;
  /** The `performance.now()` time the group started at, for the progress lines. */
  readonly started: number;
  readonly log: (line: string) => void;
  /**
   * Where a section registers what it opened; main() runs them in reverse order once every section has ended (or one
   * has thrown), so that section 3 can reuse the handles of section 1.
   */
  readonly cleanups: (() => Promise<unknown> | void)[];
}

/** The part of the group's report one section contributes, in the order main() puts it into the report. */
export interface SectionReport {
  readonly reports: CaseReport[];
  readonly notes: string[];
}

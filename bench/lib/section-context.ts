import type { CaseReport } from './report.js';

/**
 * What a group's main() hands each of its sections (the async-file and fast-paths groups measure in sections): where
 * to work, how to log, what to close at the end, and where to add to the report.
 */
export interface SectionContext {
  /** The group's temporary directory (removed by main() once every section has ended). */
  readonly dir: string;
  /** The `performance.now()` time the group started at, for the progress lines. */
  readonly started: number;
  readonly log: (line: string) => void;
  /**
   * What the sections opened, closed by main() in reverse order once every section has ended (or one has thrown), so
   * that a later section can reuse what an earlier one opened.
   */
  readonly cleanups: (() => Promise<unknown> | void)[];
  /** The case reports the sections add, in the order they run. */
  readonly reports: CaseReport[];
  /** Each section's block of the report's `method`. */
  readonly method: Record<string, unknown>;
  readonly notes: string[];
  /** Allocation runs discarded because a collection ran during them, by case name. */
  readonly collectedBatches: Record<string, number>;
}

/** The part of a group's report one section returns, when main() orders the sections' parts itself. */
export interface SectionReport {
  readonly reports: CaseReport[];
  readonly notes: string[];
}

/** A new context over `dir`, with nothing registered or reported yet; `started` defaults to now. */
export function newSectionContext(
  dir: string,
  log: (line: string) => void,
  started: number = performance.now(),
): SectionContext {
  return {
    dir,
    started,
    log,
    cleanups: [],
    reports: [],
    method: {},
    notes: [],
    collectedBatches: {},
  };
}

/**
 * Runs every registered cleanup, last registered first, each once; `onError` gets what one throws (and may rethrow it,
 * which stops the rest).
 */
export async function runCleanups(context: SectionContext, onError: (error: unknown) => void): Promise<void> {
  for (const cleanup of context.cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (error) {
      onError(error);
    }
  }
}

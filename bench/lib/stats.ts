/** The median, minimum and maximum of a sample. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Summarizes a non-empty sample.
 *
 * @throws RangeError if `values` is empty.
 */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new RangeError('Cannot summarize an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const at = (index: number): number => sorted[index] ?? Number.NaN;
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
  return { median, min: at(0), max: at(sorted.length - 1) };
}

/** Rounds to `digits` decimals (for JSON output; keeps files readable). */
export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** A summary with every figure rounded. */
export function roundSummary(summary: Summary, digits = 1): Summary {
  return { median: round(summary.median, digits), min: round(summary.min, digits), max: round(summary.max, digits) };
}

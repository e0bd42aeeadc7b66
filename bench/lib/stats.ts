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

/**
 * The nearest-rank percentile `p` (0 < p <= 100) of a non-empty sample: the smallest value with at least p% of the
 * sample at or below it (with 16 values, p99 is the largest).
 *
 * @throws RangeError if `values` is empty or `p` is out of range.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('Cannot take a percentile of an empty sample');
  if (!(p > 0 && p <= 100)) throw new RangeError(`Expected \`p\` to be in (0, 100], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1] ?? Number.NaN;
}

import { forceGc } from '../force-gc.js';
import { summarize, type Summary } from '../stats.js';

/** One workload measured at several sizes: setup (untimed), the timed part, teardown (untimed). */
export interface ScaleCase<State> {
  /** The name, with `{n}` where the size goes. */
  readonly name: string;
  readonly sizes: readonly number[];
  /** Untimed: builds `n` pending operations (or whatever the timed part works on). */
  readonly setup: (n: number) => State;
  /** Timed: the work over all `n`; returns how many operations it did (for ns/op). */
  readonly run: (state: State) => number;
  /** Untimed: checks the run did what it should and frees what setup made. @throws if the run went wrong. */
  readonly teardown: (state: State) => void;
  /** Whether setup's heap growth per operation means something (what one pending operation keeps). Default true. */
  readonly measuresHeap?: boolean;
}

/** What one size of a scale case measured. */
export interface ScalePoint {
  readonly name: string;
  readonly n: number;
  /** ns per operation of each repetition. */
  readonly samples: readonly number[];
  readonly nsPerOp: Summary;
  /**
   * heapUsed growth per operation from before setup to after it (after full collections): what one pending op
   * keeps; zeros when the case does not measure it.
   */
  readonly heapBytesPerOp: Summary;
  /**
   * Set when the size was not run, its first repetition projected past the hard deadline: `nsPerOp` is then that
   * projection (the smaller size's ns/op times 100 per tenfold size: the growth of a cost per op in n², the case this
   * group exists to catch), and `samples` is empty.
   */
  readonly projected?: { readonly fromN: number; readonly seconds: number };
}

/** How much the cost per op may grow per tenfold size when projecting a run's length (n² per op). */
const PROJECTED_GROWTH_PER_DECADE = 100;

/** Untimed operations at the smallest size before the first timed repetition (at least 3 runs). */
export const WARMUP_OPS = 100_000;

/** How many repetitions each size gets: sizes run at least `minRepetitions` times, small ones more. */
export interface ScaleOptions {
  readonly minRepetitions: number;
  /** Operations per size across its repetitions, at least: small sizes repeat until they reach it. */
  readonly minTotalOps: number;
  readonly maxRepetitions: number;
  /** A `performance.now()` time after which no repetition beyond minRepetitions starts. */
  readonly deadline: number;
  /**
   * A `performance.now()` time no repetition may run past (the group is killed at its budget): a size whose first
   * repetition is projected to end after it is not run (see {@link ScalePoint.projected}).
   */
  readonly hardDeadline: number;
  readonly log: (line: string) => void;
}

function heapUsed(): number {
  forceGc();
  return process.memoryUsage().heapUsed;
}

/**
 * The untimed warm-up: {@link WARMUP_OPS} operations at the smallest size (at least 3 runs), then one run at each
 * larger size, smallest first, unless it is projected (n² per op, as in {@link timeScaleCase}) to end past
 * `hardDeadline`.
 *
 * @remarks Why every size: V8 decides from what survives whether an allocation site allocates straight into the old
 * generation (pretenuring). Warmed at 10^4 only, a million pending ops were made in the young generation and scattered
 * by its copying; the sweep over them then ran 2.5x slower per op than over the same million made after a warm-up at
 * that size (the same 2.5x as with `--no-allocation-site-pretenuring`): a heap-layout cost, not the sweep's own.
 */
function warmUp<State>(scaleCase: ScaleCase<State>, hardDeadline: number): void {
  let previous: { n: number; nsPerOp: number } | undefined;
  for (const [index, n] of scaleCase.sizes.entries()) {
    if (previous !== undefined) {
      const projectedNs = previous.nsPerOp * PROJECTED_GROWTH_PER_DECADE ** Math.log10(n / previous.n) * n;
      if (performance.now() + projectedNs / 1e6 > hardDeadline) return;
    }
    // enough untimed operations at the smallest size for V8 to optimize the timed code (3 runs of 1,000 left the
    // first timed repetitions unoptimized, twice as slow per op as the larger sizes)
    const runs = index === 0 ? Math.max(3, Math.ceil(WARMUP_OPS / n)) : 1;
    for (let i = 0; i < runs; i++) {
      const state = scaleCase.setup(n);
      const started = process.hrtime.bigint();
      const ops = scaleCase.run(state);
      previous = { n, nsPerOp: Number(process.hrtime.bigint() - started) / ops };
      scaleCase.teardown(state);
    }
  }
}

/** Measures a case at each of its sizes, the sizes interleaved within each round (smallest first), after {@link warmUp}. */
export function timeScaleCase<State>(scaleCase: ScaleCase<State>, options: ScaleOptions): ScalePoint[] {
  warmUp(scaleCase, options.hardDeadline);
  const samples = new Map<number, number[]>(scaleCase.sizes.map((n) => [n, []]));
  const heap = new Map<number, number[]>(scaleCase.sizes.map((n) => [n, []]));
  const wanted = (n: number): number =>
    Math.min(options.maxRepetitions, Math.max(options.minRepetitions, Math.ceil(options.minTotalOps / n)));
  const projections = new Map<number, { fromN: number; nsPerOp: number; seconds: number }>();
  /** Sizes that get no further repetition: projected, or too long for the time left. */
  const stopped = new Set<number>();
  for (let round = 0; ; round++) {
    const pending = scaleCase.sizes.filter((n) => (samples.get(n)?.length ?? 0) < wanted(n) && !stopped.has(n));
    const isPastDeadline = round >= options.minRepetitions && performance.now() > options.deadline;
    if (pending.length === 0 || isPastDeadline) break;
    for (const n of pending) {
      const measured = samples.get(n) ?? [];
      if (measured.length > 0) {
        // a further repetition: none if it would run past the hard deadline
        if (performance.now() + (summarize(measured).median * n) / 1e6 > options.hardDeadline) {
          stopped.add(n);
          continue;
        }
      } else {
        const projection = project(scaleCase.sizes, samples, n);
        if (projection !== undefined && performance.now() + projection.seconds * 1000 > options.hardDeadline) {
          options.log(
            `${scaleCase.name.replace('{n}', String(n))}: not run, projected ${projection.seconds.toFixed(0)} s`,
          );
          for (const larger of scaleCase.sizes.filter((size) => size >= n)) {
            projections.set(larger, project(scaleCase.sizes, samples, larger, projections) ?? projection);
            stopped.add(larger);
          }
          break;
        }
      }
      const measuresHeap = scaleCase.measuresHeap ?? true;
      const before = measuresHeap ? heapUsed() : 0;
      const state = scaleCase.setup(n);
      const after = measuresHeap ? heapUsed() : (forceGc(), 0);
      const started = process.hrtime.bigint();
      const ops = scaleCase.run(state);
      const elapsed = Number(process.hrtime.bigint() - started);
      scaleCase.teardown(state);
      samples.get(n)?.push(elapsed / ops);
      heap.get(n)?.push((after - before) / n);
    }
  }
  return scaleCase.sizes.map((n) => {
    const values = samples.get(n) ?? [];
    const projection = projections.get(n);
    if (values.length === 0 && projection !== undefined) {
      const { nsPerOp, fromN, seconds } = projection;
      return {
        name: `${scaleCase.name.replace('{n}', n.toLocaleString('en-US'))} (not run: projected)`,
        n,
        samples: [],
        nsPerOp: { median: nsPerOp, min: nsPerOp, max: nsPerOp },
        heapBytesPerOp: { median: 0, min: 0, max: 0 },
        projected: { fromN, seconds },
      };
    }
    const point: ScalePoint = {
      name: scaleCase.name.replace('{n}', n.toLocaleString('en-US')),
      n,
      samples: values,
      nsPerOp: summarize(values),
      heapBytesPerOp: summarize(heap.get(n) ?? []),
    };
    options.log(`${point.name}: ${point.nsPerOp.median.toFixed(1)} ns/op over ${values.length} repetition(s)`);
    return point;
  });
}

/** How far the per-op time drifts across sizes: the largest median ns/op divided by the smallest. */
export function spread(points: readonly ScalePoint[]): number {
  const medians = points.map((point) => point.nsPerOp.median);
  return Math.max(...medians) / Math.min(...medians);
}

/**
 * The projected ns/op and length of the first repetition at size `n`, from the largest smaller size measured (or
 * projected): undefined when there is none.
 */
function project(
  sizes: readonly number[],
  samples: ReadonlyMap<number, readonly number[]>,
  n: number,
  projections: ReadonlyMap<number, { readonly nsPerOp: number }> = new Map(),
): { fromN: number; nsPerOp: number; seconds: number } | undefined {
  const smaller = sizes.filter((size) => size < n).at(-1);
  if (smaller === undefined) return undefined;
  const measured = samples.get(smaller) ?? [];
  const base = measured.length > 0 ? summarize(measured).median : projections.get(smaller)?.nsPerOp;
  if (base === undefined) return undefined;
  const nsPerOp = base * PROJECTED_GROWTH_PER_DECADE ** Math.log10(n / smaller);
  return { fromN: smaller, nsPerOp, seconds: (nsPerOp * n) / 1e9 };
}

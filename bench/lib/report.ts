import type { Summary } from './stats.js';
import type { ChartPanel } from './svg-chart.js';

/** Retained bytes per finished operation, measured after full collections. */
export interface RetainedReport extends Summary {
  /** What was measured, e.g. "per finished child of one long-lived parent". */
  readonly what: string;
  readonly iterations: number;
  readonly repetitions: number;
}

/** One case in a group report. */
export interface CaseReport {
  readonly name: string;
  readonly role: 'subject' | 'baseline';
  /** ns per operation over the timed rounds. */
  readonly nsPerOp: Summary;
  /** Number of timed batches (rounds) behind nsPerOp. */
  readonly samples: number;
  /** ns/op of each timed batch, in round order. */
  readonly nsPerOpSamples: readonly number[];
  readonly iterationsPerBatch: number;
  /** Median bytes allocated per operation (heapUsed delta over a batch without collection). */
  readonly bytesPerOp: number;
  readonly bytesPerOpRange: { readonly min: number; readonly max: number };
  /** Operations per allocation batch. */
  readonly allocationIterations: number;
  readonly retainedBytesPerOp?: RetainedReport;
}

/**
 * A target a figure must meet: `<=`: met when value <= target + tolerance; `<`: when value < target + tolerance; `>=`:
 * when value >= target - tolerance.
 */
export interface GoalReport {
  readonly name: string;
  readonly value: number;
  readonly target: number;
  readonly comparison: '<=' | '<' | '>=';
  /** Allowance for measurement noise (0 unless stated). */
  readonly tolerance: number;
  readonly unit: string;
  readonly met: boolean;
}

/** ratio maps: map[subject][baseline]. */
export type RatioMap = Record<string, Record<string, number>>;

/** Comparisons of subjects with baselines, from medians of the same run. */
export interface RatiosReport {
  /** baseline median ns/op / subject median ns/op: how many times faster the subject is (> 1: subject faster). */
  readonly speedupVs: RatioMap;
  /** baseline median bytes/op / subject median bytes/op: how many times less the subject allocates. */
  readonly allocationReductionVs: RatioMap;
  /** baseline retained bytes/op - subject retained bytes/op (a ratio is meaningless when the subject keeps 0 B). */
  readonly retainedBytesSavedPerOpVs: RatioMap;
  /** The definitions above, so that the JSON explains itself. */
  readonly definitions: Record<string, string>;
}

/** What a group process reports to the runner. */
export interface GroupReport {
  readonly group: string;
  readonly description: string;
  readonly method: Record<string, unknown>;
  readonly cases: readonly CaseReport[];
  readonly ratios: RatiosReport;
  readonly goals: readonly GoalReport[];
  readonly notes: readonly string[];
  readonly durationMs: number;
  /** Panels the group adds to its chart (figures that are not speed-ups: bytes, delays), one run's figures each. */
  readonly chartPanels?: readonly ChartPanel[];
}

/** What bench/results/node<major>/<group>.json holds: the group report plus where and how it was measured. */
export interface ResultFile extends GroupReport {
  /** The Node that ran the group (`--node`), e.g. `v24.22.3`, and its V8 and N-API versions. */
  readonly node: string;
  readonly v8: string;
  readonly napi?: string;
  readonly date: string;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly platform: string;
    readonly arch: string;
    readonly totalMemoryMiB: number;
    readonly loadAverage1m: number;
  };
  /** The command that produced the file. */
  readonly command: string;
  /** Present in a `--quick` smoke run (written under bench/results/quick/): says its figures are not comparable. */
  readonly quick?: string;
  /** The command of the fresh process the group ran in. */
  readonly groupCommand: string;
}

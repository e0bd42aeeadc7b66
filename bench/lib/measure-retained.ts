import { forceGc, nextTurn } from './force-gc.js';
import { sink } from './sink.js';
import { summarize, type Summary } from './stats.js';

/**
 * heapUsed once garbage is really gone: full collections with event-loop turns between them, because
 * FinalizationRegistry callbacks and other weak callbacks only run on a later turn and may free more.
 */
export async function settledHeapUsed(collections = 6): Promise<number> {
  for (let i = 0; i < collections; i++) {
    forceGc();
    await nextTurn();
  }
  forceGc();
  return process.memoryUsage().heapUsed;
}

/** What measureRetained() measures: operations run against one long-lived object, then dropped. */
export interface RetentionScenario<P> {
  /** Creates the long-lived object (a parent op, a parent signal), fresh for each repetition. */
  readonly setup: () => P;
  /** Runs `iterations` operations against it, dropping everything they created; returns the last result. */
  readonly run: (parent: P, iterations: number) => unknown;
  readonly iterations: number;
  readonly repetitions: number;
}

/** Bytes still reachable per finished operation after full collections. */
export interface Retention {
  /** Median, min and max over the repetitions; raw values, may be slightly negative from noise. */
  readonly bytesPerOp: Summary;
  readonly iterations: number;
  readonly samples: readonly number[];
}

/**
 * Measures what a long-lived object keeps per finished operation: settled heapUsed after the operations minus before,
 * divided by their number. The long-lived object stays reachable until after the second reading. Run the scenario
 * once beforehand (warm-up) so compiled code and type feedback are not counted.
 */
export async function measureRetained<P>(scenario: RetentionScenario<P>): Promise<Retention> {
  const samples: number[] = [];
  for (let repetition = 0; repetition < scenario.repetitions; repetition++) {
    const parent = scenario.setup();
    const before = await settledHeapUsed();
    sink.value = scenario.run(parent, scenario.iterations);
    sink.value = undefined;
    const after = await settledHeapUsed();
    samples.push((after - before) / scenario.iterations);
    sink.value = parent; // the parent is reachable up to here, after the measurement
    sink.value = undefined;
  }
  return { bytesPerOp: summarize(samples), iterations: scenario.iterations, samples };
}

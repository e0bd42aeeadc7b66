/**
 * Section 1 of the `cross-thread` group: the cost of the one-load check a busy loop makes (SharedCancelFollower's
 * isCanceled while nothing happened) against the floor (a plain Atomics.load and compare), and what a task pays to
 * be woken while it waits (the table's shared doorbell against one Atomics.waitAsync per task).
 */
import { AsyncOp, CancelSlotTable, SharedCancelFollower } from 'async-op';
import type { BenchCase } from '../bench-case.js';
import { summarize, type Summary } from '../stats.js';

export const CHECK_NAMES = {
  check: 'SharedCancelFollower.isCanceled (running)',
  floor: 'Atomics.load + compare (the floor)',
  aborted: 'AbortSignal.aborted (sees no cross-thread cancel)',
} as const;

/** A table and an op whose slot the checks read: never canceled during the timing. */
export function checkCases(): { cases: BenchCase[]; dispose: () => void } {
  const table = new CancelSlotTable({ capacity: 1 });
  const op = AsyncOp.create({ context: null });
  const shared = table.share(op);
  const follower = SharedCancelFollower.follow(shared.descriptor, { watch: false });
  const words = new Int32Array(table.buffer);
  // the slot's word: 16 header words, then 16 words per slot
  const at = 16 + shared.descriptor.index * 16;
  const running = shared.descriptor.generation;
  const signal = new AbortController().signal;
  const cases: BenchCase[] = [
    {
      name: CHECK_NAMES.check,
      role: 'subject',
      run(iterations) {
        let hits = 0;
        for (let i = 0; i < iterations; i++) if (follower.isCanceled) hits++;
        return hits;
      },
    },
    {
      name: CHECK_NAMES.floor,
      role: 'baseline',
      run(iterations) {
        let hits = 0;
        for (let i = 0; i < iterations; i++) if (Atomics.load(words, at) !== running) hits++;
        return hits;
      },
    },
    {
      name: CHECK_NAMES.aborted,
      role: 'baseline',
      run(iterations) {
        let hits = 0;
        for (let i = 0; i < iterations; i++) if (signal.aborted) hits++;
        return hits;
      },
    },
  ];
  return {
    cases,
    dispose: () => {
      follower.complete();
      shared.release();
      op.release();
    },
  };
}

export const WAKE_NAMES = {
  doorbell: 'follow + complete, woken by the shared doorbell (per task)',
  perTask: 'Atomics.waitAsync armed and ended per task',
} as const;

type WaitAsync = (words: Int32Array, index: number, value: number) => { async: boolean; value: unknown };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/**
 * ns per task of making a task wakeable while it waits: a watched follower (the doorbell is armed once per table
 * and thread, a task only joins its set) against a wait of its own per task (armed, then ended by a notify when the
 * task completes, as a per-task wait must be). Median of `repetitions` batches of `tasks`, all their promises settled.
 */
export async function measureWakeCost(tasks: number, repetitions: number): Promise<Record<string, Summary>> {
  const table = new CancelSlotTable({ capacity: 1 });
  const op = AsyncOp.create({ context: null });
  const shared = table.share(op);
  const words = new Int32Array(new SharedArrayBuffer(64));
  const perTask: number[] = [];
  const doorbell: number[] = [];
  for (let repetition = 0; repetition < repetitions + 1; repetition++) {
    let start = process.hrtime.bigint();
    for (let i = 0; i < tasks; i++) SharedCancelFollower.follow(shared.descriptor).complete();
    const doorbellNs = Number(process.hrtime.bigint() - start) / tasks;
    start = process.hrtime.bigint();
    const waits: unknown[] = [];
    for (let i = 0; i < tasks; i++) {
      waits.push(waitAsync(words, 0, 0).value);
      Atomics.notify(words, 0, 1);
    }
    await Promise.all(waits);
    const perTaskNs = Number(process.hrtime.bigint() - start) / tasks;
    if (repetition === 0) continue; // warm-up
    doorbell.push(doorbellNs);
    perTask.push(perTaskNs);
  }
  shared.release();
  op.release();
  return { [WAKE_NAMES.doorbell]: summarize(doorbell), [WAKE_NAMES.perTask]: summarize(perTask) };
}

/**
 * Section 3 of the `cross-thread` group: tasks per second through a pool of 2 worker threads when 10% of the tasks are
 * canceled while they run: the worker-pool sample (cancel stops the task, the worker stays) against piscina canceling
 * by its abort signal (a running task's worker is terminated and replaced).
 */
import { Piscina } from 'piscina';
import { WorkerPoolModule, type HashValue, type Result } from 'async-op-samples';

export const POOL_NAMES = {
  sample: 'worker-pool sample, 10% canceled while running',
  piscina: 'piscina 5 + AbortSignal, 10% canceled while running',
} as const;

/** The shape of a run: every `cancelEvery`-th task is a long one, canceled `cancelAfterMs` after it was submitted. */
export const POOL_RUN = {
  workers: 2,
  /** Tasks in flight at most: one per worker, so a submitted task starts at once (and a cancel finds it running). */
  window: 2,
  tasks: 200,
  cancelEvery: 10,
  cancelAfterMs: 1,
  dataBytes: 16 * 1024,
  rounds: 50,
  /** A canceled task would run for seconds. */
  longRounds: 1_000_000,
} as const;

const data = new Uint8Array(POOL_RUN.dataBytes).map((_, i) => (i * 7) % 251);

/** A pool under test: runs one task (rejecting on cancel or error), and counts the threads it started. */
export interface PoolUnderTest {
  readonly name: string;
  run(rounds: number, signal: AbortSignal | undefined): Promise<void>;
  readonly threadsStarted: number;
  close(): Promise<void>;
}

export function samplePool(): PoolUnderTest {
  const pool = new WorkerPoolModule({ workers: POOL_RUN.workers });
  pool.open();
  return {
    name: POOL_NAMES.sample,
    run: (rounds, signal) =>
      new Promise<void>((resolve, reject) => {
        const op = pool.start({ kind: 'hash-bytes', data, rounds }, (result: Result<HashValue>) => {
          signal?.removeEventListener('abort', onAbort);
          op.release();
          if (result.status === 'ok') resolve();
          else reject(result.error);
        });
        const onAbort = (): void => void op.cancel(signal?.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    get threadsStarted() {
      return pool.workersStarted;
    },
    close: () => pool.close(),
  };
}

export function piscinaPool(): PoolUnderTest {
  const pool = new Piscina({
    filename: new URL('./piscina-worker.js', import.meta.url).href,
    minThreads: POOL_RUN.workers,
    maxThreads: POOL_RUN.workers,
    idleTimeout: 60_000,
  });
  let started = pool.threads.length;
  pool.on('workerCreate', () => started++);
  return {
    name: POOL_NAMES.piscina,
    run: async (rounds, signal) => {
      await pool.run({ data, rounds }, signal === undefined ? {} : { signal });
    },
    get threadsStarted() {
      return started;
    },
    close: () => pool.destroy(),
  };
}

/** One run: `tasks` tasks through `pool`, `window` at a time; returns its wall time in ns and the tasks canceled. */
export async function timePoolRun(pool: PoolUnderTest, tasks: number): Promise<{ ns: number; canceled: number }> {
  let next = 0;
  let canceled = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks) {
      const index = next++;
      if ((index + 1) % POOL_RUN.cancelEvery !== 0) {
        await pool.run(POOL_RUN.rounds, undefined);
        continue;
      }
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), POOL_RUN.cancelAfterMs);
      try {
        await pool.run(POOL_RUN.longRounds, controller.signal);
        throw new Error(`${pool.name}: a long task was not canceled`);
      } catch (error) {
        if (!controller.signal.aborted) throw error;
        canceled++;
      } finally {
        clearTimeout(timer);
      }
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: POOL_RUN.window }, lane));
  return { ns: Number(process.hrtime.bigint() - start), canceled };
}

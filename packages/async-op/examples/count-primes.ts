// Guide code: a CPU loop moved to a worker thread, canceled through a cancel slot. The owner's side; the worker's is
// count-primes-worker.ts. Compiled and run by test/cross-thread/examples.test.ts; shown in docs/concepts/.
// #region owner
import { Worker } from 'node:worker_threads';
import { CancelSlotTable, CrossThreadChannel, runAsPromise } from 'async-op';

/** Counts the primes below `limit` on a worker thread; aborting `signal` stops the worker's loop, not the worker. */
export async function countPrimes(limit: number, signal?: AbortSignal): Promise<number> {
  const worker = new Worker(new URL('./count-primes-worker.js', import.meta.url));
  // the slots carry each call's cancel (and its reason) to the worker: no message, one atomic store
  const table = new CancelSlotTable({ capacity: 4 });
  const channel = new CrossThreadChannel({ endpoint: worker, table });
  try {
    // one call: the callback runs once, with the count, the error, or the reason of the cancel
    return await runAsPromise<number>((callback) => channel.start({ limit }, callback), { signal });
  } finally {
    await worker.terminate();
  }
}
// #endregion

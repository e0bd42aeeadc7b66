import { Worker } from 'node:worker_threads';
import { CancelSlotTable, CrossThreadChannel, type AsyncOp, type CancelReport } from '../../../src/index.js';
import type { TestRequest, WorkerStats } from './test-requests.js';

/** The result a callback received. */
export type Outcome = { readonly error: unknown; readonly value?: unknown };

/** A real worker thread running test-worker.js, its channel, and the table its calls' slots come from. */
export class TestThread {
  readonly worker: Worker;
  readonly table: CancelSlotTable;
  readonly channel: CrossThreadChannel;
  /** Resolves with the exit code once the worker exited. */
  readonly exited: Promise<number>;

  constructor(capacity = 16) {
    this.worker = new Worker(new URL('./test-worker.js', import.meta.url));
    // a failed test that leaves a call running must not keep mocha from exiting
    this.worker.unref();
    this.table = new CancelSlotTable({ capacity });
    this.channel = new CrossThreadChannel({ endpoint: this.worker, table: this.table });
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
  }

  /**
   * Starts a call; `result` resolves with what its callback received (the callback is checked to run once).
   * The caller owns `op`.
   */
  start(request: TestRequest, reportCancel?: CancelReport): { op: AsyncOp<unknown>; result: Promise<Outcome> } {
    let calls = 0;
    let resolve: (outcome: Outcome) => void = () => undefined;
    const result = new Promise<Outcome>((settle) => (resolve = settle));
    const op = this.channel.start(
      request,
      (error, value) => {
        if (++calls > 1) throw new Error('a second callback');
        resolve(error === null ? { error, value } : { error });
      },
      { reportCancel },
    );
    return { op, result };
  }

  /** Runs a call to its end and returns the value (rejects with the error). */
  async call<V>(request: TestRequest): Promise<V> {
    const { op, result } = this.start(request);
    op.release();
    const outcome = await result;
    if (outcome.error !== null) throw outcome.error;
    return outcome.value as V;
  }

  /** What the worker still holds (not counting the stats call). */
  stats(): Promise<WorkerStats> {
    return this.call<WorkerStats>({ kind: 'stats' });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/** A shared flag a request carries; the worker sets it once the call runs. */
export function startedFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

/** Resolves once the worker set `flag` (see startedFlag). */
export async function whenStarted(flag: Int32Array): Promise<void> {
  const wait = (
    Atomics as unknown as {
      waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<unknown> | string };
    }
  ).waitAsync(flag, 0, 0);
  if (wait.async) await wait.value;
}

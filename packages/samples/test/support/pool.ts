import { Worker } from 'node:worker_threads';
import type { AsyncOp } from 'async-op';
import {
  WorkerPoolModule,
  type HashRequest,
  type HashValue,
  type PoolTraceEvent,
  type Result,
} from '../../src/index.js';
import type { PoolThreadStats } from './pool-test-thread.js';

/** Records a pool's trace; when() waits for an event. */
export class PoolTraceLog {
  readonly events: PoolTraceEvent[] = [];
  private waiters: { predicate: (event: PoolTraceEvent) => boolean; resolve: (event: PoolTraceEvent) => void }[] = [];

  readonly listener = (event: PoolTraceEvent): void => {
    this.events.push(event);
    for (const waiter of [...this.waiters]) {
      if (!waiter.predicate(event)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(event);
    }
  };

  /** Resolves with the first event (recorded already, or to come) that matches. */
  when(predicate: (event: PoolTraceEvent) => boolean): Promise<PoolTraceEvent> {
    const found = this.events.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ predicate, resolve }));
  }

  /** The id of the task enqueued last (call right after start()). */
  get lastTaskId(): number {
    const enqueued = this.events.filter((event) => event.type === 'enqueued').at(-1);
    if (enqueued === undefined) throw new Error('no task enqueued yet');
    return enqueued.taskId;
  }

  /** Resolves with task `taskId`'s first event of `type` (and `detail`, if given). */
  whenTask(taskId: number, type: PoolTraceEvent['type'], detail?: string): Promise<PoolTraceEvent> {
    return this.when(
      (event) => event.taskId === taskId && event.type === type && (detail === undefined || event.detail === detail),
    );
  }

  /** The events of one task, as `type detail` strings. */
  of(taskId: number): string[] {
    return this.events
      .filter((event) => event.taskId === taskId)
      .map((event) => (event.detail === undefined ? event.type : `${event.type} ${event.detail}`));
  }
}

/**
 * A pool over real worker threads running pool-test-thread.js (the pool's server plus test commands). The threads
 * are unref'd: a failed test that leaves a task running must not keep mocha from exiting.
 */
export function createTestPool(workers: number, log?: PoolTraceLog): WorkerPoolModule {
  return new WorkerPoolModule({
    workers,
    createThread: () => {
      const thread = new Worker(new URL('./pool-test-thread.js', import.meta.url));
      thread.unref();
      return thread;
    },
    trace: log?.listener,
  });
}

/** A started task: its op (the caller's), and its one result (a second callback throws). */
export interface StartedTask {
  readonly op: AsyncOp<unknown>;
  readonly result: Promise<Result<HashValue>>;
  /** Whether the callback ran yet. */
  readonly isDelivered: () => boolean;
}

export function startTask(pool: WorkerPoolModule, request: HashRequest): StartedTask {
  let calls = 0;
  let resolve: (result: Result<HashValue>) => void = () => undefined;
  const result = new Promise<Result<HashValue>>((settle) => (resolve = settle));
  const op = pool.start(request, (outcome) => {
    if (++calls > 1) throw new Error('a second callback');
    resolve(outcome);
  });
  return { op, result, isDelivered: () => calls > 0 };
}

/** What every worker of `pool` still holds: one stats task per worker, started together so each worker gets one. */
export async function workerStats(pool: WorkerPoolModule): Promise<PoolThreadStats[]> {
  const tasks = Array.from({ length: pool.workerCount }, () =>
    startTask(pool, { kind: 'hash-file', path: 'test-command:stats' }),
  );
  for (const task of tasks) task.op.release();
  return Promise.all(tasks.map(async (task) => (await task.result).value as unknown as PoolThreadStats));
}

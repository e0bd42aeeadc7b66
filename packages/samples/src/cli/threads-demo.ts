import { LeakTracker } from 'async-op';
import fs from 'node:fs';
import path from 'node:path';
import type { HashRequest } from '../hash-request.js';
import { WorkerPoolModule } from '../ll-worker-pool.js';
import type { PoolTraceEvent } from '../worker-pool-trace.js';
import { describeLeaks, leakReport, type LeakReport } from './leak-report.js';
import { Timeline } from './timeline.js';

/** What the threads demo observed. */
export interface ThreadsRun {
  readonly timeline: Timeline;
  /** Each task's label and result status, in start order. */
  readonly results: readonly { readonly label: string; readonly status: string }[];
  readonly threadsStarted: number;
  readonly leaks: LeakReport;
  /** The tasks ended as planned (one ok, three canceled), no thread was restarted, and nothing leaked. */
  readonly isOk: boolean;
}

/** The demo's tasks: what each does, and the worker event after which it is canceled (none: it runs to its end). */
const TASKS: readonly {
  readonly label: string;
  readonly request: (file: string) => HashRequest;
  readonly cancelAfter?: PoolTraceEvent['type'] | 'start';
}[] = [
  {
    label: 'busy',
    request: (file) => ({ kind: 'hash-file', path: file, rounds: 1_000_000 }),
    cancelAfter: 'hash-started',
  },
  {
    label: 'idle',
    request: (file) => ({ kind: 'hash-file', path: file, chunkSize: 4096, pauseMs: 600_000 }),
    cancelAfter: 'pause-started',
  },
  { label: 'queued', request: () => ({ kind: 'hash-bytes', data: new Uint8Array(16) }), cancelAfter: 'start' },
  { label: 'plain', request: (file) => ({ kind: 'hash-file', path: file }) },
];

/** The events that happen on a worker thread (the others happen in the pool, on the caller's thread). */
const WORKER_EVENTS: ReadonlySet<PoolTraceEvent['type']> = new Set([
  'task-started',
  'open-started',
  'read-started',
  'read-done',
  'hash-started',
  'pause-started',
  'cancel-seen',
  'file-closed',
  'task-ended',
]);

function layerOf(event: PoolTraceEvent): string {
  return WORKER_EVENTS.has(event.type) ? `worker ${event.worker}` : 'pool';
}

function describeEvent(event: PoolTraceEvent): string {
  const task = event.taskId === 0 ? `worker ${event.worker} ` : `task ${event.taskId} `;
  const where = event.type === 'dispatched' ? ` to worker ${event.worker}` : '';
  return `${task}${event.type}${where}${event.detail === undefined ? '' : ` (${event.detail})`}`;
}

/**
 * Runs four hashes through a pool of two worker threads over a 64 KiB file in `directory`: one canceled while its
 * worker hashes (a busy loop), one while its worker pauses (idle), one while queued, one left to finish; prints
 * nothing, returns the timeline of both threads and the checks.
 */
export async function runThreads(directory: string): Promise<ThreadsRun> {
  fs.mkdirSync(directory, { recursive: true });
  const file = path.join(directory, 'data.bin');
  fs.writeFileSync(file, Buffer.alloc(64 * 1024, 7));
  const mark = LeakTracker.mark();
  const timeline = new Timeline();
  const waiters = new Map<string, () => void>();
  const pool = new WorkerPoolModule({
    workers: 2,
    trace: (event) => {
      timeline.add(layerOf(event), describeEvent(event));
      waiters.get(`${event.taskId}:${event.type}`)?.();
    },
  });
  pool.open();
  const results: { label: string; status: string }[] = [];
  const ends: Promise<void>[] = [];
  const cancels: Promise<void>[] = [];
  TASKS.forEach((task, index) => {
    const taskId = index + 1;
    let done: () => void = () => undefined;
    ends.push(new Promise((resolve) => (done = resolve)));
    const op = pool.start(task.request(file), (result) => {
      timeline.add('user', `${task.label}: callback ${result.status}`);
      results[index] = { label: task.label, status: result.status };
      done();
    });
    const cancel = (): void => {
      timeline.add('user', `${task.label}: cancel()`);
      op.cancel();
      op.release();
    };
    if (task.cancelAfter === undefined) return op.release();
    if (task.cancelAfter === 'start') return cancel();
    cancels.push(new Promise<void>((resolve) => waiters.set(`${taskId}:${task.cancelAfter}`, resolve)).then(cancel));
  });
  await Promise.all([...cancels, ...ends]);
  await pool.close();
  pool.destroy();
  const leaks = leakReport(mark, directory, ['data.bin']);
  const expected = ['canceled', 'canceled', 'canceled', 'ok'];
  const isOk =
    results.every((result, index) => result.status === expected[index]) &&
    pool.workersStarted === 2 &&
    pool.workerCount === 0 &&
    leaks.references === 0 &&
    leaks.descriptors === 0 &&
    leaks.files.length === 0;
  return { timeline, results, threadsStarted: pool.workersStarted, leaks, isOk };
}

/** The run's summary lines after its timeline. */
export function describeThreads(run: ThreadsRun): string[] {
  return [
    `results: ${run.results.map((result) => `${result.label} ${result.status}`).join(', ')}`,
    `threads started: ${run.threadsStarted} (cancel kept every worker)`,
    describeLeaks(run.leaks),
  ];
}

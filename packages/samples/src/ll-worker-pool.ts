import { AsyncOp, CancelSlotTable, CrossThreadChannel, CrossThreadExitError, describeValue } from 'async-op';
import {
  CancellableModuleBase,
  deliverResult,
  expectCallback,
  isRetryableError,
  operationLabel,
  shutdownReason,
  type Result,
  type StartCallback,
} from 'async-op-module-kit';
import { validateHashRequest, type HashRequest, type HashValue } from './hash-request.js';
import type { PoolTaskMessage } from './internal/hash-task.js';
import type { PoolShutdownMessage, PoolTraceMessage } from './internal/serve-pool-tasks.js';
import { startWorkerThread, type PoolThread } from './pool-thread.js';
import type { PoolTraceEvent, PoolTraceEventType, PoolTraceListener } from './worker-pool-trace.js';

/** Threads in a row that exit before doing any work after which the pool stops replacing them. */
export const MAX_FAILED_STARTS = 3;

/** What {@link WorkerPoolModule} takes. */
export interface WorkerPoolModuleOptions {
  /** Worker threads; an integer in [1, 64]. Default 2. */
  readonly workers?: number | undefined;
  /** Starts one thread; default a real worker thread ({@link startWorkerThread}). Race tests pass scripted ones. */
  readonly createThread?: (() => PoolThread) | undefined;
  /** Receives every event of both threads' trace, in order (off by default). */
  readonly trace?: PoolTraceListener | undefined;
}

/** One task: the context of its op. */
interface PoolTask {
  readonly id: number;
  readonly request: HashRequest;
  readonly callback: StartCallback<HashValue>;
  /** The callback's reference, until the delivery. */
  readonly own: AsyncOp<PoolTask>;
  /** The call on a worker, while one runs the task. */
  call: AsyncOp<unknown> | null;
  worker: PoolWorker | null;
}

/** One worker thread of the pool and the task it runs. */
interface PoolWorker {
  readonly id: number;
  readonly thread: PoolThread;
  readonly channel: CrossThreadChannel;
  task: PoolTask | null;
  /** Whether it ever reported, or died running a task: then its exit is worth a replacement (see onExit). */
  hasWorked: boolean;
  /** Resolves with the exit code once the thread exited. */
  readonly exited: Promise<number>;
}

/**
 * LL module whose operations (hashes, {@link HashRequest}) run in a small pool of worker threads, with a cancel that
 * stops the task in its worker and keeps the worker for the next task.
 *
 * @remarks
 * A task waits in a FIFO until a worker is free. Cancel of a queued task reports `canceled` at once (inside cancel()):
 * it never reaches a worker. Cancel of a running task marks its cancel slot (a {@link CancelSlotTable} shared with the
 * workers): the worker sees it at its next check in a busy loop, or at once through the doorbell while it waits for
 * I/O or its pause; it stops, closes its file, and reports; `canceled` is delivered then (real cancel). A worker that
 * exits with a task reports `error` (a CrossThreadExitError) for it, once, and is replaced. close() cancels every
 * task, waits for every callback, then asks each thread to shut down (it closes its file manager and exits) and waits
 * for it. Transient file errors (EMFILE, ...) are `error-can-retry`.
 */
export class WorkerPoolModule extends CancellableModuleBase<HashRequest, HashValue> {
  private readonly size: number;
  private readonly createThread: () => PoolThread;
  private readonly traceListener: PoolTraceListener | undefined;
  /** One slot per worker: a worker runs one task at a time. */
  private readonly table: CancelSlotTable;
  private readonly workers: PoolWorker[] = [];
  private readonly queue: PoolTask[] = [];
  /** Every task not yet delivered (for cancelAll). */
  private readonly pending = new Set<PoolTask>();
  private nextTaskId = 1;
  private nextWorkerId = 1;
  private started = 0;
  /** Threads in a row that exited before doing any work; at MAX_FAILED_STARTS the pool stops replacing them. */
  private failedStarts = 0;
  /** Set once the pool gave up replacing threads: what start() throws until the module is opened again. */
  private brokenBy: CrossThreadExitError | null = null;

  /** Creates the module (state `created`; no thread yet). @throws TypeError/RangeError for bad options. */
  constructor(options: WorkerPoolModuleOptions = {}) {
    super('ll-worker-pool');
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
    }
    const { workers = 2, createThread = startWorkerThread, trace } = options;
    if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1 || workers > 64) {
      throw new RangeError(`Expected \`options.workers\` to be an integer in [1, 64], got ${describeValue(workers)}`);
    }
    for (const [name, value] of [
      ['createThread', createThread],
      ['trace', trace],
    ] as const) {
      if (value !== undefined && typeof value !== 'function') {
        throw new TypeError(`Expected \`options.${name}\` to be a function, got ${describeValue(value)}`);
      }
    }
    this.size = workers;
    this.createThread = createThread;
    this.traceListener = trace;
    this.table = new CancelSlotTable({ capacity: workers });
  }

  /** Worker threads alive now (0 once closed). */
  get workerCount(): number {
    return this.workers.length;
  }

  /** Cancel slots of running tasks (one per task a worker runs); 0 once every task reported. */
  get cancelSlotsInUse(): number {
    return this.table.inUseCount;
  }

  /** Worker threads started since creation: the pool's size after open(), plus one per replaced thread. */
  get workersStarted(): number {
    return this.started;
  }

  /** Starts the worker threads and accepts start() calls. @throws ModuleStateError unless created or closed. */
  override open(): void {
    super.open();
    this.failedStarts = 0;
    this.brokenBy = null;
    while (this.workers.length < this.size) this.startWorker('open');
  }

  /**
   * Starts one task. See {@link CancellableModuleBase.start} for the contract; it also throws the CrossThreadExitError of
   * the last thread once {@link MAX_FAILED_STARTS} threads in a row exited before doing any work (until reopened).
   *
   * @remarks The callback never runs inside start(): at the earliest inside cancel() (a queued task), else once the
   *   worker reported.
   */
  // #region start
  start(request: HashRequest, callback: StartCallback<HashValue>): AsyncOp<unknown> {
    // 1. validate everything and check the module is open: throwing here leaves nothing behind
    validateHashRequest(request);
    expectCallback(callback);
    this.lifecycle.admit();
    if (this.brokenBy !== null) throw this.brokenBy;
    // 2. create the op and take the callback's reference: the delivery may come inside cancel()
    const context = { id: this.nextTaskId++, request, callback, own: null, call: null, worker: null };
    const op = AsyncOp.create<PoolTask>({
      context: context as unknown as PoolTask,
      cancel: (task) => this.cancel(task),
      label: operationLabel(this.name, request),
    });
    const task = Object.assign(context, { own: op.ref('callback') }) as PoolTask;
    // 3. count it in and queue it BEFORE dispatching: a sweep (cancelAll) must find it
    this.lifecycle.begin();
    this.pending.add(task);
    this.queue.push(task);
    this.trace('enqueued', task.id, 0);
    // 4. hand it to a free worker, if there is one
    this.dispatch();
    return op;
  }
  // #endregion

  /**
   * Cancels every pending task (queued or running), and any started while it runs.
   *
   * @param reason - the cancel reason given to each; default a CanceledError of kind `shutdown` whose `origin` is
   *   this module's name (created only if there is something to cancel).
   * @returns how many tasks it canceled.
   * @remarks Synchronous: queued tasks call back inside it; running ones once their worker stopped.
   */
  cancelAll(reason?: unknown): number {
    return this.sweep(reason, 'cancelAll');
  }

  /** cancelAll() and close(): `cause` names the shutdown reason made when none is given. */
  private sweep(given: unknown, cause: 'close' | 'cancelAll'): number {
    let canceled = 0;
    let reason = given;
    let found = true;
    while (found) {
      found = false;
      for (const task of [...this.pending]) {
        // a cancel before this one may have delivered it (its callback released the reference), or started others
        if (!this.pending.has(task) || task.own.isCanceled) continue;
        found = true;
        reason ??= shutdownReason(this.name, cause);
        if (task.own.cancel(reason)) canceled++;
      }
    }
    return canceled;
  }

  /**
   * Refuses new starts, cancels every task, and resolves once every callback ran and every thread exited.
   *
   * @remarks Callable from inside one of this module's callbacks, and more than once.
   */
  // #region close
  override close(): Promise<void> {
    // 1. refuse new starts FIRST: a callback run by the sweep cannot start more work
    const drained = super.close();
    // 2. cancel everything, with a reason that says so (kind `shutdown`, origin this module): queued tasks report at
    //    once, running ones once their worker stopped
    this.sweep(undefined, 'close');
    // 3. once every callback ran, shut the threads down: each closes what it owns, then exits (a thread terminated
    //    from outside could not close its files); unless the module was opened again meanwhile
    return drained.then(() => this.stopWorkers());
  }
  // #endregion

  /** The cancel implementation. */
  // #region cancel
  private cancel(task: PoolTask): void {
    const queued = this.queue.indexOf(task);
    this.trace('cancel-requested', task.id, task.worker?.id ?? 0, queued >= 0 ? 'queued' : 'running');
    if (queued >= 0) {
      // 5. still queued: it never reaches a worker; report canceled now, from inside cancel()
      this.queue.splice(queued, 1);
      this.deliver(task, { status: 'canceled', error: task.own.reason });
      return;
    }
    // 6. running: mark its slot (the worker stops at its next check, or through the doorbell while it waits); the
    //    worker reports, and canceled is delivered then (real cancel)
    task.call?.cancel(task.own.reason);
  }
  // #endregion

  // #region dispatch
  private dispatch(): void {
    for (const worker of this.workers) {
      const task = worker.task === null && !worker.channel.hasExited ? this.queue.shift() : undefined;
      if (task === undefined) continue;
      // 7. the worker is the task's from now on, until the report
      worker.task = task;
      task.worker = worker;
      const message: PoolTaskMessage = {
        taskId: task.id,
        trace: this.traceListener !== undefined,
        request: task.request,
      };
      try {
        task.call = worker.channel.start<HashValue>(message, (error, value) =>
          this.onReport(worker, task, error, value),
        );
      } catch (error) {
        // the request could not be posted: the task fails, the worker stays free
        worker.task = null;
        this.deliver(task, { status: 'error', error });
        continue;
      }
      this.trace('dispatched', task.id, worker.id);
    }
  }

  private onReport(worker: PoolWorker, task: PoolTask, error: unknown, value: HashValue | undefined): void {
    const result = resultOf(task, error, value);
    this.trace('reported', task.id, worker.id, result.status);
    // 8. the worker is done with the task: drop the call and free the worker for the next one (it is kept)
    task.call?.release();
    task.call = null;
    worker.task = null;
    worker.hasWorked = true;
    // 9. deliver, then give the freed worker (or the others, if it died) the next queued task
    this.deliver(task, result);
    this.dispatch();
  }
  // #endregion

  // #region deliver
  private deliver(task: PoolTask, result: Result<HashValue>): void {
    // 10. exactly once: complete() decides (a queued cancel, the report or an exit: whichever comes first)
    if (!task.own.complete()) return;
    this.pending.delete(task);
    // release the callback's reference BEFORE calling back, count the task out AFTER (close() waits for the callback)
    task.own.release();
    // what the callback (or the trace listener) throws is raised uncaught: inside start() or a dispatch it would
    // undo the task twice
    const callback = task.callback;
    deliverResult(
      (delivered: Result<HashValue>) => {
        this.trace('callback', task.id, task.worker?.id ?? 0, delivered.status);
        callback(delivered);
      },
      result,
      this.lifecycle,
    );
  }
  // #endregion

  private startWorker(why: 'open' | 'replace'): void {
    const thread = this.createThread();
    const channel = new CrossThreadChannel({ endpoint: thread, table: this.table });
    let resolveExited: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (resolveExited = resolve));
    const worker: PoolWorker = { id: this.nextWorkerId++, thread, channel, task: null, hasWorked: false, exited };
    this.workers.push(worker);
    this.started++;
    // the channel listens first: a task in flight gets its error before the pool replaces the thread
    thread.on('exit', (code) => {
      const exitCode = typeof code === 'number' ? code : 1;
      resolveExited(exitCode);
      this.onExit(worker, exitCode);
    });
    if (this.traceListener !== undefined) thread.on('message', (message: unknown) => this.forward(worker, message));
    this.trace('worker-started', 0, worker.id, why);
  }

  // #region exit
  private onExit(worker: PoolWorker, code: number): void {
    this.trace('worker-exited', 0, worker.id, String(code));
    const index = this.workers.indexOf(worker);
    if (index < 0) return; // stopped by close()
    this.workers.splice(index, 1);
    if (this.lifecycle.state !== 'open') return;
    // 11. a thread died: replace it, and give the new one the queue; but a thread that cannot even start would be
    //     replaced forever: after MAX_FAILED_STARTS in a row, the queued tasks fail and start() throws instead
    this.failedStarts = worker.hasWorked ? 0 : this.failedStarts + 1;
    if (this.failedStarts < MAX_FAILED_STARTS) {
      this.startWorker('replace');
      return this.dispatch();
    }
    const exit = (this.brokenBy = new CrossThreadExitError(code));
    if (this.workers.length > 0) return;
    for (const task of this.queue.splice(0)) this.deliver(task, { status: 'error', error: exit });
  }
  // #endregion

  /** Asks every thread to shut down (each closes what it owns, then exits); resolves once all exited. */
  private async stopWorkers(): Promise<void> {
    if (this.lifecycle.state !== 'closed') return;
    const stopping = this.workers.splice(0);
    const shutdown: PoolShutdownMessage = { poolShutdown: true };
    for (const worker of stopping) if (!worker.channel.hasExited) worker.thread.postMessage(shutdown);
    await Promise.all(stopping.map((worker) => worker.exited));
  }

  private forward(worker: PoolWorker, message: unknown): void {
    const event = (message as Partial<PoolTraceMessage> | null)?.poolTrace;
    if (event !== undefined) this.trace(event.type, event.taskId, worker.id, event.detail);
  }

  private trace(type: PoolTraceEventType, taskId: number, worker: number, detail?: string): void {
    const listener = this.traceListener;
    if (listener === undefined) return;
    const event: PoolTraceEvent = detail === undefined ? { type, taskId, worker } : { type, taskId, worker, detail };
    listener(event);
  }
}

/** The result of a report: a cancel's own reason is `canceled`; a thread's exit an `error`; transient errors retryable. */
function resultOf(task: PoolTask, error: unknown, value: HashValue | undefined): Result<HashValue> {
  if (error === null) return { status: 'ok', value: value as HashValue };
  if (task.own.isCanceled && error === task.own.reason) return { status: 'canceled', error };
  if (!(error instanceof CrossThreadExitError) && isRetryableError(error)) return { status: 'error-can-retry', error };
  return { status: 'error', error };
}

/** What a {@link PoolTraceEvent} records. */
export type PoolTraceEventType =
  /** main: a worker thread was started (`detail`: why: `open` or `replace`). */
  | 'worker-started'
  /** main: a worker thread exited (`detail`: its exit code). */
  | 'worker-exited'
  /** main: start() queued the task. */
  | 'enqueued'
  /** main: the task was posted to a worker. */
  | 'dispatched'
  /** main: cancel() reached the task (`detail`: `queued` or `running`). */
  | 'cancel-requested'
  /** worker: the task began. */
  | 'task-started'
  /** worker: the file's open was enqueued. */
  | 'open-started'
  /** worker: a chunk read was enqueued (`detail`: its offset). */
  | 'read-started'
  /** worker: a chunk read returned (`detail`: bytes). */
  | 'read-done'
  /** worker: hashing a chunk began (`detail`: rounds). */
  | 'hash-started'
  /** worker: the pause between chunks began. */
  | 'pause-started'
  /** worker: the task saw the cancel (`detail`: `check`, in a busy loop, or `doorbell`, while waiting). */
  | 'cancel-seen'
  /** worker: the task's file was closed (after a cancel: the read in flight finished first). */
  | 'file-closed'
  /** worker: the task ended (`detail`: `ok`, `canceled` or `error`), just before it reports. */
  | 'task-ended'
  /** main: the worker's report arrived (`detail`: its status). */
  | 'reported'
  /** main: the callback was called (`detail`: the result status). */
  | 'callback';

/**
 * One event of the worker pool's trace: what happened to which task, on which thread. Worker events travel to the
 * owner's thread on the worker's port, ahead of the task's report.
 *
 * @remarks Only the order of events is meaningful; the docs' cross-thread diagram is drawn from such a trace.
 */
export interface PoolTraceEvent {
  readonly type: PoolTraceEventType;
  /** The task (numbered from 1 per module), or 0 for worker events. */
  readonly taskId: number;
  /** The worker (numbered from 1 per module), or 0 before dispatch. */
  readonly worker: number;
  readonly detail?: string | undefined;
}

/** Receives every event of a module's trace, in order, on the owner's thread. */
export type PoolTraceListener = (event: PoolTraceEvent) => void;

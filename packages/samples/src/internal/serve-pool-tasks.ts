import { CrossThreadServer, type CrossThreadPort, type SharedCancelFollower } from 'async-op';
import type { AsyncFileManager } from 'async-op-file';
import type { PoolTraceEventType } from '../worker-pool-trace.js';
import { runHashTask, type PoolTaskMessage, type TracePost } from './hash-task.js';

/** A worker-side trace event on its way to the owner (the owner adds the worker's number). */
export interface PoolTraceMessage {
  readonly poolTrace: {
    readonly type: PoolTraceEventType;
    readonly taskId: number;
    readonly detail?: string | undefined;
  };
}

function ignore(): void {
  // an untraced task posts nothing
}

/**
 * The worker side of the pool: serves the tasks that arrive on `port` with {@link runHashTask}, posting the trace
 * events of traced tasks ahead of their reports.
 *
 * @param port - `parentPort` in a worker, or the port of a scripted thread.
 * @param manager - the worker's file manager (one per worker thread).
 * @param handle - runs one task; default runHashTask (a test worker adds commands of its own around it).
 */
export function servePoolTasks(
  port: CrossThreadPort,
  manager: AsyncFileManager,
  handle: typeof runHashTask = runHashTask,
): CrossThreadServer {
  return CrossThreadServer.serve(port, (received: unknown, follower: SharedCancelFollower) => {
    const message = received as PoolTaskMessage;
    const trace: TracePost = message.trace
      ? (type, detail) => {
          const event: PoolTraceMessage = { poolTrace: { type, taskId: message.taskId, detail } };
          port.postMessage(event);
        }
      : ignore;
    // 5. the end, traced before the server reports it (the report is posted after this promise settles)
    return handle(manager, message, follower, trace).then(
      (value) => {
        trace('task-ended', 'ok');
        return value;
      },
      (error: unknown) => {
        trace('task-ended', follower.isCanceled ? 'canceled' : 'error');
        throw error;
      },
    );
  });
}

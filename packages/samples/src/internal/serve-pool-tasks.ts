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

/** The pool's last message to a thread: stop serving, clean up, exit (see WorkerPoolModule.close()). */
export interface PoolShutdownMessage {
  readonly poolShutdown: true;
}

/** Options of {@link servePoolTasks}. */
export interface ServePoolTasksOptions {
  /** Runs one task; default runHashTask (a test thread adds commands of its own around it). */
  readonly handle?: typeof runHashTask | undefined;
  /**
   * Called once the pool asked this thread to shut down and the server stopped: release what the thread owns (its
   * file manager) and end the thread (close `parentPort`). The pool waits for the thread's exit.
   */
  readonly onShutdown: () => void;
}

function ignore(): void {
  // an untraced task posts nothing
}

/**
 * The worker side of the pool: serves the tasks that arrive on `port` with {@link runHashTask}, posting the trace
 * events of traced tasks ahead of their reports, until the pool's shutdown message.
 *
 * @param port - `parentPort` in a worker, or the port of a scripted thread.
 * @param manager - the file manager the tasks use (one per worker thread).
 * @param options - `handle`, `onShutdown`.
 */
export function servePoolTasks(
  port: CrossThreadPort,
  manager: AsyncFileManager,
  options: ServePoolTasksOptions,
): CrossThreadServer {
  const handle = options.handle ?? runHashTask;
  const onShutdown = (message: unknown): void => {
    if ((message as Partial<PoolShutdownMessage> | null)?.poolShutdown !== true) return;
    // the pool sends it once every task reported: nothing is in flight
    port.off('message', onShutdown);
    server.close();
    options.onShutdown();
  };
  port.on('message', onShutdown);
  const server = CrossThreadServer.serve(port, (received: unknown, follower: SharedCancelFollower) => {
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
  return server;
}

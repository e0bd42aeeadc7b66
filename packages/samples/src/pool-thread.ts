import { Worker } from 'node:worker_threads';
import type { CrossThreadEndpoint } from 'async-op';

/**
 * One thread of the worker pool, as the pool uses it: a `Worker` (the default), or a {@link ScriptedPoolThread}
 * (in-thread, for race tests).
 *
 * @remarks It must emit `message` for what the thread posts, `exit` (with the exit code) once it ended, and `error`
 *   before an exit caused by an uncaught error. The thread must serve the pool's tasks as internal/pool-thread-main.js
 *   does (the sample's servePoolTasks): the pool's close() asks it to shut down and waits for its exit.
 */
export type PoolThread = CrossThreadEndpoint;

/** The worker-pool thread of this package: a real worker thread running internal/pool-thread-main.js. */
export function startWorkerThread(): PoolThread {
  return new Worker(new URL('./internal/pool-thread-main.js', import.meta.url));
}

// The entry of a worker-pool thread: one file manager per thread, serving the tasks the pool posts.
import { parentPort } from 'node:worker_threads';
import { AsyncFileManager } from 'async-op-file';
import { servePoolTasks } from './serve-pool-tasks.js';

if (parentPort === null) throw new Error('pool-thread-main.js runs as a worker thread only');
const port = parentPort;
// no fast path: a synchronous read would block this thread's event loop, and with it the doorbell of a cancel
const manager = new AsyncFileManager({ concurrency: 2, syncThresholdBytes: 0, cacheProbe: false });
servePoolTasks(port, manager, {
  // close the manager (an engine with a native ring must not be torn down under a live thread), then the port: with
  // nothing left to wait for, the thread exits
  onShutdown: () => void manager.close().then(() => port.close()),
});

// The entry of a worker-pool thread: one file manager per thread, serving the tasks the pool posts.
import { parentPort } from 'node:worker_threads';
import { AsyncFileManager } from 'async-op-file';
import { servePoolTasks } from './serve-pool-tasks.js';

if (parentPort === null) throw new Error('pool-thread-main.js runs as a worker thread only');
// no fast path: a synchronous read would block this thread's event loop, and with it the doorbell of a cancel
servePoolTasks(parentPort, new AsyncFileManager({ concurrency: 2, syncThresholdBytes: 0, cacheProbe: false }));

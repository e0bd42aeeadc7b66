// A worker-pool thread for the tests: the pool's own task server, plus commands given as `hash-file` paths (the
// pool only posts valid requests): `test-command:exit:<code>`, `test-command:throw:<message>`, `test-command:stats`.
import { parentPort } from 'node:worker_threads';
import { LeakTracker, SharedCancelFollower } from 'async-op';
import { AsyncFileManager } from 'async-op-file';
import { runHashTask } from '../../src/internal/hash-task.js';
import { servePoolTasks } from '../../src/internal/serve-pool-tasks.js';
import type { HashValue } from '../../src/index.js';

/** What `test-command:stats` reports (in place of a HashValue), not counting the stats task itself. */
export interface PoolThreadStats {
  readonly following: number;
  readonly liveReferences: number;
}

LeakTracker.enable();
const COMMAND = 'test-command:';

const port = parentPort as NonNullable<typeof parentPort>;
const manager = new AsyncFileManager({ concurrency: 2, syncThresholdBytes: 0, cacheProbe: false });
const handle: typeof runHashTask = (files, message, follower, trace) => {
  const { request } = message;
  if (request.kind !== 'hash-file' || !request.path.startsWith(COMMAND)) {
    return runHashTask(files, message, follower, trace);
  }
  const [command, argument = ''] = request.path.slice(COMMAND.length).split(':');
  if (command === 'exit') process.exit(Number(argument));
  if (command === 'throw') {
    setTimeout(() => {
      throw new Error(argument);
    }, 0);
    return new Promise<never>(() => undefined);
  }
  const stats: PoolThreadStats = {
    following: SharedCancelFollower.followingCount - 1,
    liveReferences: LeakTracker.liveReferences(0).length - 1,
  };
  return Promise.resolve(stats as unknown as HashValue);
};
servePoolTasks(port, manager, { handle, onShutdown: () => void manager.close().then(() => port.close()) });

import { mochaCheckAfterEach } from 'async-op-race-kit';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { CrossThreadExitError, type AsyncOp } from 'async-op';
import {
  buildStack,
  POOL_LOW_LEVEL,
  POOL_STACKS,
  stackTitle,
  startWorkerThread,
  WorkerPoolModule,
  type BuiltStack,
  type HashRequest,
  type HashValue,
  type PoolThread,
  type PoolTraceEvent,
  type Result,
} from 'async-op-samples';
import { expect } from 'chai';
import { after, afterEach, before, describe, it } from 'mocha';

type PoolStack = BuiltStack<HashRequest, HashValue>;

/** The retry module over the pool: a thread's exit is not retried (an `error`); EAGAIN from a worker's file is. */
const RETRIES = { baseDelayMs: 0, maxAttempts: 3 } as const;

/** The stacks with the thread-exit scenario (one per kind of top: the bare pool, HL, cancel-all over retries). */
const EXIT_STACKS = ['ll', 'hl/ml-pass-through', 'hl-cancel-all/ml-retries'];

/** A started operation of a stack: the caller's op and its one result. */
interface Started {
  readonly op: AsyncOp<unknown>;
  readonly result: Promise<Result<HashValue>>;
  readonly isDelivered: () => boolean;
}

function start(stack: PoolStack, request: HashRequest): Started {
  let calls = 0;
  let resolve: (result: Result<HashValue>) => void = () => undefined;
  const result = new Promise<Result<HashValue>>((settle) => (resolve = settle));
  const op = stack.top.start(request, (outcome) => {
    if (++calls > 1) throw new Error('a second callback');
    resolve(outcome);
  });
  return { op, result, isDelivered: () => calls > 0 };
}

/** "Cancel" of the top: cancel() for most stacks; close() then open() again for cancel-all (its cancel is the sweep). */
async function cancelTop(stack: PoolStack, operation: Started, reason: unknown): Promise<void> {
  if (stack.sweeper === undefined) {
    expect(operation.op.cancel(reason)).to.equal(true);
    return;
  }
  await stack.sweeper.close();
  stack.sweeper.open();
}

/** Runs one hash-bytes task per thread of `pool` at once: resolves once every thread is up (its modules loaded). */
async function whenThreadsReady(pool: WorkerPoolModule): Promise<void> {
  await Promise.all(
    Array.from(
      { length: pool.workerCount },
      () =>
        new Promise<void>((resolve) => {
          pool.start({ kind: 'hash-bytes', data: new Uint8Array(1) }, () => resolve()).release();
        }),
    ),
  );
}

/**
 * Test titles: the scenarios that run on real files say so, and npm test runs them again with the io_uring engine
 * (in the worker threads: they inherit ASYNC_FILE_ENGINE); the thread-exit scenario does not: a worker terminated
 * with files open through io_uring leaves them open (nothing runs on the thread to close them).
 *
 * The worker-pool stacks over real worker threads (one pool of two threads for the matrix; the layers are built for
 * each test): a hash, and a cancel while the worker is busy, while it is idle and while the task is queued, and a
 * thread that exits with the task. Each test ends with the top closed, the pool idle with its threads unrestarted
 * (except the exit test), no cancel slot in use; the root hook adds AsyncOp references and open descriptors.
 */
describe('conformance: worker-pool stacks (real worker threads)', () => {
  const threads: Worker[] = [];
  const events: PoolTraceEvent[] = [];
  let pool: WorkerPoolModule;
  let dir: string;
  let file: string;
  let threadsBefore = 0;
  const data = Buffer.alloc(3000, 5);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pool-matrix-'));
    file = path.join(dir, 'data.bin');
    fs.writeFileSync(file, data);
    pool = new WorkerPoolModule({
      workers: 2,
      trace: (event) => events.push(event),
      createThread: (): PoolThread => {
        const thread = startWorkerThread() as Worker;
        // a failed test must not keep mocha from exiting
        thread.unref();
        threads.push(thread);
        return thread;
      },
    });
    pool.open();
    return whenThreadsReady(pool);
  });

  after(async () => {
    await pool.close();
    pool.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Waits for the trace event of the task enqueued last to reach `type`. */
  async function whenLastTask(type: PoolTraceEvent['type']): Promise<void> {
    const taskId = events.filter((event) => event.type === 'enqueued').at(-1)?.taskId;
    while (!events.some((event) => event.taskId === taskId && event.type === type)) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  for (const definition of POOL_STACKS) {
    describe(stackTitle(definition, POOL_LOW_LEVEL), () => {
      let stack: PoolStack;

      beforeEach(() => {
        stack = buildStack(definition, pool, { retries: RETRIES });
        threadsBefore = pool.workersStarted;
      });

      // a failed check fails its test, not the hook (mocha would skip the rest of the describe)
      afterEach(
        mochaCheckAfterEach(async () => {
          for (const module of stack.modules.slice(0, -1)) await module.close();
          expect(pool.pendingCount, 'pool tasks pending').to.equal(0);
          expect(pool.cancelSlotsInUse, 'cancel slots in use').to.equal(0);
        }),
      );

      it('should hash a file on a worker thread (real files)', async () => {
        const operation = start(stack, { kind: 'hash-file', path: file, chunkSize: 1000 });
        operation.op.release();
        const total = createHash('sha256');
        for (let offset = 0; offset < data.length; offset += 1000) {
          total.update(
            createHash('sha256')
              .update(data.subarray(offset, offset + 1000))
              .digest(),
          );
        }
        expect(await operation.result).to.deep.equal({
          status: 'ok',
          value: { bytes: data.length, chunks: 3, digest: total.digest('hex') },
        });
        expect(pool.workersStarted).to.equal(threadsBefore);
      });

      for (const [phase, request, reachedAt] of [
        ['busy', { kind: 'hash-file', path: '', rounds: 1_000_000 }, 'hash-started'],
        ['idle', { kind: 'hash-file', path: '', chunkSize: 1000, pauseMs: 600_000 }, 'pause-started'],
      ] as const) {
        it(`should stop a task whose worker is ${phase}, keep the worker, and report canceled (real files)`, async () => {
          const operation = start(stack, { ...request, path: file });
          await whenLastTask(reachedAt);
          const reason = new Error(`stop the ${phase} task`);
          await cancelTop(stack, operation, reason);
          operation.op.release();
          const result = await operation.result;
          expect(result.status).to.equal('canceled');
          if (stack.sweeper === undefined) expect(result.error).to.equal(reason);
          expect(pool.workersStarted, 'no thread restarted').to.equal(threadsBefore);
        });
      }

      it('should cancel a queued task inside cancel(), before it reaches a worker (real files)', async () => {
        const blockers = [0, 1].map(() => {
          let resolve: () => void = () => undefined;
          const done = new Promise<void>((settle) => (resolve = settle));
          const op = pool.start({ kind: 'hash-file', path: file, pauseMs: 600_000 }, () => resolve());
          return { op, done };
        });
        const operation = start(stack, { kind: 'hash-bytes', data: new Uint8Array(8) });
        if (stack.sweeper === undefined) {
          operation.op.cancel();
          expect(operation.isDelivered(), 'called back inside cancel()').to.equal(true);
        } else {
          const closed = stack.sweeper.close();
          expect(operation.isDelivered(), 'called back inside close()').to.equal(true);
          await closed;
          stack.sweeper.open();
        }
        expect((await operation.result).status).to.equal('canceled');
        operation.op.release();
        for (const blocker of blockers) {
          blocker.op.cancel();
          blocker.op.release();
          await blocker.done;
        }
      });

      if (EXIT_STACKS.includes(definition.name)) {
        it('should report one error when the thread exits with the task, and replace the thread', async () => {
          const operation = start(stack, { kind: 'hash-file', path: file, chunkSize: 1000, pauseMs: 600_000 });
          await whenLastTask('pause-started');
          const taskId = events.filter((event) => event.type === 'enqueued').at(-1)?.taskId;
          const worker = events.find((event) => event.taskId === taskId && event.type === 'dispatched')?.worker ?? 0;
          await threads[worker - 1]?.terminate();
          const result = await operation.result;
          expect(result.status).to.equal('error');
          expect(result.error).to.be.instanceOf(CrossThreadExitError);
          operation.op.release();
          expect(pool.workersStarted, 'the thread was replaced').to.equal(threadsBefore + 1);
          expect(pool.workerCount).to.equal(2);
          await whenThreadsReady(pool);
        });
      }
    });
  }
});

import { createHash, type Hash } from 'node:crypto';
import { systemClock, type SharedCancelFollower } from 'async-op';
import { PromiseFileHandle, type AsyncFileManager } from 'async-op-file';
import { delay } from 'async-op-module-kit';
import { chunkSizeOf, type HashRequest, type HashValue } from '../hash-request.js';
import type { PoolTraceEventType } from '../worker-pool-trace.js';

/** What the pool posts to a worker for one task. */
export interface PoolTaskMessage {
  readonly taskId: number;
  /** Whether the worker sends trace events for this task. */
  readonly trace: boolean;
  readonly request: HashRequest;
}

/** Posts one worker-side trace event to the owner's thread (nothing when the task is not traced). */
export type TracePost = (type: PoolTraceEventType, detail?: string) => void;

/** Hashes one chunk `rounds` times into the running hash, checking the cancel between rounds (the busy loop). */
function hashChunk(total: Hash, chunk: Uint8Array, rounds: number, follower: SharedCancelFollower): void {
  let digest: Uint8Array = chunk;
  for (let round = 0; round < rounds; round++) {
    // 6. the one-load check of a busy loop: this thread does not yield, so no message or doorbell can reach it
    follower.throwIfCanceled();
    digest = createHash('sha256').update(digest).digest();
  }
  total.update(digest);
}

/**
 * Runs one task of the worker pool on the worker's thread: the hash of a file (read through `manager`) or of bytes.
 *
 * @param follower - the task's cancel, followed from the owner's thread.
 * @returns the hash; rejects with the cancel reason (or a cancellation error) once the work stopped after a cancel.
 * @remarks Real cancel: after a cancel it ends only once its file is closed (a read in flight finishes first).
 */
// #region hash-task
export async function runHashTask(
  manager: AsyncFileManager,
  message: PoolTaskMessage,
  follower: SharedCancelFollower,
  trace: TracePost,
): Promise<HashValue> {
  const { request } = message;
  const rounds = request.rounds ?? 1;
  const total = createHash('sha256');
  // 1. the follower's op is this task's op on this thread; note how its cancel is seen: in a check or by the doorbell
  let isChecking = false;
  follower.op.onCancel(() => trace('cancel-seen', isChecking ? 'check' : 'doorbell'));
  const hash = (chunk: Uint8Array): void => {
    follower.throwIfCanceled();
    trace('hash-started', String(rounds));
    isChecking = true;
    try {
      hashChunk(total, chunk, rounds, follower);
    } finally {
      isChecking = false;
    }
  };
  // 2. a task canceled before it reached this thread starts nothing (its follower is canceled already)
  follower.throwIfCanceled();
  trace('task-started');
  if (request.kind === 'hash-bytes') {
    hash(request.data);
    return { bytes: request.data.length, chunks: 1, digest: total.digest('hex') };
  }
  try {
    const { bytes, chunks } = await hashFile(manager, request, follower, trace, hash);
    return { bytes, chunks, digest: total.digest('hex') };
  } finally {
    trace('file-closed');
  }
}

async function hashFile(
  manager: AsyncFileManager,
  request: Extract<HashRequest, { kind: 'hash-file' }>,
  follower: SharedCancelFollower,
  trace: TracePost,
  hash: (chunk: Uint8Array) => void,
): Promise<{ bytes: number; chunks: number }> {
  // 3. every wait takes the follower's signal: a cancel while this thread awaits I/O or the pause ends the wait
  const options = { signal: follower.op.signal };
  // 4. the handle is closed on every way out; after a cancel, once the action in flight has finished (real cancel)
  await using file = new PromiseFileHandle(manager.newFileHandle());
  trace('open-started');
  await file.openExistingFile(request.path, 'read', options);
  const chunkSize = chunkSizeOf(request);
  let bytes = 0;
  let chunks = 0;
  for (;;) {
    // 5. no step starts after the cancel was seen: check before each (a cancel seen while waiting rejected the wait)
    follower.throwIfCanceled();
    trace('read-started', String(bytes));
    const chunk = await file.read(bytes, chunkSize, options);
    trace('read-done', String(chunk.length));
    if (chunk.length === 0) return { bytes, chunks };
    hash(chunk);
    bytes += chunk.length;
    chunks++;
    if (request.pauseMs !== undefined && request.pauseMs > 0) {
      trace('pause-started', String(request.pauseMs));
      // on this thread's own real clock: a clock object (a test's ManualClock) cannot cross to a worker thread
      await delay(request.pauseMs, { clock: systemClock, signal: options.signal });
    }
  }
}
// #endregion

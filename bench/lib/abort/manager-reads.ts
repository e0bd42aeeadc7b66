/**
 * The `abort` group's reads through async-op-file: the callback manager (LANES handles reading ahead, each chaining
 * its next chunk, the caller keeping every pending action's AsyncOp to cancel it) and the Promise facade (the same
 * lanes, each chunk `await handle.read(position, CHUNK, { signal })`, one AbortController for the whole read).
 */
import type { AsyncOp } from 'async-op';
import type { AsyncFileHandle, PromiseFileHandle } from 'async-op-file';
import { BLOCK } from '../workload.js';
import type { ReadRecord } from './recording-engine.js';
import { endedBeforeCancel, never, type StartedRead } from './started-read.js';

/** The error of a chunk that is not the one asked for (every 4 KiB block starts with its number). */
function wrongChunk(position: number, bytes: Buffer): Error {
  const first = bytes.length >= 4 ? bytes.readUInt32LE(0) : -1;
  return new Error(
    `chunk at ${position}: ${bytes.length} bytes starting with block ${first}, expected ${position / BLOCK}`,
  );
}

function isChunk(position: number, bytes: Buffer, chunk: number): boolean {
  return bytes.length === chunk && bytes.readUInt32LE(0) === position / BLOCK;
}

/** Reads `fileBytes` in `chunk`s through open callback handles; progress from the engine's record. */
export function startManagerRead(
  handles: readonly AsyncFileHandle[],
  fileBytes: number,
  chunk: number,
  record: () => ReadRecord,
): StartedRead {
  let next = 0;
  let canceled = false;
  const pending = new Set<AsyncOp<unknown>>();
  let fail: (error: Error) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (fail = reject));
  const lane = (handle: AsyncFileHandle): void => {
    if (canceled) return;
    const position = next * chunk;
    if (position >= fileBytes) return fail(endedBeforeCancel('manager'));
    next++;
    const op = handle.read(position, chunk, (error, bytes) => {
      pending.delete(op);
      op.release();
      if (error !== null) return fail(error);
      if (!isChunk(position, bytes, chunk)) return fail(wrongChunk(position, bytes));
      lane(handle);
    });
    pending.add(op);
  };
  for (const handle of handles) lane(handle);
  return {
    progress: () => record().bytesRead,
    cancel() {
      canceled = true;
      for (const op of pending) {
        op.cancel();
        op.release();
      }
      pending.clear();
      // the contract: once cancel() has returned, no callback of a canceled action runs; telling is done
      return {
        told: Promise.resolve(),
        over: Promise.all(handles.map((handle) => handle.whenSettled())).then(() => undefined),
      };
    },
    failure,
  };
}

/** Reads `fileBytes` in `chunk`s through open PromiseFileHandles, every read with the same `{ signal }`. */
export function startFacadeRead(
  handles: readonly PromiseFileHandle[],
  fileBytes: number,
  chunk: number,
  record: () => ReadRecord,
): StartedRead {
  const controller = new AbortController();
  const { signal } = controller;
  let next = 0;
  const lane = async (handle: PromiseFileHandle): Promise<void> => {
    for (;;) {
      const position = next * chunk;
      if (position >= fileBytes) throw endedBeforeCancel('PromiseFileHandle');
      next++;
      const bytes = await handle.read(position, chunk, { signal });
      if (!isChunk(position, bytes, chunk)) throw wrongChunk(position, bytes);
    }
  };
  const lanes = handles.map(lane);
  // a lane ends only by rejecting: with signal.reason once aborted (expected), or with an error (the run fails)
  const failure = Promise.race(
    lanes.map((done) =>
      done.then(never, (error: unknown) => (error === signal.reason ? never() : Promise.reject(error))),
    ),
  );
  return {
    progress: () => record().bytesRead,
    cancel() {
      controller.abort();
      return {
        told: Promise.allSettled(lanes).then((results) => {
          const other = results.find((result) => result.status === 'fulfilled' || result.reason !== signal.reason);
          if (other !== undefined) throw new Error(`a lane did not reject with signal.reason: ${String(other.status)}`);
        }),
        over: Promise.all(handles.map((handle) => handle.whenSettled())).then(() => undefined),
      };
    },
    failure,
  };
}

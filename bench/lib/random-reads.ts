/**
 * The 4 KiB random-read workload shared by the `async-file`, `io-uring` and `fast-paths` groups: a cached file whose
 * every block names itself, and the same read loops (manager, callback fs, sync) so that the groups measure the same
 * thing.
 */
import fs from 'node:fs';
import { AsyncOp } from 'async-op';
import type { AsyncFileHandle, AsyncFileManager } from 'async-op-file';
import { seededUint32 } from './seeded-random.js';
import { BLOCK, LANES } from './workload.js';

/** Resolves with `count` once `count` operations completed; rejects with the first error. */
export class RunLatch {
  done = 0;
  failed = false;
  constructor(
    private readonly count: number,
    private readonly resolve: (ops: number) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  /** Records one completed operation; returns true if more are to be started. */
  complete(): boolean {
    if (++this.done === this.count) this.resolve(this.count);
    return !this.failed;
  }

  fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.reject(error);
  }
}

/** The error of a read that did not return the block it asked for. */
export function wrongBlock(offset: number, bytesRead: number, first: number): Error {
  return new Error(`read at ${offset}: ${bytesRead} bytes starting with block ${first}, expected ${offset / BLOCK}`);
}

/** Writes `bytes` to a new `file` (block b starts with b as uint32 LE) and reads it once in full: it is then cached. */
export function createCachedReadFile(file: string, bytes: number): void {
  const chunk = Buffer.alloc(1024 * 1024);
  const blocksPerChunk = chunk.length / BLOCK;
  const fd = fs.openSync(file, 'wx', 0o644);
  try {
    for (let c = 0; c < bytes / chunk.length; c++) {
      for (let j = 0; j < blocksPerChunk; j++) chunk.writeUInt32LE(c * blocksPerChunk + j, j * BLOCK);
      fs.writeSync(fd, chunk, 0, chunk.length, c * chunk.length);
    }
  } finally {
    fs.closeSync(fd);
  }
  const readFd = fs.openSync(file, 'r');
  try {
    while (fs.readSync(readFd, chunk, 0, chunk.length, null) > 0) {
      // reading it all once puts it in the page cache
    }
  } finally {
    fs.closeSync(readFd);
  }
}

/**
 * `count` reads through the manager: one lane per handle, each next read chained from the previous callback, which
 * first checks the block, then passes it to `done` (if given: releaseBuffer, for a manager with a `readBuffers` pool).
 */
export function managerReads(
  handles: readonly AsyncFileHandle[],
  offsets: Int32Array,
  count: number,
  done?: (bytes: Buffer) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const latch = new RunLatch(count, resolve, reject);
    let next = 0;
    const lane = (handle: AsyncFileHandle): void => {
      if (next >= count) return;
      const offset = offsets[next++] ?? 0;
      handle
        .read(offset, BLOCK, (error, bytes) => {
          if (error !== null) return latch.fail(error);
          if (bytes.length !== BLOCK || bytes.readUInt32LE(0) !== offset / BLOCK) {
            return latch.fail(wrongBlock(offset, bytes.length, bytes.length >= 4 ? bytes.readUInt32LE(0) : -1));
          }
          done?.(bytes);
          if (latch.complete()) lane(handle);
        })
        .release();
    };
    for (const handle of handles) lane(handle);
  });
}

/** What {@link managerReadsInto} reads through: an AsyncFileHandle, or a probe's stand-in with the same readInto. */
export interface ReadIntoTarget {
  readInto(
    buffer: Buffer,
    offset: number,
    callback: (error: Error | null, bytesRead: number) => void,
  ): { release(): void };
}

/** As {@link managerReads}, with readInto() into one buffer per handle, reused by every read (as fs.read lanes do). */
export function managerReadsInto(
  handles: readonly ReadIntoTarget[],
  offsets: Int32Array,
  count: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const latch = new RunLatch(count, resolve, reject);
    let next = 0;
    const lane = (handle: ReadIntoTarget, buffer: Buffer): void => {
      if (next >= count) return;
      const offset = offsets[next++] ?? 0;
      handle
        .readInto(buffer, offset, (error, bytesRead) => {
          if (error !== null) return latch.fail(error);
          if (bytesRead !== BLOCK || buffer.readUInt32LE(0) !== offset / BLOCK) {
            return latch.fail(wrongBlock(offset, bytesRead, buffer.readUInt32LE(0)));
          }
          if (latch.complete()) lane(handle, buffer);
        })
        .release();
    };
    for (const handle of handles) lane(handle, Buffer.allocUnsafe(BLOCK));
  });
}

/** As {@link managerReads}, giving each buffer back with `manager.releaseBuffer(bytes)` before the next read. */
export function managerReadsReleasing(
  manager: AsyncFileManager,
  handles: readonly AsyncFileHandle[],
  offsets: Int32Array,
  count: number,
): Promise<number> {
  return managerReads(handles, offsets, count, (bytes) => manager.releaseBuffer(bytes));
}

/** A positioned read with fs.read's arguments (fs.read itself, or an engine's read). */
export type ReadCall = (
  fd: number,
  buffer: Buffer,
  offset: number,
  length: number,
  position: number,
  callback: (error: Error | null, bytesRead: number) => void,
) => void;

/**
 * `count` reads through `read`, LANES in flight, one reused buffer per lane, each checked. With `withOp`, each read
 * also lives as an AsyncOp, as an action of the contract does (see {@link callbackReadsWithOp}).
 */
export function laneReads(
  read: ReadCall,
  fd: number,
  offsets: Int32Array,
  count: number,
  withOp = false,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const latch = new RunLatch(count, resolve, reject);
    let next = 0;
    const lane = (buffer: Buffer): void => {
      if (next >= count) return;
      const offset = offsets[next++] ?? 0;
      const own = withOp ? startContractOp(offset) : null;
      read(fd, buffer, 0, BLOCK, offset, (error, bytesRead) => {
        if (own !== null && !finishContractOp(own)) return;
        if (error !== null) return latch.fail(error);
        if (bytesRead !== BLOCK || buffer.readUInt32LE(0) !== offset / BLOCK) {
          return latch.fail(wrongBlock(offset, bytesRead, buffer.readUInt32LE(0)));
        }
        if (latch.complete()) lane(buffer);
      });
    };
    for (let i = 0; i < LANES; i++) lane(Buffer.allocUnsafe(BLOCK));
  });
}

/** `count` reads with the callback fs API, LANES in flight, one reused buffer per lane. */
export function callbackReads(fd: number, offsets: Int32Array, count: number): Promise<number> {
  return laneReads(fs.read as ReadCall, fd, offsets, count);
}

/** `count` reads with readSync in a loop into one buffer: the single-thread limit. */
export function syncReads(fd: number, offsets: Int32Array, count: number): number {
  const buffer = Buffer.allocUnsafe(BLOCK);
  for (let i = 0; i < count; i++) {
    const offset = offsets[i] ?? 0;
    const bytesRead = fs.readSync(fd, buffer, 0, BLOCK, offset);
    if (bytesRead !== BLOCK || buffer.readUInt32LE(0) !== offset / BLOCK) {
      throw wrongBlock(offset, bytesRead, buffer.readUInt32LE(0));
    }
  }
  return count;
}

/** Opens `count` handles on `file` for reading, all at once (the manager queues what exceeds its concurrency). */
export function openReadHandles(manager: AsyncFileManager, file: string, count: number): Promise<AsyncFileHandle[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<AsyncFileHandle>((resolve, reject) => {
          const handle = manager.newFileHandle();
          handle.openExistingFile(file, 'read', (error) => (error ? reject(error) : resolve(handle))).release();
        }),
    ),
  );
}

/** Closes every handle (aborting one that is busy or already closing). */
export function closeHandles(handles: readonly AsyncFileHandle[]): Promise<void[]> {
  return Promise.all(
    handles.map(
      (handle) =>
        new Promise<void>((resolve) => {
          if (!handle.isOpen || handle.hasPendingAction) {
            handle.abort();
            resolve();
            return;
          }
          handle.close(() => resolve()).release();
        }),
    ),
  );
}

/** As {@link syncReads}, with a new 4 KiB Buffer per read (what a manager without a pool hands out). */
export function syncReadsNewBuffer(fd: number, offsets: Int32Array, count: number): number {
  for (let i = 0; i < count; i++) {
    const offset = offsets[i] ?? 0;
    const buffer = Buffer.allocUnsafe(BLOCK);
    const bytesRead = fs.readSync(fd, buffer, 0, BLOCK, offset);
    if (bytesRead !== BLOCK || buffer.readUInt32LE(0) !== offset / BLOCK) {
      throw wrongBlock(offset, bytesRead, buffer.readUInt32LE(0));
    }
  }
  return count;
}

/**
 * The start of what an action of the manager's contract holds: an AsyncOp whose caller's reference is released at
 * once (as managerReads does), and the module's own reference, returned, which lives until the completion.
 */
function startContractOp(context: number): AsyncOp<number> {
  const op = AsyncOp.create({ context, cancel: ignoreCancel });
  const own = op.ref();
  op.release();
  return own;
}

/** The completion of {@link startContractOp}'s op: completes it and releases the module's reference. */
function finishContractOp(own: AsyncOp<number>): boolean {
  const delivered = own.complete();
  own.release();
  return delivered;
}

function ignoreCancel(): void {
  // a floor measurement: nothing is ever canceled
}

/**
 * The contract's floor over callback fs (what no manager can go under): {@link callbackReads}, plus one AsyncOp per
 * read, created before the read, its module reference held until the completion, which completes and releases it.
 * Everything else the manager does per action (its slot, its handle's order, its undo, the result Buffer) comes on
 * top.
 *
 * @remarks The op must outlive the read, as an action's does: created, completed and released in one go (as this floor
 * was until 2026-11-26), V8 can remove its allocations altogether (escape analysis), and the floor measured about 1x
 * callback fs.read where a real life across the completion costs about 5-10% (bench/probes/minimal-manager.js).
 */
export function callbackReadsWithOp(fd: number, offsets: Int32Array, count: number): Promise<number> {
  return laneReads(fs.read as ReadCall, fd, offsets, count, true);
}

/**
 * The fast path's floor (what no manager with `syncThresholdBytes` can go under): LANES lanes, each read done at
 * once with readSync, its completion delivered on a later turn in one batch with the others (setImmediate, as the
 * contract requires: never inside the call that enqueued it), the lane's next read started from that completion.
 * With `withOp`, also one AsyncOp per read as in {@link callbackReadsWithOp}. `schedule` may be queueMicrotask instead:
 * still never inside the call, cheaper, but a chain of fast completions would then never yield to the event loop.
 */
export function syncReadsDeliveredLater(
  fd: number,
  offsets: Int32Array,
  count: number,
  withOp: boolean,
  schedule: (deliver: () => void) => void = setImmediate,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const latch = new RunLatch(count, resolve, reject);
    let next = 0;
    // each read's buffer, and its op's own reference (or null without `withOp`), until delivery
    let ready: (Buffer | AsyncOp<number> | null)[] = [];
    let scheduled = false;
    const deliver = (): void => {
      scheduled = false;
      const batch = ready;
      ready = [];
      for (let i = 0; i < batch.length; i += 2) {
        const own = batch[i + 1] as AsyncOp<number> | null;
        if (own !== null && !finishContractOp(own)) continue;
        if (latch.complete()) lane(batch[i] as Buffer);
      }
    };
    const lane = (buffer: Buffer): void => {
      if (next >= count || latch.failed) return;
      const offset = offsets[next++] ?? 0;
      const own = withOp ? startContractOp(offset) : null;
      const bytesRead = fs.readSync(fd, buffer, 0, BLOCK, offset);
      if (bytesRead !== BLOCK || buffer.readUInt32LE(0) !== offset / BLOCK) {
        if (own !== null) finishContractOp(own);
        latch.fail(wrongBlock(offset, bytesRead, buffer.readUInt32LE(0)));
        return;
      }
      ready.push(buffer, own);
      if (!scheduled) {
        scheduled = true;
        schedule(deliver);
      }
    };
    for (let i = 0; i < LANES; i++) lane(Buffer.allocUnsafe(BLOCK));
  });
}

/** `count` block-aligned offsets into a file of `fileBytes`, from a seeded PRNG (the same for every run). */
export function blockOffsets(count: number, fileBytes: number, seed: number): Int32Array {
  const next = seededUint32(seed);
  const blocks = fileBytes / BLOCK;
  return Int32Array.from({ length: count }, () => (next() % blocks) * BLOCK);
}

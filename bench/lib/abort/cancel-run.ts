/**
 * One run of one `abort` case: the file evicted from the page cache, the read started, canceled when about CANCEL_AT
 * of the file has been read, then what happened after the cancel: bytes read, read requests issued, and how long
 * until the caller was told and until the I/O was over.
 *
 * The cancel comes at a random moment of the read cycle once CANCEL_AT of the file has been read: the progress is
 * checked every POLL_MS, and once it is there, the cancel waits a random 1 to 2 chunk times more (from a seeded
 * sequence). Canceling right when the check sees the progress would be biased: the counters move when a read's system
 * call returns, and a check on a timer then tends to run after that but before some callers have issued their next
 * read (between two of Node's chunks, no read in flight) and after others have (the manager starts its next queued
 * read at once). A cancel on a timer alone, calibrated by an earlier run, can come after the end of the file on a
 * busy machine.
 *
 * Bytes read after the cancel are counted when their system call returns, for every case where the kernel counts them
 * (/proc/self/io rchar: node-fs and Node's own APIs); io_uring's reads are not in rchar, so they are counted by the
 * engine when it delivers their completions: that can only be later, so it is an upper bound.
 */
import { BLOCK } from '../workload.js';
import { countCachedBlocks, type NativeIo } from '../native-io.js';
import type { AbortCase } from './abort-cases.js';
import { CANCEL_AT, CHUNK, FILE_BYTES, POLL_MS } from './constants.js';
import { readProcIo, type ProcIo } from './proc-io.js';

/** What one run measured. */
export interface AbortRun {
  /** Bytes read when the cancel came (by the engine's record, or /proc/self/io for Node's APIs). */
  readonly bytesBefore: number;
  /** Bytes read after the cancel: /proc/self/io's rchar, or the engine's completions after it for io_uring. */
  readonly bytesAfter: number;
  /** The engine's completions after the cancel (manager cases; a chunk in flight at the cancel counts whole). */
  readonly engineBytesAfter: number | null;
  /** /proc/self/io after the cancel, for every case: rchar (not io_uring's requests), read syscalls, storage reads. */
  readonly rcharAfter: number;
  readonly syscrAfter: number;
  readonly storageBytesAfter: number;
  /** Read requests the engine was asked to issue after the cancel (manager cases; must be 0); null for Node's APIs. */
  readonly readsIssuedAfter: number | null;
  /** From the start to the cancel, ms. */
  readonly startToCancelMs: number;
  /** From the cancel to the caller being told, and to the I/O being over, ms. */
  readonly toldMs: number;
  readonly overMs: number;
  /** Sampled blocks of the file's second half found in the page cache at the start (0: the eviction worked). */
  readonly cachedAtStart: number;
}

/** What every run needs: the file's descriptor for eviction and residency probes, and the /proc reading's cost. */
export interface RunContext {
  readonly io: NativeIo;
  readonly fd: number;
  /** Offsets of blocks no run reads (the file's second half), checked after the eviction (see countCached). */
  readonly sample: readonly number[];
  /** What one reading of /proc/self/io adds to its own counters. */
  readonly overhead: ProcIo;
  readonly evict: () => void;
}

/** Sampled blocks in the page cache: cachestat where it answers (it starts no I/O), else an RWF_NOWAIT read. */
function countCached(context: RunContext): number {
  return countCachedBlocks(context.io, context.fd, context.sample, BLOCK).cached;
}

/** Polls `progress` every POLL_MS until it reaches `target`; rejects if `failure` does first. */
function reached(progress: () => number, target: number, failure: Promise<never>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const polled = new Promise<void>((resolve) => {
    timer = setInterval(() => {
      if (progress() >= target) resolve();
    }, POLL_MS);
  });
  return Promise.race([polled, failure]).finally(() => clearInterval(timer));
}

/** Resolves after `ms`; rejects if `failure` does first. */
function elapsed(ms: number, failure: Promise<never>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([timed, failure]).finally(() => clearTimeout(timer));
}

/**
 * Runs `benchCase` once; see {@link AbortRun}.
 *
 * @param random - the next uint32 of the seeded sequence that places the cancel in the read cycle.
 */
export async function runOnce(benchCase: AbortCase, context: RunContext, random: () => number): Promise<AbortRun> {
  await benchCase.prepare();
  try {
    context.evict();
    const cachedAtStart = countCached(context);
    const start = readProcIo();
    let polls = 0;
    const procProgress = (): number => readProcIo().rchar - start.rchar - polls++ * context.overhead.rchar;
    const startedAt = performance.now();
    const started = benchCase.start(procProgress);
    await reached(started.progress, FILE_BYTES * CANCEL_AT, started.failure);
    const chunkMs = ((performance.now() - startedAt) * CHUNK) / Math.max(CHUNK, started.progress());
    const cycleMs = Math.max(1, Math.ceil(chunkMs));
    await elapsed(cycleMs + (random() % (cycleMs + 1)), started.failure);
    // the cancel: /proc read just before it (a reading's own bytes are subtracted below), the engine marked
    const before = readProcIo();
    const bytesBefore =
      benchCase.engine?.record.bytesRead ?? before.rchar - start.rchar - polls * context.overhead.rchar;
    const canceledAt = performance.now();
    benchCase.engine?.mark();
    const outcome = started.cancel();
    const [toldAt, overAt] = await Promise.all([
      outcome.told.then(() => performance.now()),
      outcome.over.then(() => performance.now()),
    ]);
    const after = readProcIo();
    // whole 4 KiB blocks: every read here is block-sized, and /proc's reading of itself varies by a few bytes
    const rcharAfter = Math.round((after.rchar - before.rchar - context.overhead.rchar) / BLOCK) * BLOCK;
    const record = benchCase.engine?.record;
    const countedByEngine = record !== undefined && benchCase.engine?.name === 'io_uring';
    return {
      bytesBefore,
      bytesAfter: countedByEngine ? record.bytesAfterMark : rcharAfter,
      engineBytesAfter: record === undefined ? null : record.bytesAfterMark,
      rcharAfter,
      syscrAfter: after.syscr - before.syscr - context.overhead.syscr,
      storageBytesAfter: after.readBytes - before.readBytes,
      readsIssuedAfter: record === undefined ? null : record.readsIssuedAfterMark,
      startToCancelMs: canceledAt - startedAt,
      toldMs: toldAt - canceledAt,
      overMs: overAt - canceledAt,
      cachedAtStart,
    };
  } finally {
    await benchCase.finish();
    benchCase.engine?.reset();
  }
}

/**
 * Section `reads` of the `async-file` group: random 4 KiB reads of one cached 256 MiB file (the shared workload of
 * lib/random-reads.ts) through the manager, against callback fs.read (one buffer per lane, and a new Buffer per read),
 * fs.promises FileHandle.read and the readSync loop; and the contract's floor (callback fs.read plus an AsyncOp per read,
 * the least any implementation of the manager's contract does per read). The cancel section reads the same file at the same offsets.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { AsyncFileManager } from 'async-op-file';
import {
  RunLatch,
  blockOffsets,
  callbackReads,
  callbackReadsWithOp,
  closeHandles,
  managerReads,
  managerReadsInto,
  managerReadsReleasing,
  openReadHandles,
  syncReads,
  wrongBlock,
} from '../random-reads.js';
import { BLOCK, LANES, READ_FILE_BYTES, SEED } from '../workload.js';
import { autoNote, newAutoManager } from '../auto-manager.js';
import type { AsyncRunCase, RunPhase } from '../time-async-runs.js';
import { NAMES } from './constants.js';
import { openStubManager, stubEngineReads } from './stub-read-engine.js';
import type { SectionContext } from '../section-context.js';
import { timeSectionCases } from './time-section-cases.js';

const READS_PER_RUN = 100_000;
const READS_PER_WARMUP_RUN = 20_000;
/** Small enough that the 4 KiB read buffers (external memory, which also triggers GCs) stay well under 64 MB. */
const READS_PER_ALLOCATION_RUN = 5_000;
const READ_ROUNDS = { min: 5, max: 15 };

/** The same 4 KiB-aligned offsets, from a seeded PRNG, for every case and every run. */
export function readOffsets(): Int32Array {
  return blockOffsets(READS_PER_RUN, READ_FILE_BYTES, SEED);
}

function readsPerRun(phase: RunPhase): number {
  if (phase === 'timed') return READS_PER_RUN;
  return phase === 'warmup' ? READS_PER_WARMUP_RUN : READS_PER_ALLOCATION_RUN;
}

/** Slabs of fresh memory carved into reads, as the manager's default read buffers are (internal/read-buffer-pool). */
const SLAB_BYTES = 256 * 1024;

/**
 * As callbackReads, but into fresh memory for every read, as the manager's read() hands out (isolates that cost):
 * `buffer`, a new 4 KiB Buffer per read; `slab`, the next 4 KiB of a 256 KiB slab, a view of it made once the read
 * filled it, and a new slab when one is used up (what the manager does without a `readBuffers` pool).
 */
function callbackReadsFresh(fd: number, offsets: Int32Array, count: number, fresh: 'buffer' | 'slab'): Promise<number> {
  return new Promise((resolve, reject) => {
    const latch = new RunLatch(count, resolve, reject);
    let next = 0;
    let slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    let used = 0;
    const lane = (): void => {
      if (next >= count) return;
      const offset = offsets[next++] ?? 0;
      let memory: Buffer;
      let start = 0;
      if (fresh === 'buffer') {
        memory = Buffer.allocUnsafe(BLOCK);
      } else {
        if (used + BLOCK > SLAB_BYTES) {
          slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
          used = 0;
        }
        memory = slab;
        start = used;
        used += BLOCK;
      }
      fs.read(fd, memory, start, BLOCK, offset, (error, bytesRead) => {
        if (error !== null) return latch.fail(error);
        const bytes = fresh === 'buffer' ? memory : memory.subarray(start, start + bytesRead);
        if (bytesRead !== BLOCK || bytes.readUInt32LE(0) !== offset / BLOCK) {
          return latch.fail(wrongBlock(offset, bytesRead, bytes.readUInt32LE(0)));
        }
        if (latch.complete()) lane();
      });
    };
    for (let i = 0; i < LANES; i++) lane();
  });
}

async function promiseReads(file: fsp.FileHandle, offsets: Int32Array, count: number): Promise<number> {
  let next = 0;
  const lane = async (): Promise<void> => {
    const buffer = Buffer.allocUnsafe(BLOCK);
    while (next < count) {
      const offset = offsets[next++] ?? 0;
      const { bytesRead } = await file.read(buffer, 0, BLOCK, offset);
      if (bytesRead !== BLOCK || buffer.readUInt32LE(0) !== offset / BLOCK) {
        throw wrongBlock(offset, bytesRead, buffer.readUInt32LE(0));
      }
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  return count;
}

/** Times the read cases on `file` at `offsets` and adds `method.reads`. */
export async function runReadsSection(
  context: SectionContext,
  file: string,
  offsets: Int32Array,
  deadline: number,
): Promise<void> {
  const fd = fs.openSync(file, 'r');
  context.cleanups.push(async () => fs.closeSync(fd));
  const promiseFile = await fsp.open(file, 'r');
  context.cleanups.push(() => promiseFile.close());
  const manager = new AsyncFileManager({ concurrency: LANES });
  const handles = await openReadHandles(manager, file, LANES);
  context.cleanups.push(() => closeHandles(handles));
  const auto = newAutoManager({ concurrency: LANES });
  context.cleanups.push(() => auto.close());
  const autoHandles = await openReadHandles(auto, file, LANES);
  context.cleanups.push(() => closeHandles(autoHandles));
  const stub = await openStubManager(file);
  context.cleanups.push(() => closeHandles(stub.handles));
  const cases: AsyncRunCase[] = [
    {
      name: NAMES.readsManager,
      role: 'subject',
      run: (phase) => managerReads(handles, offsets, readsPerRun(phase)),
    },
    {
      name: NAMES.readsManagerInto,
      role: 'subject',
      run: (phase) => managerReadsInto(handles, offsets, readsPerRun(phase)),
    },
    {
      name: NAMES.readsAuto,
      role: 'subject',
      run: (phase) => managerReads(autoHandles, offsets, readsPerRun(phase)),
    },
    {
      name: NAMES.readsAutoInto,
      role: 'subject',
      run: (phase) => managerReadsInto(autoHandles, offsets, readsPerRun(phase)),
    },
    {
      name: NAMES.readsCallback,
      role: 'baseline',
      run: (phase) => callbackReads(fd, offsets, readsPerRun(phase)),
    },
    {
      // the same code as the case above: how far apart two identical cases land is this run's resolution
      name: NAMES.readsCallbackControl,
      role: 'baseline',
      run: (phase) => callbackReads(fd, offsets, readsPerRun(phase)),
    },
    {
      name: NAMES.readsCallbackAlloc,
      role: 'baseline',
      run: (phase) => callbackReadsFresh(fd, offsets, readsPerRun(phase), 'buffer'),
    },
    {
      name: NAMES.readsCallbackSlab,
      role: 'baseline',
      run: (phase) => callbackReadsFresh(fd, offsets, readsPerRun(phase), 'slab'),
    },
    {
      name: NAMES.readsCallbackOp,
      role: 'baseline',
      run: (phase) => callbackReadsWithOp(fd, offsets, readsPerRun(phase)),
    },
    {
      name: NAMES.readsStubManager,
      role: 'subject',
      run: (phase) => managerReadsReleasing(stub.manager, stub.handles, offsets, readsPerRun(phase)),
    },
    {
      name: NAMES.readsStubManagerInto,
      role: 'subject',
      run: (phase) => managerReadsInto(stub.handles, offsets, readsPerRun(phase)),
    },
    {
      name: NAMES.readsStubEngine,
      role: 'baseline',
      run: (phase) => stubEngineReads(stub.engine, offsets, readsPerRun(phase)),
    },
    {
      name: NAMES.readsPromises,
      role: 'baseline',
      run: (phase) => promiseReads(promiseFile, offsets, readsPerRun(phase)),
    },
    {
      name: NAMES.readsSync,
      role: 'baseline',
      run: (phase) => Promise.resolve(syncReads(fd, offsets, readsPerRun(phase))),
    },
  ];
  const options = {
    warmupRuns: 1,
    minRounds: READ_ROUNDS.min,
    maxRounds: READ_ROUNDS.max,
    deadline,
    allocationRepetitions: 3,
    allocationMaxRuns: 6,
  };
  context.reports.push(...(await timeSectionCases('reads', cases, options, context)));
  context.method.reads = {
    fileBytes: READ_FILE_BYTES,
    readBytes: BLOCK,
    readsPerRun: READS_PER_RUN,
    readsPerWarmupRun: READS_PER_WARMUP_RUN,
    readsPerAllocationRun: READS_PER_ALLOCATION_RUN,
    offsets: `4 KiB-aligned, mulberry32 seed 0x${SEED.toString(16)}, the same sequence for every case and run`,
    cache: 'the file is written then read once in full before timing (page cache)',
    check: 'every read: 4096 bytes, starting with its block number (uint32 LE)',
    manager:
      `${LANES} handles opened 'read' on the file (one action per handle at a time), each chaining its next read: ` +
      "read() into the manager's default buffers, or readInto() one buffer per handle, reused by every read; the " +
      `same on a manager with engine 'auto' (${autoNote(auto)})`,
    callback:
      'one descriptor; fs.read with one reused buffer per lane, a new Buffer per read, or fresh 256 KiB-slab memory per ' +
      "read (the manager's default buffers)",
    floor:
      "the contract's floor: as callback, plus one AsyncOp per read (created before the read, the caller's " +
      'reference released at once, the own one held until the completion, which completes and releases it)',
    stub:
      'the manager (read() with a BufferPool, released in the callback; and readInto() one buffer per handle) on ' +
      'StubReadEngine, whose read() does no I/O and reports in one batch per turn, against that engine called ' +
      "directly: the difference is the manager's own work",
  };
}

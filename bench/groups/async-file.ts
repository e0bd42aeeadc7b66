/**
 * Group `async-file`: AsyncFileManager (node-fs engine) against Node's own file APIs doing the same work: small-file
 * writes, unnamed-file creation, random cached reads, and the cost and synchrony of canceling a queued action.
 * Run through `npm run bench -- async-file` (a fresh process; UV_THREADPOOL_SIZE is left at libuv's default, 4).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AsyncOp } from 'async-op';
import { AsyncFileManager, NodeFsEngine, type AsyncFileHandle } from 'async-file';
import { forceGc, nextTurn } from '../lib/force-gc.js';
import { goalAtLeast } from '../lib/goals.js';
import { emitReport, groupBudgetMs, logProgress } from '../lib/group-output.js';
import { GROUP_NODE_FLAGS, findGroup } from '../lib/group-registry.js';
import type { Allocation } from '../lib/measure-allocation.js';
import { measureAsyncAllocation } from '../lib/measure-async-allocation.js';
import { computeRatios, type Comparison } from '../lib/ratios.js';
import type { CaseReport, GoalReport, GroupReport } from '../lib/report.js';
import { seededUint32 } from '../lib/seeded-random.js';
import { round, roundSummary, summarize, type Summary } from '../lib/stats.js';
import { createTempRoot } from '../lib/temp-root.js';
import {
  BLOCK,
  LANES,
  RunLatch,
  callbackReads,
  closeHandles,
  createCachedReadFile,
  managerReads,
  openReadHandles,
  syncReads,
  wrongBlock,
} from '../lib/random-reads.js';
import { timeAsyncRuns, type AsyncCaseTiming, type AsyncRunCase, type RunPhase } from '../lib/time-async-runs.js';

const GROUP = 'async-file';

/** Operations in flight in every concurrent case (manager concurrency, callback lanes, promise lanes). */

/** Small files: each one opened (existing, empty, write-only), written 4 KiB at 0, closed. */
const FILES_PER_RUN = 10_000;
const FILES_PER_WARMUP_RUN = 2_000;
const FILES_PER_ALLOCATION_RUN = 2_000;
const FILE_ROUNDS = { min: 5, max: 10 };
/** Allocation runs per small-file case, and fresh sets prepared for them (a run during a GC is discarded). */
const FILE_ALLOCATION_REPETITIONS = 3;
const FILE_ALLOCATION_SETS = 4;

/** Random reads: 4 KiB at 4 KiB-aligned offsets of one cached 256 MiB file. */
const READ_FILE_BYTES = 256 * 1024 * 1024;
const READS_PER_RUN = 100_000;
const READS_PER_WARMUP_RUN = 20_000;
/** Small enough that the 4 KiB read buffers (external memory, which also triggers GCs) stay well under 64 MB. */
const READS_PER_ALLOCATION_RUN = 5_000;
const READ_ROUNDS = { min: 5, max: 15 };
const READ_SEED = 0x5eed_f11e;

/** Cancel: queued reads behind one executing read, manager concurrency 1. */
const CANCEL_QUEUED = 4096;
const CANCEL_WARMUP_PASSES = 4;
const CANCEL_ROUNDS = 40;

/** Linux's O_TMPFILE (__O_TMPFILE | O_DIRECTORY) on x64/arm64; Node does not export it. */
const O_TMPFILE = 0o20200000;
const { O_WRONLY, O_RDWR, O_CREAT, O_EXCL } = fs.constants;

const PAYLOAD = Buffer.alloc(BLOCK, 0x61);

const NAMES = {
  filesManager: 'files: manager (node-fs) open+write 4 KiB+close, concurrency 64',
  filesCallback: 'files: callback fs open/write/close, 64 in flight',
  filesPromises: 'files: fs.promises FileHandle open/write/close, 64 in flight',
  filesSync: 'files: sync loop openSync/writeSync/closeSync',
  tmpManager: 'unnamed files: manager createAnonymousFile+write+close, concurrency 64',
  tmpCallback: 'unnamed files: callback fs open(O_TMPFILE)/write/close, 64 in flight',
  readsManager: 'reads: manager (node-fs) read 4 KiB, 64 handles chaining',
  readsCallback: 'reads: callback fs.read, 64 in flight, one buffer per lane',
  readsCallbackAlloc: 'reads: callback fs.read, 64 in flight, new 4 KiB Buffer per read',
  readsPromises: 'reads: fs.promises FileHandle.read, 64 in flight',
  readsSync: 'reads: readSync loop',
  cancel: 'cancel: manager cancel() of a queued read (concurrency 1)',
  cancelEnqueue: 'cancel: manager enqueue of a read queued behind a busy slot',
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Shared helpers

function shortWrite(written: number): Error {
  return new Error(`short write: ${written} of ${BLOCK} bytes`);
}

/** A module-level no-op callback (closing after an error). */
function ignore(): void {
  // nothing to do
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Small files, written into fresh pre-created empty files

/** A fresh directory of `count` empty files, created before any timing. */
interface FileSet {
  readonly dir: string;
  readonly count: number;
}

/** The fresh file sets of one case, per phase; each run takes its own set, and every set is used once. */
class FileSetPool {
  private readonly sets: Record<RunPhase, FileSet[]> = { warmup: [], timed: [], allocation: [] };
  /** Timed sets already written (for the check afterwards). */
  readonly written: FileSet[] = [];
  private created = 0;

  constructor(
    private readonly root: string,
    readonly label: string,
  ) {}

  /** Creates a fresh directory with `count` new empty files (O_CREAT | O_EXCL). */
  create(phase: RunPhase, count: number): void {
    const dir = path.join(this.root, `${this.label}-${phase}-${this.created++}`);
    fs.mkdirSync(dir);
    for (let i = 0; i < count; i++) {
      fs.closeSync(fs.openSync(path.join(dir, `f${i}`), O_WRONLY | O_CREAT | O_EXCL, 0o644));
    }
    this.sets[phase].push({ dir, count });
  }

  /** The paths of the next unused set of `phase`. */
  take(phase: RunPhase): string[] {
    const set = this.sets[phase].shift();
    if (set === undefined) throw new Error(`${this.label}: no fresh ${phase} file set left`);
    if (phase === 'timed') this.written.push(set);
    return Array.from({ length: set.count }, (_, i) => path.join(set.dir, `f${i}`));
  }
}

/** Every file is its own handle, all enqueued at once: the manager bounds concurrency; write and close are chained. */
function managerFiles(manager: AsyncFileManager, paths: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const latch = new RunLatch(paths.length, resolve, reject);
    for (const filePath of paths) {
      const handle = manager.newFileHandle();
      handle
        .openExistingFile(filePath, 'write', (openError) => {
          if (openError !== null) return latch.fail(openError);
          handle
            .write(PAYLOAD, 0, (writeError, written) => {
              const error = writeError ?? (written === BLOCK ? null : shortWrite(written));
              if (error !== null) {
                latch.fail(error);
                handle.close(ignore).release();
                return;
              }
              handle
                .close((closeError) => {
                  if (closeError !== null) latch.fail(closeError);
                  else latch.complete();
                })
                .release();
            })
            .release();
        })
        .release();
    }
  });
}

function callbackFiles(paths: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const latch = new RunLatch(paths.length, resolve, reject);
    let next = 0;
    const lane = (): void => {
      const filePath = paths[next++];
      if (filePath === undefined) return;
      fs.open(filePath, O_WRONLY, (openError, fd) => {
        if (openError !== null) return latch.fail(openError);
        fs.write(fd, PAYLOAD, 0, BLOCK, 0, (writeError, written) => {
          fs.close(fd, (closeError) => {
            const error = writeError ?? closeError ?? (written === BLOCK ? null : shortWrite(written));
            if (error !== null) latch.fail(error);
            else if (latch.complete()) lane();
          });
        });
      });
    };
    for (let i = 0; i < LANES; i++) lane();
  });
}

async function promiseFiles(paths: readonly string[]): Promise<number> {
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let filePath = paths[next++]; filePath !== undefined; filePath = paths[next++]) {
      const file = await fsp.open(filePath, O_WRONLY);
      try {
        const { bytesWritten } = await file.write(PAYLOAD, 0, BLOCK, 0);
        if (bytesWritten !== BLOCK) throw shortWrite(bytesWritten);
      } finally {
        await file.close();
      }
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  return paths.length;
}

function syncFiles(paths: readonly string[]): number {
  for (const filePath of paths) {
    const fd = fs.openSync(filePath, O_WRONLY);
    try {
      const written = fs.writeSync(fd, PAYLOAD, 0, BLOCK, 0);
      if (written !== BLOCK) throw shortWrite(written);
    } finally {
      fs.closeSync(fd);
    }
  }
  return paths.length;
}

function fileCase(
  name: string,
  role: 'subject' | 'baseline',
  pool: FileSetPool,
  run: (paths: readonly string[]) => Promise<number>,
): AsyncRunCase {
  let paths: readonly string[] = [];
  return {
    name,
    role,
    prepare(phase) {
      paths = pool.take(phase);
    },
    run() {
      const taken = paths;
      paths = [];
      return run(taken);
    },
  };
}

/** Checks, untimed, that every timed set holds 4 KiB files: 20 files spread over each set, the first and last among them. */
function checkWrittenSets(pools: readonly FileSetPool[]): number {
  let checked = 0;
  for (const pool of pools) {
    for (const set of pool.written) {
      for (let k = 0; k < 20; k++) {
        const file = path.join(set.dir, `f${Math.round((k * (set.count - 1)) / 19)}`);
        const size = fs.statSync(file).size;
        if (size !== BLOCK) throw new Error(`${pool.label}: ${file} holds ${size} bytes, expected ${BLOCK}`);
        checked++;
      }
    }
  }
  return checked;
}

// ---------------------------------------------------------------------------------------------------------------
// 1b. Unnamed files: O_TMPFILE create, write, close (nothing is left to delete)

function managerTmpFiles(manager: AsyncFileManager, directory: string, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const latch = new RunLatch(count, resolve, reject);
    for (let i = 0; i < count; i++) {
      const handle = manager.newFileHandle();
      handle
        .createAnonymousFile(directory, (createError) => {
          if (createError !== null) return latch.fail(createError);
          handle
            .write(PAYLOAD, 0, (writeError, written) => {
              const error = writeError ?? (written === BLOCK ? null : shortWrite(written));
              if (error !== null) {
                latch.fail(error);
                handle.close(ignore).release();
                return;
              }
              handle
                .close((closeError) => {
                  if (closeError !== null) latch.fail(closeError);
                  else latch.complete();
                })
                .release();
            })
            .release();
        })
        .release();
    }
  });
}

function callbackTmpFiles(directory: string, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const latch = new RunLatch(count, resolve, reject);
    let started = 0;
    const lane = (): void => {
      if (started++ >= count) return;
      fs.open(directory, O_TMPFILE | O_RDWR, 0o600, (openError, fd) => {
        if (openError !== null) return latch.fail(openError);
        fs.write(fd, PAYLOAD, 0, BLOCK, 0, (writeError, written) => {
          fs.close(fd, (closeError) => {
            const error = writeError ?? closeError ?? (written === BLOCK ? null : shortWrite(written));
            if (error !== null) latch.fail(error);
            else if (latch.complete()) lane();
          });
        });
      });
    };
    for (let i = 0; i < LANES; i++) lane();
  });
}

function tmpFilesPerRun(phase: RunPhase): number {
  if (phase === 'timed') return FILES_PER_RUN;
  return phase === 'warmup' ? FILES_PER_WARMUP_RUN : FILES_PER_ALLOCATION_RUN;
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Random 4 KiB reads from one cached 256 MiB file

/** The same 4 KiB-aligned offsets, from a seeded PRNG, for every case and every run. */
function readOffsets(): Int32Array {
  const next = seededUint32(READ_SEED);
  const blocks = READ_FILE_BYTES / BLOCK;
  return Int32Array.from({ length: READS_PER_RUN }, () => (next() % blocks) * BLOCK);
}

function readsPerRun(phase: RunPhase): number {
  if (phase === 'timed') return READS_PER_RUN;
  return phase === 'warmup' ? READS_PER_WARMUP_RUN : READS_PER_ALLOCATION_RUN;
}

/** As callbackReads, but a new Buffer for every read, as the manager's read() hands out (isolates that cost). */
function callbackReadsNewBuffer(fd: number, offsets: Int32Array, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const latch = new RunLatch(count, resolve, reject);
    let next = 0;
    const lane = (): void => {
      if (next >= count) return;
      const offset = offsets[next++] ?? 0;
      const buffer = Buffer.allocUnsafe(BLOCK);
      fs.read(fd, buffer, 0, BLOCK, offset, (error, bytesRead) => {
        if (error !== null) return latch.fail(error);
        if (bytesRead !== BLOCK || buffer.readUInt32LE(0) !== offset / BLOCK) {
          return latch.fail(wrongBlock(offset, bytesRead, buffer.readUInt32LE(0)));
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

// ---------------------------------------------------------------------------------------------------------------
// 3. Cancel of queued actions

/** Counts callbacks of canceled actions that ran anyway (must stay 0). */
let canceledCallbacksRun = 0;
function canceledCallback(): void {
  canceledCallbacksRun++;
}

interface CancelPass {
  readonly enqueueNs: number;
  readonly cancelNs: number;
  /** Cancels after which queuedCount had dropped by one and the handle had no pending action, before the next one. */
  readonly synchronousCancels: number;
  /** Whether, right after the loop, no queued action was left and only the executing one was pending. */
  readonly queueEmptyAfterLoop: boolean;
  readonly cancelHeapBytes: number;
  readonly enqueueHeapBytes: number;
}

/**
 * One pass: a read executing in the only slot (its callback can only run on a later turn of the event loop, so it
 * holds the slot for the whole synchronous pass), `CANCEL_QUEUED` reads enqueued behind it, then all canceled.
 * `verify`: checks the queue after each cancel (not timed); else times the cancel loop alone.
 */
async function cancelPass(
  manager: AsyncFileManager,
  handles: readonly AsyncFileHandle[],
  offsets: Int32Array,
  verify: boolean,
): Promise<CancelPass> {
  const [holderHandle, ...queuedHandles] = handles;
  if (holderHandle === undefined) throw new Error('no handles');
  let holderDone: (error: Error | null) => void = ignore;
  const holder = new Promise<Error | null>((resolve) => (holderDone = resolve));
  holderHandle.read(0, BLOCK, (error) => holderDone(error)).release();
  if (manager.activeCount !== 1 || manager.queuedCount !== 0) throw new Error('the holder read is not executing');

  const ops: AsyncOp<unknown>[] = new Array<AsyncOp<unknown>>(queuedHandles.length);
  const enqueueHeapBefore = process.memoryUsage().heapUsed;
  const enqueueStart = process.hrtime.bigint();
  for (let i = 0; i < queuedHandles.length; i++) {
    ops[i] = (queuedHandles[i] as AsyncFileHandle).read(offsets[i] ?? 0, BLOCK, canceledCallback);
  }
  const enqueueNs = Number(process.hrtime.bigint() - enqueueStart);
  const enqueueHeapBytes = process.memoryUsage().heapUsed - enqueueHeapBefore;
  if (manager.queuedCount !== queuedHandles.length) {
    throw new Error(`expected ${queuedHandles.length} queued reads, found ${manager.queuedCount}`);
  }

  let synchronousCancels = 0;
  let cancelNs = 0;
  let cancelHeapBytes = 0;
  if (verify) {
    for (let i = 0; i < ops.length; i++) {
      const before: number = manager.queuedCount;
      (ops[i] as AsyncOp<unknown>).cancel();
      if (manager.queuedCount === before - 1 && !(queuedHandles[i] as AsyncFileHandle).hasPendingAction) {
        synchronousCancels++;
      }
    }
  } else {
    const heapBefore = process.memoryUsage().heapUsed;
    const cancelStart = process.hrtime.bigint();
    for (const op of ops) op.cancel();
    cancelNs = Number(process.hrtime.bigint() - cancelStart);
    cancelHeapBytes = process.memoryUsage().heapUsed - heapBefore;
  }
  const queueEmptyAfterLoop = manager.queuedCount === 0 && manager.pendingCount === 1;
  for (const op of ops) op.release();

  const holderError = await holder;
  if (holderError !== null) throw holderError;
  await manager.whenIdle();
  await nextTurn();
  return { enqueueNs, cancelNs, synchronousCancels, queueEmptyAfterLoop, cancelHeapBytes, enqueueHeapBytes };
}

// ---------------------------------------------------------------------------------------------------------------
// Reports

interface AsyncFileCaseReport extends CaseReport {
  readonly opsPerSecond: Summary;
  readonly cpuNsPerOp: Summary;
  readonly systemNsPerOp: Summary;
  readonly contextSwitchesPerOp: Summary;
}

function caseReport(
  timing: AsyncCaseTiming,
  role: 'subject' | 'baseline',
  allocation: Allocation | undefined,
): AsyncFileCaseReport {
  return {
    name: timing.name,
    role,
    nsPerOp: roundSummary(timing.nsPerOp),
    samples: timing.samples.length,
    nsPerOpSamples: timing.samples.map((value) => round(value)),
    iterationsPerBatch: timing.opsPerRun,
    bytesPerOp: allocation === undefined ? 0 : round(allocation.bytesPerOp.median),
    bytesPerOpRange:
      allocation === undefined
        ? { min: 0, max: 0 }
        : { min: round(allocation.bytesPerOp.min), max: round(allocation.bytesPerOp.max) },
    allocationIterations: allocation?.iterations ?? 0,
    opsPerSecond: {
      median: Math.round(1e9 / timing.nsPerOp.median),
      min: Math.round(1e9 / timing.nsPerOp.max),
      max: Math.round(1e9 / timing.nsPerOp.min),
    },
    cpuNsPerOp: roundSummary(timing.cpuNsPerOp),
    systemNsPerOp: roundSummary(timing.systemNsPerOp),
    contextSwitchesPerOp: roundSummary(timing.contextSwitchesPerOp, 3),
  };
}

/** Times the cases of one section, then measures their allocation; returns their reports. */
async function runSection(
  label: string,
  cases: readonly AsyncRunCase[],
  options: {
    readonly warmupRuns: number;
    readonly minRounds: number;
    readonly maxRounds: number;
    readonly deadline: number;
    readonly allocationRepetitions: number;
    readonly allocationMaxRuns: number;
  },
  collectedBatches: Record<string, number>,
): Promise<AsyncFileCaseReport[]> {
  const log = (line: string): void => logProgress(GROUP, `${label}: ${line}`);
  const timings = await timeAsyncRuns(cases, { ...options, log });
  const reports: AsyncFileCaseReport[] = [];
  for (const [index, benchCase] of cases.entries()) {
    const timing = timings[index];
    if (timing === undefined) throw new Error(`no timing for ${benchCase.name}`);
    const allocation = await measureAsyncAllocation(
      benchCase,
      options.allocationRepetitions,
      options.allocationMaxRuns,
    );
    collectedBatches[benchCase.name] = allocation.collectedBatches;
    const report = caseReport(timing, benchCase.role, allocation);
    reports.push(report);
    log(
      `${benchCase.name}: ${report.opsPerSecond.median.toLocaleString('en-US')} ops/s ` +
        `(${report.opsPerSecond.min.toLocaleString('en-US')} - ${report.opsPerSecond.max.toLocaleString('en-US')}), ` +
        `${report.bytesPerOp} B/op`,
    );
  }
  return reports;
}

function speedup(reports: readonly CaseReport[], subject: string, baseline: string): number {
  const s = reports.find((report) => report.name === subject);
  const b = reports.find((report) => report.name === baseline);
  if (s === undefined || b === undefined) return Number.NaN;
  return b.nsPerOp.median / s.nsPerOp.median;
}

// ---------------------------------------------------------------------------------------------------------------
// Sections

const SECTIONS = ['files', 'unnamed', 'reads', 'cancel'] as const;
type Section = (typeof SECTIONS)[number];
/** Share of the timing span each section may use (of those selected). */
const SECTION_WEIGHTS: Record<Section, number> = { files: 0.35, unnamed: 0.15, reads: 0.4, cancel: 0.1 };
/** Environment variable selecting sections (comma-separated; default all): for profiling one part. */
const ENV_SECTIONS = 'ASYNC_FILE_SECTIONS';
/** Removing written files costs up to ~0.12 ms each here (blocks freed, the file system is mounted with discard). */
const CLEANUP_MS_PER_FILE = 0.15;
const SAFETY_MARGIN_MS = 10_000;

function selectedSections(): Section[] {
  const value = process.env[ENV_SECTIONS];
  if (value === undefined || value.trim() === '') return [...SECTIONS];
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`${ENV_SECTIONS}: unknown section(s) ${unknown.join(', ')}`);
  return SECTIONS.filter((section) => names.includes(section));
}

/** What every section adds to. */
interface GroupContext {
  readonly root: string;
  readonly log: (line: string) => void;
  readonly reports: CaseReport[];
  readonly method: Record<string, unknown>;
  readonly notes: string[];
  readonly collectedBatches: Record<string, number>;
  /** Run in the `finally`, last registered first: closes what a section opened. */
  readonly cleanups: (() => Promise<unknown>)[];
}

interface FileSets {
  readonly pools: readonly [FileSetPool, FileSetPool, FileSetPool, FileSetPool];
  readonly rounds: number;
  readonly filesCreated: number;
  readonly creationMs: number;
}

/** Creates every fresh set of section 1 before any timing, round-robin over the cases: the mandatory rounds, then more while creating them stays before `deadline` and their removal within `maxFiles`. */
function createFileSets(context: GroupContext, deadline: number, maxFiles: number): FileSets {
  const filesRoot = path.join(context.root, 'files');
  fs.mkdirSync(filesRoot);
  const pools = [
    new FileSetPool(filesRoot, 'manager'),
    new FileSetPool(filesRoot, 'callback'),
    new FileSetPool(filesRoot, 'promises'),
    new FileSetPool(filesRoot, 'sync'),
  ] as const;
  let filesCreated = 0;
  const createRound = (phase: RunPhase, count: number): void => {
    for (const pool of pools) pool.create(phase, count);
    filesCreated += pools.length * count;
  };
  const start = performance.now();
  createRound('warmup', FILES_PER_WARMUP_RUN);
  for (let i = 0; i < FILE_ALLOCATION_SETS; i++) createRound('allocation', FILES_PER_ALLOCATION_RUN);
  let rounds = 0;
  let roundMs = 0;
  while (rounds < FILE_ROUNDS.max) {
    const more = performance.now() + roundMs <= deadline && filesCreated + pools.length * FILES_PER_RUN <= maxFiles;
    if (rounds >= FILE_ROUNDS.min && !more) break;
    const roundStart = performance.now();
    createRound('timed', FILES_PER_RUN);
    roundMs = performance.now() - roundStart;
    rounds++;
  }
  const creationMs = performance.now() - start;
  context.log(
    `created ${filesCreated} empty files in ${Math.round(creationMs)} ms ` +
      `(${Math.round((filesCreated / creationMs) * 1000)}/s); ${rounds} timed rounds planned`,
  );
  return { pools, rounds, filesCreated, creationMs };
}

async function runFilesSection(context: GroupContext, sets: FileSets, deadline: number): Promise<void> {
  const manager = new AsyncFileManager({ concurrency: LANES });
  const [managerPool, callbackPool, promisesPool, syncPool] = sets.pools;
  const cases: AsyncRunCase[] = [
    fileCase(NAMES.filesManager, 'subject', managerPool, (paths) => managerFiles(manager, paths)),
    fileCase(NAMES.filesCallback, 'baseline', callbackPool, callbackFiles),
    fileCase(NAMES.filesPromises, 'baseline', promisesPool, promiseFiles),
    fileCase(NAMES.filesSync, 'baseline', syncPool, (paths) => Promise.resolve(syncFiles(paths))),
  ];
  const options = {
    warmupRuns: 1,
    minRounds: FILE_ROUNDS.min,
    maxRounds: sets.rounds,
    deadline,
    allocationRepetitions: FILE_ALLOCATION_REPETITIONS,
    allocationMaxRuns: FILE_ALLOCATION_SETS,
  };
  context.reports.push(...(await runSection('files', cases, options, context.collectedBatches)));
  if (manager.pendingCount !== 0) throw new Error('the files manager still has pending actions');
  const filesChecked = checkWrittenSets(sets.pools);
  context.log(`files: checked ${filesChecked} written files: 4 KiB each`);
  context.method.files = {
    filesPerRun: FILES_PER_RUN,
    filesPerWarmupRun: FILES_PER_WARMUP_RUN,
    filesPerAllocationRun: FILES_PER_ALLOCATION_RUN,
    writeBytes: BLOCK,
    openMode: 'existing, empty, write-only (O_WRONLY)',
    freshFiles:
      'every run (warm-up, timed, allocation) writes into its own set of new empty files, created (O_CREAT|O_EXCL) in ' +
      'their own fresh directory before any timing, round-robin over the cases; nothing is deleted before the end',
    filesCreated: sets.filesCreated,
    creationMs: Math.round(sets.creationMs),
    creationPerSecond: Math.round((sets.filesCreated / sets.creationMs) * 1000),
    timedRoundsPrepared: sets.rounds,
    filesChecked,
    manager: `all files enqueued at once (one handle each), concurrency ${LANES}; write and close chained from callbacks`,
  };
}

async function runUnnamedSection(context: GroupContext, deadline: number): Promise<void> {
  const directory = path.join(context.root, 'unnamed');
  fs.mkdirSync(directory);
  let supported = process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64');
  if (supported) {
    try {
      fs.closeSync(fs.openSync(directory, O_TMPFILE | O_RDWR, 0o600));
    } catch {
      supported = false;
    }
  }
  if (!supported) {
    context.notes.push('unnamed files: skipped, O_TMPFILE is not available here');
    context.method.unnamedFiles = { skipped: true };
    return;
  }
  const engine = new NodeFsEngine();
  const manager = new AsyncFileManager({ concurrency: LANES, engine });
  const cases: AsyncRunCase[] = [
    {
      name: NAMES.tmpManager,
      role: 'subject',
      run: (phase) => managerTmpFiles(manager, directory, tmpFilesPerRun(phase)),
    },
    {
      name: NAMES.tmpCallback,
      role: 'baseline',
      run: (phase) => callbackTmpFiles(directory, tmpFilesPerRun(phase)),
    },
  ];
  const options = {
    warmupRuns: 2,
    minRounds: FILE_ROUNDS.min,
    maxRounds: FILE_ROUNDS.max,
    deadline,
    allocationRepetitions: 3,
    allocationMaxRuns: 6,
  };
  context.reports.push(...(await runSection('unnamed files', cases, options, context.collectedBatches)));
  if (engine.usesTmpfile !== true) throw new Error('the manager did not use O_TMPFILE: not the same work');
  const left = fs.readdirSync(directory).length;
  if (left !== 0) throw new Error(`${left} names left in the unnamed-file directory`);
  context.method.unnamedFiles = {
    filesPerRun: FILES_PER_RUN,
    directory: 'one fresh directory for every run of both cases, after 2 untimed warm-up runs per case',
    managerUsesTmpfile: engine.usesTmpfile,
    rawFlags: 'O_TMPFILE | O_RDWR, mode 0600',
  };
  context.notes.push(
    'unnamed files: on this ext4 (no journal) the inode allocator, not the API, can set the pace of O_TMPFILE in a ' +
      'new directory (about 5k files/s for every API in a probe) until it settles on reusing freed inodes; both cases ' +
      'run in one directory after warm-up runs, so compare their ratio rather than absolute figures.',
  );
}

async function runReadsSection(
  context: GroupContext,
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
  const cases: AsyncRunCase[] = [
    {
      name: NAMES.readsManager,
      role: 'subject',
      run: (phase) => managerReads(handles, offsets, readsPerRun(phase)),
    },
    {
      name: NAMES.readsCallback,
      role: 'baseline',
      run: (phase) => callbackReads(fd, offsets, readsPerRun(phase)),
    },
    {
      name: NAMES.readsCallbackAlloc,
      role: 'baseline',
      run: (phase) => callbackReadsNewBuffer(fd, offsets, readsPerRun(phase)),
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
  context.reports.push(...(await runSection('reads', cases, options, context.collectedBatches)));
  context.method.reads = {
    fileBytes: READ_FILE_BYTES,
    readBytes: BLOCK,
    readsPerRun: READS_PER_RUN,
    readsPerWarmupRun: READS_PER_WARMUP_RUN,
    readsPerAllocationRun: READS_PER_ALLOCATION_RUN,
    offsets: `4 KiB-aligned, mulberry32 seed 0x${READ_SEED.toString(16)}, the same sequence for every case and run`,
    cache: 'the file is written then read once in full before timing (page cache)',
    check: 'every read: 4096 bytes, starting with its block number (uint32 LE)',
    manager: `${LANES} handles opened 'read' on the file (one action per handle at a time), each chaining its next read`,
    callback: 'one descriptor; fs.read with one reused buffer per lane, or a new Buffer per read',
  };
}

/** Returns the goal value: 1 if every cancel of a queued read removed it synchronously, else 0. */
async function runCancelSection(
  context: GroupContext,
  file: string,
  offsets: Int32Array,
  deadline: number,
): Promise<number> {
  const manager = new AsyncFileManager({ concurrency: 1 });
  const handles = await openReadHandles(manager, file, CANCEL_QUEUED + 1);
  context.cleanups.push(() => closeHandles(handles));
  forceGc(); // once: a full collection right before each pass made the cancel loop 1-20x slower and erratic
  for (let i = 0; i < CANCEL_WARMUP_PASSES; i++) await cancelPass(manager, handles, offsets, i % 2 === 0);
  const verified: CancelPass[] = [];
  const timed: CancelPass[] = [];
  for (let i = 0; i < CANCEL_ROUNDS && (i < 5 || performance.now() < deadline); i++) {
    verified.push(await cancelPass(manager, handles, offsets, true));
    timed.push(await cancelPass(manager, handles, offsets, false));
  }
  await nextTurn();
  const synchronousCancels = verified.reduce((sum, pass) => sum + pass.synchronousCancels, 0);
  const verifiedCancels = verified.length * CANCEL_QUEUED;
  const everyQueueEmpty = [...verified, ...timed].every((pass) => pass.queueEmptyAfterLoop);
  const allSynchronous = synchronousCancels === verifiedCancels && everyQueueEmpty && canceledCallbacksRun === 0;
  const cancelSamples = timed.map((pass) => pass.cancelNs / CANCEL_QUEUED);
  const enqueueSamples = timed.map((pass) => pass.enqueueNs / CANCEL_QUEUED);
  const heapPerCancel = summarize(timed.map((pass) => pass.cancelHeapBytes / CANCEL_QUEUED));
  const heapPerEnqueue = summarize(timed.map((pass) => pass.enqueueHeapBytes / CANCEL_QUEUED));
  context.reports.push(
    syncCaseReport(NAMES.cancel, cancelSamples, heapPerCancel),
    syncCaseReport(NAMES.cancelEnqueue, enqueueSamples, heapPerEnqueue),
  );
  context.method.cancel = {
    concurrency: 1,
    queuedPerPass: CANCEL_QUEUED,
    holder: 'one read executing in the only slot (its callback can only run on a later event-loop turn)',
    passes: { verified: verified.length, timed: timed.length, warmup: CANCEL_WARMUP_PASSES },
    verifiedCancels,
    synchronousCancels,
    everyPassLeftNoQueuedAction: everyQueueEmpty,
    canceledCallbacksRun,
    reading:
      'timed passes: hrtime around a loop of op.cancel() over the queued reads; verified passes: after each cancel(), ' +
      'queuedCount dropped by 1 and the handle has no pending action (checked before the next cancel); after each ' +
      'loop, queuedCount 0 and pendingCount 1 (the executing read)',
    bytesPerOp:
      'heapUsed delta over the timed enqueue loop and over the timed cancel loop; median over the passes (a scavenge ' +
      'during a loop would make one reading negative)',
    collections:
      'one full GC before the warm-up passes, none forced between passes: steady state (right after a forced full GC ' +
      'the cancel loop measured 60-1,800 ns per cancel instead of 55-90 ns)',
    enqueue: `${NAMES.cancelEnqueue}: hrtime around the loop that enqueues the reads of a timed pass`,
  };
  context.log(
    `cancel: ${round(summarize(cancelSamples).median)} ns per cancel; synchronous ${synchronousCancels}/` +
      `${verifiedCancels}; canceled callbacks run: ${canceledCallbacksRun}`,
  );
  return allSynchronous ? 1 : 0;
}

/** A report for a synchronous per-op reading (no CPU or throughput extras). */
function syncCaseReport(name: string, samples: readonly number[], bytes: Summary): CaseReport {
  return {
    name,
    role: 'subject',
    nsPerOp: roundSummary(summarize(samples)),
    samples: samples.length,
    nsPerOpSamples: samples.map((value) => round(value)),
    iterationsPerBatch: CANCEL_QUEUED,
    bytesPerOp: round(bytes.median),
    bytesPerOpRange: { min: round(bytes.min), max: round(bytes.max) },
    allocationIterations: CANCEL_QUEUED,
  };
}

/** Which source of the package under test was measured (it changes between commits and during work). */
function sourceDigest(): { readonly files: number; readonly sha256: string } | null {
  const dir = fileURLToPath(new URL('../../../packages/async-file/src', import.meta.url)); // from bench/dist/groups
  if (!fs.existsSync(dir)) return null;
  const files = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(fs.readFileSync(path.join(dir, file)))
      .update('\0');
  return { files: files.length, sha256: hash.digest('hex') };
}

function isAsyncFileCaseReport(report: CaseReport): report is AsyncFileCaseReport {
  return 'opsPerSecond' in report;
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const budgetMs = groupBudgetMs(GROUP);
  const at = (fraction: number): number => started + budgetMs * fraction;
  const log = (line: string): void => logProgress(GROUP, line);
  const sections = selectedSections();
  const source = sourceDigest(); // read at the start: others may edit the package while this runs
  const uvThreadpoolSize = process.env.UV_THREADPOOL_SIZE;
  log(
    `budget ${budgetMs} ms; sections ${sections.join(', ')}; ` +
      `UV_THREADPOOL_SIZE=${uvThreadpoolSize ?? '(unset: libuv default 4)'}`,
  );

  const temp = createTempRoot('bench-async-file-');
  const context: GroupContext = {
    root: temp.path,
    log,
    reports: [],
    method: {},
    notes: [],
    collectedBatches: {},
    cleanups: [],
  };
  const phaseMs: Record<string, number> = {};
  let phaseStart = performance.now();
  const endPhase = (name: string): void => {
    const now = performance.now();
    phaseMs[name] = Math.round(now - phaseStart);
    phaseStart = now;
  };
  let cancelGoalValue: number | undefined;

  try {
    log(`temp root ${temp.path} (file system type 0x${fs.statfsSync(temp.path).type.toString(16)})`);
    let filesToRemove = 0;
    let fileSets: FileSets | undefined;
    if (sections.includes('files')) {
      const maxFiles = Math.floor((budgetMs * 0.3) / CLEANUP_MS_PER_FILE);
      fileSets = createFileSets(context, at(0.15), maxFiles);
      filesToRemove = fileSets.filesCreated;
      endPhase('createFileSets');
    }
    let readFile: { readonly path: string; readonly offsets: Int32Array } | undefined;
    if (sections.includes('reads') || sections.includes('cancel')) {
      const file = path.join(temp.path, 'reads.bin');
      createCachedReadFile(file, READ_FILE_BYTES);
      readFile = { path: file, offsets: readOffsets() };
      endPhase('createReadFile');
    }

    // the timing span: what is left once the removal of the written files is set aside
    const spanStart = performance.now();
    const workEnd = started + budgetMs - filesToRemove * CLEANUP_MS_PER_FILE - SAFETY_MARGIN_MS;
    const totalWeight = sections.reduce((sum, section) => sum + SECTION_WEIGHTS[section], 0);
    let weightSoFar = 0;
    const deadlineOf = (section: Section): number => {
      weightSoFar += SECTION_WEIGHTS[section];
      return spanStart + (Math.max(0, workEnd - spanStart) * weightSoFar) / totalWeight;
    };

    for (const section of sections) {
      const deadline = deadlineOf(section);
      if (section === 'files' && fileSets !== undefined) {
        await runFilesSection(context, fileSets, deadline);
      } else if (section === 'unnamed') {
        await runUnnamedSection(context, deadline);
      } else if (section === 'reads' && readFile !== undefined) {
        await runReadsSection(context, readFile.path, readFile.offsets, deadline);
      } else if (section === 'cancel' && readFile !== undefined) {
        cancelGoalValue = await runCancelSection(context, readFile.path, readFile.offsets, deadline);
      }
      endPhase(section);
    }
  } finally {
    for (const cleanup of context.cleanups.splice(0).reverse()) await cleanup().catch(ignore);
    const removeMs = temp.remove();
    phaseMs.cleanup = Math.round(removeMs);
    log(`removed ${temp.path} in ${Math.round(removeMs)} ms`);
  }

  const reports = context.reports;
  const has = (name: string): boolean => reports.some((report) => report.name === name);
  const allComparisons: readonly Comparison[] = [
    { subject: NAMES.filesManager, baseline: NAMES.filesCallback, metrics: ['time'] },
    { subject: NAMES.filesManager, baseline: NAMES.filesPromises, metrics: ['time'] },
    { subject: NAMES.filesManager, baseline: NAMES.filesSync, metrics: ['time'] },
    { subject: NAMES.tmpManager, baseline: NAMES.tmpCallback, metrics: ['time'] },
    { subject: NAMES.readsManager, baseline: NAMES.readsCallback, metrics: ['time'] },
    { subject: NAMES.readsManager, baseline: NAMES.readsCallbackAlloc, metrics: ['time'] },
    { subject: NAMES.readsManager, baseline: NAMES.readsPromises, metrics: ['time'] },
    { subject: NAMES.readsManager, baseline: NAMES.readsSync, metrics: ['time'] },
  ];
  const comparisons = allComparisons.filter((comparison) => has(comparison.subject) && has(comparison.baseline));

  const goals: GoalReport[] = [];
  if (has(NAMES.filesManager)) {
    goals.push(
      goalAtLeast(
        'small files: manager (node-fs) files/s / callback fs files/s (64 in flight)',
        speedup(reports, NAMES.filesManager, NAMES.filesCallback),
        0.9,
        'x',
      ),
    );
  }
  if (has(NAMES.readsManager)) {
    goals.push(
      goalAtLeast(
        'random 4 KiB reads: manager (node-fs) reads/s / callback fs.read reads/s (64 in flight)',
        speedup(reports, NAMES.readsManager, NAMES.readsCallback),
        0.9,
        'x',
      ),
    );
  }
  if (cancelGoalValue !== undefined) {
    goals.push(
      goalAtLeast('cancel of a queued action frees its place in the same tick', cancelGoalValue, 1, '(1 = every one)'),
    );
  }

  const notes: string[] = [];
  for (const report of reports.filter(isAsyncFileCaseReport)) {
    notes.push(
      `${report.name}: ${report.opsPerSecond.median.toLocaleString('en-US')} ops/s median ` +
        `(${report.opsPerSecond.min.toLocaleString('en-US')} - ${report.opsPerSecond.max.toLocaleString('en-US')}), ` +
        `CPU ${round(report.cpuNsPerOp.median / 1000, 2)} us/op (system ${round(report.systemNsPerOp.median / 1000, 2)}), ` +
        `${report.contextSwitchesPerOp.median} voluntary context switches/op`,
    );
  }
  notes.push(
    'ns/op: per file (open + write 4 KiB + close) or per read; B/op: JS heap only (read buffers live off-heap), from ' +
      'separate allocation runs; CPU time and context switches are process-wide (the libuv pool included).',
    ...context.notes,
  );
  if (sections.includes('files')) {
    notes.push(
      'a rerun within about 60 s creates its file sets slower (ext4 skips recently deleted inodes); only setup is affected.',
    );
  }
  if (uvThreadpoolSize !== undefined && uvThreadpoolSize !== '4') {
    notes.push(`UV_THREADPOOL_SIZE was set to ${uvThreadpoolSize}: figures are not comparable with the default 4.`);
  }

  const report: GroupReport = {
    group: GROUP,
    description: findGroup(GROUP)?.description ?? GROUP,
    method: {
      nodeFlags: process.execArgv.length > 0 ? process.execArgv : GROUP_NODE_FLAGS,
      sections,
      asyncFileSource: {
        ...source,
        what: 'sha256 over packages/async-file/src/**/*.ts (path, NUL, content, NUL)',
      },
      uvThreadpoolSize: {
        env: uvThreadpoolSize ?? null,
        effective: uvThreadpoolSize === undefined ? 4 : Number(uvThreadpoolSize),
      },
      inFlight: LANES,
      timing: {
        interleaving:
          'per section, each round runs every case once (A B C D, the starting case rotating); every run after an ' +
          'untimed prepare and a full GC; untimed warm-up runs first',
        statistic: 'median, min and max of the per-run wall-clock ns/op; ops/s = 1e9 / ns/op',
        extra: 'cpuNsPerOp, systemNsPerOp, contextSwitchesPerOp from process.resourceUsage() around each run',
      },
      allocation: {
        reading:
          'process.memoryUsage().heapUsed delta over one allocation run right after gc(); runs during which a GC ran ' +
          'are discarded',
        collectedBatchesDiscarded: context.collectedBatches,
      },
      ...context.method,
      phaseMs,
    },
    cases: reports,
    ratios: computeRatios(reports, comparisons),
    goals,
    notes,
    durationMs: Math.round(performance.now() - started),
  };
  emitReport(report);
}

await main();

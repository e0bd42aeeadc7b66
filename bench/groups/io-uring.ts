/**
 * Group `io-uring`: 4 KiB cached random reads from one 256 MiB file through the manager on io_uring (readInto one
 * buffer per handle against the readSync loop into one buffer, read() against the readSync loop taking a new Buffer per
 * read: the same memory work), the manager with engine 'auto', and the io_uring engine called directly (batched and
 * immediate submission), against callback fs.read and the node-fs manager; then small-file creates (exclusive create,
 * write 4 KiB, close) through the manager's writeNewFile action (io_uring and 'auto') and the engine's writeNewFile
 * (one linked chain on a direct descriptor, and as three separate requests) against the sync loop and callback fs; and
 * the same creates spread round-robin over 64 subdirectories, where the kernel's io-wq workers do not contend for one
 * directory's lock. Run through `npm run bench -- io-uring` (a fresh process).
 */
import { asyncCaseReport } from '../lib/async-case-report.js';
import fs from 'node:fs';
import path from 'node:path';
import { AsyncFileManager, IoUringEngine, IoUringUnavailableError } from 'async-op-file';
import { autoNote, newAutoManager } from '../lib/auto-manager.js';
import { goalAtLeast } from '../lib/goals.js';
import { emitReport, emitSkipped, groupBudgetMs, logProgress } from '../lib/group-output.js';
import { GROUP_NODE_FLAGS, findGroup } from '../lib/group-registry.js';
import { computeRatios, type Comparison } from '../lib/ratios.js';
import type { CaseReport, GoalReport } from '../lib/report.js';
import { seededUint32 } from '../lib/seeded-random.js';
import { round } from '../lib/stats.js';
import { createTempRoot } from '../lib/temp-root.js';
import { timeAsyncRuns, type AsyncRunCase } from '../lib/time-async-runs.js';
import {
  callbackReads,
  closeHandles,
  createCachedReadFile,
  managerReads,
  managerReadsInto,
  openReadHandles,
  syncReads,
  syncReadsNewBuffer,
} from '../lib/random-reads.js';
import { BLOCK, LANES, READ_FILE_BYTES, SEED } from '../lib/workload.js';
import {
  CREATES_PER_RUN,
  CREATES_PER_WARMUP_RUN,
  FreshDirs,
  callbackCreates,
  checkCreated,
  engineCreates,
  managerCreates,
  syncCreates,
} from '../lib/io-uring/creates.js';
import {
  CREATES_DEADLINE,
  CREATE_ROUNDS,
  NAMES,
  READS_DEADLINE,
  READS_PER_RUN,
  ROUNDS,
  SPREAD_DIRS,
  readsPerRun,
} from '../lib/io-uring/constants.js';
import { engineReads } from '../lib/io-uring/engine-reads.js';

const GROUP = 'io-uring';

async function main(): Promise<void> {
  const started = performance.now();
  const budgetMs = groupBudgetMs(GROUP);
  const log = (line: string): void => logProgress(GROUP, line);
  const notes: string[] = [];
  let uring: IoUringEngine;
  let immediate: IoUringEngine;
  let separate: IoUringEngine;
  try {
    uring = new IoUringEngine();
    immediate = new IoUringEngine({ submit: 'immediate' });
    separate = new IoUringEngine({ directDescriptors: 0 });
  } catch (error) {
    if (!(error instanceof IoUringUnavailableError)) throw error;
    emitSkipped(GROUP, `io_uring unavailable (${error.reason})`, started);
    return;
  }
  const temp = createTempRoot('bench-io-uring-');
  const cleanups: (() => Promise<unknown> | void)[] = [];
  const reports: CaseReport[] = [];
  try {
    const file = path.join(temp.path, 'reads.bin');
    createCachedReadFile(file, READ_FILE_BYTES);
    const next = seededUint32(SEED);
    const blocks = READ_FILE_BYTES / BLOCK;
    const offsets = Int32Array.from({ length: READS_PER_RUN }, () => (next() % blocks) * BLOCK);
    log(`file ready after ${Math.round(performance.now() - started)} ms`);

    const fd = fs.openSync(file, 'r');
    cleanups.push(() => fs.closeSync(fd));
    const uringManager = new AsyncFileManager({ concurrency: LANES, engine: uring });
    const uringHandles = await openReadHandles(uringManager, file, LANES);
    cleanups.push(() => closeHandles(uringHandles));
    const nodeFsManager = new AsyncFileManager({ concurrency: LANES });
    const nodeFsHandles = await openReadHandles(nodeFsManager, file, LANES);
    cleanups.push(() => closeHandles(nodeFsHandles));
    const autoManager = newAutoManager({ concurrency: LANES });
    cleanups.push(() => autoManager.close());
    const autoHandles = await openReadHandles(autoManager, file, LANES);
    cleanups.push(() => closeHandles(autoHandles));
    notes.push(autoNote(autoManager));

    const cases: AsyncRunCase[] = [
      { name: NAMES.uringManager, role: 'subject', run: (p) => managerReads(uringHandles, offsets, readsPerRun(p)) },
      {
        name: NAMES.uringManagerInto,
        role: 'subject',
        run: (p) => managerReadsInto(uringHandles, offsets, readsPerRun(p)),
      },
      { name: NAMES.autoManager, role: 'subject', run: (p) => managerReads(autoHandles, offsets, readsPerRun(p)) },
      {
        name: NAMES.autoManagerInto,
        role: 'subject',
        run: (p) => managerReadsInto(autoHandles, offsets, readsPerRun(p)),
      },
      { name: NAMES.uringEngine, role: 'subject', run: (p) => engineReads(uring, fd, offsets, readsPerRun(p)) },
      { name: NAMES.uringImmediate, role: 'subject', run: (p) => engineReads(immediate, fd, offsets, readsPerRun(p)) },
      { name: NAMES.nodeFsManager, role: 'baseline', run: (p) => managerReads(nodeFsHandles, offsets, readsPerRun(p)) },
      { name: NAMES.callback, role: 'baseline', run: (p) => callbackReads(fd, offsets, readsPerRun(p)) },
      { name: NAMES.sync, role: 'baseline', run: (p) => Promise.resolve(syncReads(fd, offsets, readsPerRun(p))) },
      {
        name: NAMES.syncAlloc,
        role: 'baseline',
        run: (p) => Promise.resolve(syncReadsNewBuffer(fd, offsets, readsPerRun(p))),
      },
    ];
    const timings = await timeAsyncRuns(cases, {
      warmupRuns: 1,
      minRounds: ROUNDS.min,
      maxRounds: ROUNDS.max,
      deadline: started + budgetMs * READS_DEADLINE,
      log,
      label: 'reads',
    });
    log(`reads done after ${Math.round(performance.now() - started)} ms`);

    // creates: every run in a fresh directory; all of them are removed only after every timed run (ext4 inode reuse)
    const createsRoot = path.join(temp.path, 'creates');
    fs.mkdirSync(createsRoot);
    const data = Buffer.alloc(BLOCK, 0x5a);
    const chainDirs = new FreshDirs(createsRoot, 'chain');
    const separateDirs = new FreshDirs(createsRoot, 'separate');
    const syncDirs = new FreshDirs(createsRoot, 'sync');
    const callbackDirs = new FreshDirs(createsRoot, 'callback');
    const spreadChainDirs = new FreshDirs(createsRoot, 'spread-chain', SPREAD_DIRS);
    const spreadSyncDirs = new FreshDirs(createsRoot, 'spread-sync', SPREAD_DIRS);
    const spreadManagerDirs = new FreshDirs(createsRoot, 'spread-manager', SPREAD_DIRS);
    const managerDirs = new FreshDirs(createsRoot, 'manager');
    const autoDirs = new FreshDirs(createsRoot, 'auto');
    const spreadAutoDirs = new FreshDirs(createsRoot, 'spread-auto', SPREAD_DIRS);
    const createManager = new AsyncFileManager({ concurrency: LANES, engine: uring });
    const createCases: AsyncRunCase[] = [
      {
        name: NAMES.createChain,
        role: 'subject',
        prepare: (p) => chainDirs.prepare(p),
        run: () => engineCreates(uring, chainDirs.paths, data),
      },
      {
        name: NAMES.createSeparate,
        role: 'subject',
        prepare: (p) => separateDirs.prepare(p),
        run: () => engineCreates(separate, separateDirs.paths, data),
      },
      {
        name: NAMES.createSync,
        role: 'baseline',
        prepare: (p) => syncDirs.prepare(p),
        run: () => Promise.resolve(syncCreates(syncDirs.paths, data)),
      },
      {
        name: NAMES.createCallback,
        role: 'baseline',
        prepare: (p) => callbackDirs.prepare(p),
        run: () => callbackCreates(callbackDirs.paths, data),
      },
      {
        name: NAMES.spreadChain,
        role: 'subject',
        prepare: (p) => spreadChainDirs.prepare(p),
        run: () => engineCreates(uring, spreadChainDirs.paths, data),
      },
      {
        name: NAMES.spreadSync,
        role: 'baseline',
        prepare: (p) => spreadSyncDirs.prepare(p),
        run: () => Promise.resolve(syncCreates(spreadSyncDirs.paths, data)),
      },
      {
        name: NAMES.spreadManager,
        role: 'subject',
        prepare: (p) => spreadManagerDirs.prepare(p),
        run: () => managerCreates(createManager, spreadManagerDirs.paths, data),
      },
      {
        name: NAMES.createManager,
        role: 'subject',
        prepare: (p) => managerDirs.prepare(p),
        run: () => managerCreates(createManager, managerDirs.paths, data),
      },
      {
        name: NAMES.createAuto,
        role: 'subject',
        prepare: (p) => autoDirs.prepare(p),
        run: () => managerCreates(autoManager, autoDirs.paths, data),
      },
      {
        name: NAMES.spreadAuto,
        role: 'subject',
        prepare: (p) => spreadAutoDirs.prepare(p),
        run: () => managerCreates(autoManager, spreadAutoDirs.paths, data),
      },
    ];
    const createTimings = await timeAsyncRuns(createCases, {
      warmupRuns: 1,
      minRounds: CREATE_ROUNDS.min,
      maxRounds: CREATE_ROUNDS.max,
      deadline: started + budgetMs * CREATES_DEADLINE,
      log,
      label: 'creates',
    });
    const checked = checkCreated([
      chainDirs,
      separateDirs,
      syncDirs,
      callbackDirs,
      spreadChainDirs,
      spreadSyncDirs,
      spreadManagerDirs,
      managerDirs,
      autoDirs,
      spreadAutoDirs,
    ]);
    log(`creates done after ${Math.round(performance.now() - started)} ms; checked ${checked} files: 4 KiB each`);

    const allCases = [...cases, ...createCases];
    for (const [index, timing] of [...timings, ...createTimings].entries()) {
      const role = allCases[index]?.role ?? 'subject';
      reports.push(asyncCaseReport(timing, role, undefined));
      const ops = Math.round(1e9 / timing.nsPerOp.median);
      const unit = timing.name.startsWith('creates') ? 'file' : 'read';
      notes.push(
        `${timing.name}: ${ops.toLocaleString('en-US')} ${unit}s/s median ` +
          `(${Math.round(1e9 / timing.nsPerOp.max).toLocaleString('en-US')}-${Math.round(1e9 / timing.nsPerOp.min).toLocaleString('en-US')}), ` +
          `CPU ${round(timing.cpuNsPerOp.median / 1000, 2)} us/${unit} (system ${round(timing.systemNsPerOp.median / 1000, 2)}), ` +
          `${round(timing.contextSwitchesPerOp.median, 3)} voluntary context switches/${unit}`,
      );
    }
    notes.push(
      `io_uring engine counters after the run: batched ${JSON.stringify(uring.info)}; immediate ${JSON.stringify(immediate.info)}; ` +
        `no direct descriptors ${JSON.stringify(separate.info)}`,
    );
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
    uring.close();
    immediate.close();
    separate.close();
    const removalMs = temp.remove();
    log(`removed the temporary files in ${Math.round(removalMs)} ms`);
  }

  const pairs = (subjects: readonly string[], baselines: readonly string[]): Comparison[] =>
    subjects.flatMap((subject) => baselines.map((baseline) => ({ subject, baseline, metrics: ['time'] as const })));
  const comparisons = [
    ...pairs(
      [NAMES.uringManagerInto, NAMES.autoManagerInto, NAMES.uringEngine, NAMES.uringImmediate],
      [NAMES.sync, NAMES.callback],
    ),
    ...pairs([NAMES.uringManager, NAMES.autoManager], [NAMES.syncAlloc, NAMES.callback, NAMES.nodeFsManager]),
    ...pairs(
      [NAMES.createManager, NAMES.createAuto, NAMES.createChain, NAMES.createSeparate],
      [NAMES.createSync, NAMES.createCallback],
    ),
    ...pairs([NAMES.spreadManager, NAMES.spreadAuto, NAMES.spreadChain], [NAMES.spreadSync]),
  ];
  const ratios = computeRatios(reports, comparisons);
  const speedup = (subject: string, baseline: string): number => ratios.speedupVs[subject]?.[baseline] ?? 0;
  const goals: GoalReport[] = [
    goalAtLeast(
      'random 4 KiB cached reads: manager (io_uring) readInto one buffer per handle reads/s / readSync loop into one ' +
        'buffer reads/s',
      speedup(NAMES.uringManagerInto, NAMES.sync),
      0.8,
      'x',
    ),
    goalAtLeast(
      'small-file creates in one directory: manager writeNewFile (io_uring) files/s / sync loop files/s',
      speedup(NAMES.createManager, NAMES.createSync),
      0.9,
      'x',
    ),
    goalAtLeast(
      `small-file creates spread over ${SPREAD_DIRS} directories: manager writeNewFile (io_uring) files/s / sync loop ` +
        'files/s (same layout)',
      speedup(NAMES.spreadManager, NAMES.spreadSync),
      1.1,
      'x',
    ),
  ];
  notes.push(
    `The io_uring engine alone (read() direct, batched): ${speedup(NAMES.uringEngine, NAMES.sync)}x the readSync ` +
      `loop; the manager's readInto on it: ${speedup(NAMES.uringManagerInto, NAMES.sync)}x; the difference is the ` +
      "manager's own work per read (its action, AsyncOp, slot and handle order). read() compares with the readSync " +
      'loop that takes a new Buffer per read, the same memory work.',
    `Creates, engine writeNewFile called directly: ${speedup(NAMES.createChain, NAMES.createSync)}x the sync loop ` +
      `in one directory, ${speedup(NAMES.spreadChain, NAMES.spreadSync)}x spread; the goals are the manager's ` +
      'writeNewFile action, what users call.',
  );
  notes.push(
    'Bytes/op are not measured in this group (0 = not measured). Ratios come from medians of interleaved runs in one process.',
  );
  emitReport({
    group: GROUP,
    description: findGroup(GROUP)?.description ?? GROUP,
    method: {
      nodeFlags: process.execArgv.length > 0 ? process.execArgv : GROUP_NODE_FLAGS,
      fileBytes: READ_FILE_BYTES,
      readBytes: BLOCK,
      readsPerRun: READS_PER_RUN,
      inFlight: LANES,
      offsets: `4 KiB-aligned, mulberry32 seed 0x${SEED.toString(16)}, the same for every case and run`,
      timing:
        'lib/time-async-runs.ts: rounds interleave the cases (a seeded shuffled order per round), a full GC before every run',
      ring: 'IoUringEngine defaults: 256 SQ entries, 512 CQ entries, 64 direct descriptors (0 for the separate-requests case)',
      creates: {
        filesPerRun: CREATES_PER_RUN,
        filesPerWarmupRun: CREATES_PER_WARMUP_RUN,
        bytesPerFile: BLOCK,
        inFlight: LANES,
        freshDirectories:
          'every run (1 warm-up, then interleaved timed rounds) creates new names (O_CREAT|O_EXCL) in its own new ' +
          'directory, made in the untimed prepare; nothing is deleted before every timed run is over',
        spreadDirectories:
          `the "spread" cases: file i of a run goes into subdirectory i % ${SPREAD_DIRS} of the run's fresh directory ` +
          '(all made in the untimed prepare); the same layout for writeNewFile and the sync loop',
        check: `after timing: every timed directory holds its ${CREATES_PER_RUN} names, 20 files of each are 4 KiB`,
      },
    },
    cases: reports,
    ratios,
    goals,
    notes,
    durationMs: Math.round(performance.now() - started),
  });
}

await main();

/**
 * Group `promise-facade`: the Promise facade against what users write instead, every call with `{ signal }`, on the
 * default engine (what `new AsyncFileManager()` gives) and on engine 'auto': 4 KiB random reads of a cached 256 MiB
 * file through PromiseFileHandle (read() and readInto()) against fs.promises FileHandle.read (into a new Buffer per
 * read, and into one buffer per lane); small files opened, written 4 KiB and closed through PromiseFileHandle against
 * fs.promises open/write/close; and new files written whole through PromiseFileManager.writeNewFile against
 * fs.promises.writeFile with `{ signal, flag: 'wx' }`. fs.promises FileHandle methods take no signal: the baselines
 * check it before each call, as users do. The floor, in the same run: callback fs (what the default engine calls)
 * with one Promise per call, for reads into one buffer per lane and for the small files: what any Promise API over
 * the thread pool costs at least, so the ratio floor / fs.promises is the most such an API can reach. Run through
 * `npm run bench -- promise-facade` (a fresh process).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { AsyncFileManager, PromiseFileManager } from 'async-op-file';
import { caseReport } from '../lib/async-file/case-report.js';
import { FileSetPool } from '../lib/async-file/file-sets.js';
import { autoNote, newAutoManager } from '../lib/auto-manager.js';
import { goalAtLeast } from '../lib/goals.js';
import { quickRounds } from '../lib/quick-mode.js';
import { emitReport, groupBudgetMs, logProgress } from '../lib/group-output.js';
import { GROUP_NODE_FLAGS, findGroup } from '../lib/group-registry.js';
import { blockOffsets, createCachedReadFile } from '../lib/random-reads.js';
import { BLOCK, LANES, READ_FILE_BYTES, SEED } from '../lib/workload.js';
import { computeRatios, type Comparison } from '../lib/ratios.js';
import type { CaseReport } from '../lib/report.js';
import { createTempRoot } from '../lib/temp-root.js';
import { timeAsyncRuns, type AsyncRunCase, type RunPhase } from '../lib/time-async-runs.js';
import {
  FILES_PER_RUN,
  FILES_PER_WARMUP_RUN,
  NAMES,
  READS_PER_RUN,
  READS_PER_WARMUP_RUN,
  ROUNDS,
} from '../lib/promise-facade/constants.js';
import { createCase, fileCase, openHandles } from '../lib/promise-facade/cases.js';
import { facadeReads, floorReads, fspReads } from '../lib/promise-facade/facade-reads.js';
import { facadeCreates, facadeFiles, floorFiles, fspCreates, fspFiles } from '../lib/promise-facade/facade-writes.js';

const GROUP = 'promise-facade';
/** Shares of the budget by which the reads' and the files' timed rounds must have ended (the rest: cleanup). */
const READS_DEADLINE = 0.3;
const FILES_DEADLINE = 0.65;

async function main(): Promise<void> {
  const started = performance.now();
  const budgetMs = groupBudgetMs(GROUP);
  const log = (line: string): void => logProgress(GROUP, line);
  const temp = createTempRoot('bench-promise-facade-');
  const reports: CaseReport[] = [];
  const notes: string[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  const collect = (cases: readonly AsyncRunCase[], timings: Awaited<ReturnType<typeof timeAsyncRuns>>): void => {
    for (const [index, timing] of timings.entries()) {
      reports.push(caseReport(timing, cases[index]?.role ?? 'subject', undefined));
    }
  };
  try {
    const defaults = new AsyncFileManager({ concurrency: LANES }); // the default engine
    const auto = newAutoManager({ concurrency: LANES });
    cleanups.push(() => auto.close());
    notes.push(`the default engine here: ${defaults.engineName} (${defaults.engineReason}); ${autoNote(auto)}`);
    const files = new PromiseFileManager(defaults);
    const autoFiles = new PromiseFileManager(auto);

    // reads
    const file = path.join(temp.path, 'reads.bin');
    createCachedReadFile(file, READ_FILE_BYTES);
    const offsets = blockOffsets(READS_PER_RUN, READ_FILE_BYTES, SEED);
    const handles = await openHandles(files, file);
    const autoHandles = await openHandles(autoFiles, file);
    cleanups.push(() => Promise.all([...handles, ...autoHandles].map((handle) => handle.close())));
    const fileHandle = await fsp.open(file, 'r');
    cleanups.push(() => fileHandle.close());
    const fd = fs.openSync(file, 'r');
    cleanups.push(async () => fs.closeSync(fd));
    const reads = (phase: RunPhase): number => (phase === 'timed' ? READS_PER_RUN : READS_PER_WARMUP_RUN);
    const readCases: AsyncRunCase[] = [
      { name: NAMES.readsFacade, role: 'subject', run: (p) => facadeReads(handles, offsets, reads(p), false) },
      { name: NAMES.readsFacadeInto, role: 'subject', run: (p) => facadeReads(handles, offsets, reads(p), true) },
      { name: NAMES.readsFacadeAuto, role: 'subject', run: (p) => facadeReads(autoHandles, offsets, reads(p), false) },
      {
        name: NAMES.readsFacadeAutoInto,
        role: 'subject',
        run: (p) => facadeReads(autoHandles, offsets, reads(p), true),
      },
      { name: NAMES.readsFsp, role: 'baseline', run: (p) => fspReads(fileHandle, offsets, reads(p), false) },
      { name: NAMES.readsFspInto, role: 'baseline', run: (p) => fspReads(fileHandle, offsets, reads(p), true) },
      { name: NAMES.readsFloor, role: 'baseline', run: (p) => floorReads(fd, offsets, reads(p)) },
    ];
    const readOptions = { warmupRuns: 1, minRounds: ROUNDS.min, maxRounds: ROUNDS.max, log, label: 'reads' };
    collect(
      readCases,
      await timeAsyncRuns(readCases, { ...readOptions, deadline: started + budgetMs * READS_DEADLINE }),
    );

    // small files: existing empty files (made untimed, in a fresh directory per run), and new files
    const filesRoot = path.join(temp.path, 'files');
    fs.mkdirSync(filesRoot);
    const pools = ['facade', 'auto', 'fsp', 'floor'].map((label) => new FileSetPool(filesRoot, label));
    for (const pool of pools) {
      pool.create('warmup', FILES_PER_WARMUP_RUN);
      for (let round = 0; round < quickRounds(ROUNDS.min, ROUNDS.max).max; round++) pool.create('timed', FILES_PER_RUN);
    }
    log(`empty files ready after ${Math.round(performance.now() - started)} ms`);
    const [facadePool, autoPool, fspPool, floorPool] = pools as [FileSetPool, FileSetPool, FileSetPool, FileSetPool];
    const fileCases: AsyncRunCase[] = [
      fileCase(NAMES.filesFacade, 'subject', facadePool, (paths) => facadeFiles(files, paths)),
      fileCase(NAMES.filesFacadeAuto, 'subject', autoPool, (paths) => facadeFiles(autoFiles, paths)),
      fileCase(NAMES.filesFsp, 'baseline', fspPool, fspFiles),
      fileCase(NAMES.filesFloor, 'baseline', floorPool, floorFiles),
      createCase(NAMES.createsFacade, 'subject', filesRoot, 'facade', (paths) => facadeCreates(files, paths)),
      createCase(NAMES.createsFacadeAuto, 'subject', filesRoot, 'auto', (paths) => facadeCreates(autoFiles, paths)),
      createCase(NAMES.createsFsp, 'baseline', filesRoot, 'fsp', fspCreates),
    ];
    const fileOptions = { ...readOptions, label: 'files', deadline: started + budgetMs * FILES_DEADLINE };
    collect(fileCases, await timeAsyncRuns(fileCases, fileOptions));
    if (defaults.pendingCount !== 0 || auto.pendingCount !== 0) throw new Error('a manager still has pending actions');
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
    const removalMs = temp.remove();
    log(`removed the temporary files in ${Math.round(removalMs)} ms`);
  }

  const pairs = (subjects: readonly string[], baseline: string): Comparison[] =>
    subjects.map((subject) => ({ subject, baseline, metrics: ['time'] as const }));
  const ratios = computeRatios(reports, [
    ...pairs([NAMES.readsFacade, NAMES.readsFacadeAuto], NAMES.readsFsp),
    ...pairs([NAMES.readsFacadeInto, NAMES.readsFacadeAutoInto], NAMES.readsFspInto),
    ...pairs([NAMES.filesFacade, NAMES.filesFacadeAuto], NAMES.filesFsp),
    ...pairs([NAMES.createsFacade, NAMES.createsFacadeAuto], NAMES.createsFsp),
    // the floor: how near the facade is to it (the same buffer work), and how far above fs.promises it lies
    ...pairs([NAMES.readsFacadeInto, NAMES.readsFacadeAutoInto], NAMES.readsFloor),
    ...pairs([NAMES.readsFloor], NAMES.readsFspInto),
    ...pairs([NAMES.filesFacade, NAMES.filesFacadeAuto], NAMES.filesFloor),
    ...pairs([NAMES.filesFloor], NAMES.filesFsp),
  ]);
  const speedup = (subject: string, baseline: string): number => ratios.speedupVs[subject]?.[baseline] ?? 0;
  const goals = [
    goalAtLeast(
      'reads with { signal }: PromiseFileHandle read() (default engine) reads/s / fs.promises FileHandle.read into a new Buffer per read reads/s',
      speedup(NAMES.readsFacade, NAMES.readsFsp),
      2,
      'x',
    ),
    goalAtLeast(
      'reads with { signal }: PromiseFileHandle readInto() one buffer per handle (default engine) reads/s / fs.promises FileHandle.read into one buffer per lane reads/s',
      speedup(NAMES.readsFacadeInto, NAMES.readsFspInto),
      2,
      'x',
    ),
    goalAtLeast(
      'small files with { signal }: PromiseFileHandle open+write+close (default engine) files/s / fs.promises open+FileHandle.write+close files/s',
      speedup(NAMES.filesFacade, NAMES.filesFsp),
      2,
      'x',
    ),
  ];
  const floorNote = (what: string, floor: number, facade: number): string =>
    `${what}: the floor (callback fs, one Promise per call) is ${floor}x fs.promises in this run: a Promise API ` +
    `that calls the thread pool once per action gets at most that far${floor < 2 ? ' (below the 2x goal)' : ''}; ` +
    `the facade on the default engine runs at ${facade}x the floor`;
  notes.push(
    floorNote(
      'reads into one buffer',
      speedup(NAMES.readsFloor, NAMES.readsFspInto),
      speedup(NAMES.readsFacadeInto, NAMES.readsFloor),
    ),
    floorNote('small files', speedup(NAMES.filesFloor, NAMES.filesFsp), speedup(NAMES.filesFacade, NAMES.filesFloor)),
    `new files: PromiseFileManager.writeNewFile ${speedup(NAMES.createsFacade, NAMES.createsFsp)}x ` +
      `fs.promises.writeFile (default engine), ${speedup(NAMES.createsFacadeAuto, NAMES.createsFsp)}x on 'auto' ` +
      '(not a goal: writeFile is not a FileHandle method, but it is what users call to save a small file)',
    'every case makes one AbortController per run and passes its signal to every call (it is never aborted: this ' +
      'group measures what carrying a signal costs; the abort group measures what aborting it stops)',
    'B/op are not measured in this group (0). Ratios come from medians of interleaved runs in one process.',
  );
  emitReport({
    group: GROUP,
    description: findGroup(GROUP)?.description ?? GROUP,
    method: {
      nodeFlags: process.execArgv.length > 0 ? process.execArgv : GROUP_NODE_FLAGS,
      inFlight: LANES,
      reads: {
        fileBytes: READ_FILE_BYTES,
        readBytes: BLOCK,
        readsPerRun: READS_PER_RUN,
        offsets: `4 KiB-aligned, mulberry32 seed 0x${SEED.toString(16)}, the same for every case and run`,
        facade: `${LANES} PromiseFileHandles opened on the file, one lane each, awaiting each read before the next`,
        baseline: `one fs.promises FileHandle, ${LANES} lanes, signal.throwIfAborted() before each read`,
        floor: `callback fs.read on one descriptor, ${LANES} lanes, one Promise per read, one buffer per lane`,
      },
      files: {
        filesPerRun: FILES_PER_RUN,
        existing: 'empty files made untimed in a fresh directory per run (O_CREAT|O_EXCL), opened write-only',
        new: 'names in a fresh empty directory per run (made in the untimed prepare), created exclusively',
      },
      timing:
        'lib/time-async-runs.ts: rounds interleave the cases (a seeded shuffled order per round), a full GC before every run',
    },
    cases: reports,
    ratios,
    goals,
    notes,
    durationMs: Math.round(performance.now() - started),
  });
}

await main();

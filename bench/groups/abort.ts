/**
 * Group `abort`: what a cancel stops. A 384 MiB file (created untimed in a temporary directory, fsynced, evicted from
 * the page cache before every run: the reads come from storage) is read whole in 512 KiB chunks and canceled once
 * 10% of it has been read: through the manager's callback API (node-fs, io_uring, engine 'auto'; four handles reading
 * ahead through a manager with concurrency 1, so that reads wait in its queue at the cancel) and its Promise facade
 * with `{ signal }` (default engine and 'auto'), against fs.promises.readFile and fs.createReadStream with a signal.
 * Measured after the cancel: bytes read (the engine's own count for the manager, /proc/self/io for Node's APIs), read
 * requests issued (by actions still queued at the cancel), and the time until the caller is told and until the I/O is
 * over. Run through `npm run bench -- abort` (a fresh process).
 */
import fs from 'node:fs';
import path from 'node:path';
import { autoNote, newAutoManager } from '../lib/auto-manager.js';
import { abortCases } from '../lib/abort/abort-cases.js';
import { residencySample, uringUnavailable } from '../lib/abort/preconditions.js';
import { abortReport, type CaseRuns } from '../lib/abort/abort-report.js';
import { runOnce, type AbortRun, type RunContext } from '../lib/abort/cancel-run.js';
import { CANCEL_AT, CHUNK, FILE_BYTES, LANES, POLL_MS, RESIDENCY_SAMPLE, RUNS } from '../lib/abort/constants.js';
import { procIoOverhead, procIoUnavailable } from '../lib/abort/proc-io.js';
import { emitReport, emitSkipped, logProgress } from '../lib/group-output.js';
import { GROUP_NODE_FLAGS, findGroup } from '../lib/group-registry.js';
import { FADVISE, fadviseOrThrow, loadNativeIo } from '../lib/native-io.js';
import { showProgress } from '../lib/progress.js';
import { createCachedReadFile } from '../lib/random-reads.js';
import { computeRatios } from '../lib/ratios.js';
import { seededUint32 } from '../lib/seeded-random.js';
import { createTempRoot } from '../lib/temp-root.js';

const GROUP = 'abort';
const CANCEL_SEED = 0xab0_47ed;

async function main(): Promise<void> {
  const started = performance.now();
  const log = (line: string): void => logProgress(GROUP, line);
  const description = findGroup(GROUP)?.description ?? GROUP;
  const loaded = loadNativeIo();
  const unavailable = loaded.io === undefined ? `the native addon (${loaded.reason})` : procIoUnavailable();
  if (loaded.io === undefined || unavailable !== undefined) {
    emitSkipped(GROUP, `needs /proc/self/io and the native addon's posix_fadvise: ${unavailable}`, started);
    return;
  }
  const io = loaded.io;
  const noUring = uringUnavailable();
  const temp = createTempRoot('bench-abort-');
  const file = path.join(temp.path, 'large.bin');
  const results: CaseRuns[] = [];
  let autoChoice = '';
  try {
    createCachedReadFile(file, FILE_BYTES);
    const fd = fs.openSync(file, 'r');
    try {
      fs.fsyncSync(fd); // DONTNEED drops clean pages only
      const context: RunContext = {
        io,
        fd,
        sample: residencySample(),
        overhead: procIoOverhead(),
        evict: () => fadviseOrThrow(io, fd, FADVISE.DONTNEED, 'DONTNEED'),
      };
      log(`file of ${FILE_BYTES / 2 ** 20} MiB ready after ${Math.round(performance.now() - started)} ms`);
      const probe = newAutoManager();
      autoChoice = autoNote(probe);
      await probe.close();
      const cases = abortCases(file, noUring);
      try {
        const random = seededUint32(CANCEL_SEED);
        for (const benchCase of cases) {
          showProgress(`warm-up ${benchCase.name}`);
          await runOnce(benchCase, context, random); // untimed: compiles the code paths of every case
        }
        const runs: AbortRun[][] = cases.map(() => []);
        for (let round = 0; round < RUNS; round++) {
          for (let step = 0; step < cases.length; step++) {
            const index = (round + step) % cases.length;
            const benchCase = cases[index];
            if (benchCase === undefined) continue;
            showProgress(`round ${round + 1}/${RUNS}, case ${step + 1}/${cases.length} ${benchCase.name}`);
            runs[index]?.push(await runOnce(benchCase, context, random));
          }
          log(`round ${round + 1} of ${RUNS} done after ${Math.round(performance.now() - started)} ms`);
        }
        cases.forEach((benchCase, index) =>
          results.push({
            name: benchCase.name,
            role: benchCase.role,
            isManager: benchCase.engine !== undefined,
            runs: runs[index] ?? [],
          }),
        );
      } finally {
        for (const benchCase of cases) await benchCase.close();
      }
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    const removalMs = temp.remove();
    log(`removed the temporary file in ${Math.round(removalMs)} ms`);
  }

  const report = abortReport(results);
  const notes = [
    ...report.notes,
    `cached or not: the file is evicted (posix_fadvise DONTNEED after an fsync) before every run, so each run reads from ` +
      `storage with the kernel's default readahead; "cached at the start" samples ${RESIDENCY_SAMPLE} blocks of the ` +
      'second half with cachestat (an RWF_NOWAIT read where it cannot tell; 0: the eviction worked).',
    'bytes read after the cancel: for the manager, the bytes its engine reported for completions after the cancel (a ' +
      "chunk in flight at the cancel counts whole); for Node's APIs, /proc/self/io rchar between the cancel and the " +
      "end of the I/O (minus the /proc reading's own bytes). rchar does not count io_uring's reads, so it is 0 there.",
    'told: the callback manager is told by cancel() returning (no callback of a canceled action runs after it); the ' +
      'Promise facade when every pending read has rejected with signal.reason; readFile when its promise settles; the ' +
      "stream at its 'error'. Over: the handles' whenSettled() (no action queued or executing), readFile's settlement, " +
      "the stream's 'close'.",
    autoChoice,
    ...(noUring === undefined ? [] : [`io_uring unavailable (${noUring}): its case was skipped`]),
  ];
  emitReport({
    group: GROUP,
    description,
    method: {
      nodeFlags: process.execArgv.length > 0 ? process.execArgv : GROUP_NODE_FLAGS,
      fileBytes: FILE_BYTES,
      chunkBytes: CHUNK,
      cancelAt:
        `once ${CANCEL_AT * 100}% of the file has been read (checked every ${POLL_MS} ms), after a further random ` +
        `1 to 2 chunk times (mulberry32 seed 0x${CANCEL_SEED.toString(16)}), so that the cancel lands anywhere in the ` +
        'read cycle (lib/abort/cancel-run.ts says why)',
      manager: `${LANES} handles, each chaining its next chunk, through a manager with concurrency 1 and no fast path`,
      runs: `${RUNS} per case, interleaved (a rotating start), after an untimed run of every case`,
      pageCache: 'evicted before every run (posix_fadvise DONTNEED over the whole file, which was fsynced once)',
      nsPerOp: 'the time from the cancel until the I/O is over (see notes), in ns',
    },
    cases: report.cases,
    ratios: computeRatios([], []),
    goals: report.goals,
    notes,
    chartPanels: report.chartPanels,
    durationMs: Math.round(performance.now() - started),
  });
}

await main();

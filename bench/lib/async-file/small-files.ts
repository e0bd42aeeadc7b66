/**
 * Section `files` of the `async-file` group: small files, each opened (existing, empty, write-only), written 4 KiB at
 * 0 and closed, through the manager (all enqueued at once, or in lanes as callback fs runs) against callback fs,
 * fs.promises and a sync loop; every run writes into its own
 * fresh set of files (file-sets.ts).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { AsyncFileManager, type AsyncFileHandle } from 'async-op-file';
import { RunLatch } from '../random-reads.js';
import { BLOCK, LANES } from '../workload.js';
import { autoNote, newAutoManager } from '../auto-manager.js';
import type { AsyncRunCase } from '../time-async-runs.js';
import {
  FILE_ALLOCATION_REPETITIONS,
  FILE_ALLOCATION_SETS,
  FILE_ROUNDS,
  FILES_PER_ALLOCATION_RUN,
  FILES_PER_RUN,
  FILES_PER_WARMUP_RUN,
  NAMES,
} from './constants.js';
import { checkWrittenSets, type FileSetPool, type FileSets } from './file-sets.js';
import { PAYLOAD, shortWrite, writePayloadThenClose } from './payload.js';
import type { SectionContext } from '../section-context.js';
import { timeSectionCases } from './time-section-cases.js';

const { O_WRONLY } = fs.constants;

/**
 * LANES handles, each doing one file at a time and taking the next from its close's callback: the shape of the callback
 * fs lanes (the same files in flight, the same memory held), so this case and callback fs do the same work.
 */
function managerLaneFiles(manager: AsyncFileManager, paths: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const latch = new RunLatch(paths.length, resolve, reject);
    let next = 0;
    const lane = (handle: AsyncFileHandle): void => {
      const filePath = paths[next++];
      if (filePath === undefined) return;
      handle
        .openExistingFile(filePath, 'write', (openError) => {
          if (openError !== null) return latch.fail(openError);
          writePayloadThenClose(handle, latch, () => lane(handle));
        })
        .release();
    };
    for (let i = 0; i < LANES; i++) lane(manager.newFileHandle());
  });
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
          writePayloadThenClose(handle, latch);
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

/** Times the five small-file cases on the sets of `sets`, checks what they wrote, and adds `method.files`. */
export async function runFilesSection(context: SectionContext, sets: FileSets, deadline: number): Promise<void> {
  const manager = new AsyncFileManager({ concurrency: LANES });
  const auto = newAutoManager({ concurrency: LANES });
  context.cleanups.push(() => auto.close());
  const [managerPool, callbackPool, promisesPool, syncPool, autoPool, managerLanesPool, controlPool] = sets.pools;
  const cases: AsyncRunCase[] = [
    fileCase(NAMES.filesManager, 'subject', managerPool, (paths) => managerFiles(manager, paths)),
    fileCase(NAMES.filesManagerLanes, 'subject', managerLanesPool, (paths) => managerLaneFiles(manager, paths)),
    fileCase(NAMES.filesAuto, 'subject', autoPool, (paths) => managerFiles(auto, paths)),
    fileCase(NAMES.filesCallback, 'baseline', callbackPool, callbackFiles),
    // the same code as the case above: how far apart two identical cases land is this run's resolution
    fileCase(NAMES.filesCallbackControl, 'baseline', controlPool, callbackFiles),
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
  context.reports.push(...(await timeSectionCases('files', cases, options, context)));
  if (manager.pendingCount !== 0 || auto.pendingCount !== 0) {
    throw new Error('a files manager still has pending actions');
  }
  context.notes.push(`files: ${autoNote(auto)}`);
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
    manager:
      `two cases, concurrency ${LANES}: every file enqueued at once (one handle each: the manager's FIFO holds the ` +
      `rest), and ${LANES} handles in lanes, each opening its next file from its close's callback (the shape of the ` +
      `callback fs lanes, so the same files are in flight and the same memory is held: the goal's case); write and ` +
      'close chained from callbacks in both',
    control: 'callback fs timed twice (the same code) to show how far apart two identical cases land in one run',
  };
}

/**
 * Section `unnamed` of the `async-file` group: unnamed files (O_TMPFILE) created, written 4 KiB and closed through the
 * manager's createAnonymousFile against callback fs open(O_TMPFILE); nothing is left to delete.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AsyncFileManager, NodeFsEngine } from 'async-op-file';
import { RunLatch } from '../random-reads.js';
import { BLOCK, LANES } from '../workload.js';
import { autoNote, newAutoManager } from '../auto-manager.js';
import type { AsyncRunCase, RunPhase } from '../time-async-runs.js';
import { FILE_ROUNDS, FILES_PER_ALLOCATION_RUN, FILES_PER_RUN, FILES_PER_WARMUP_RUN, NAMES } from './constants.js';
import { PAYLOAD, shortWrite, writePayloadThenClose } from './payload.js';
import type { SectionContext } from '../section-context.js';
import { timeSectionCases } from './time-section-cases.js';

/** Linux's O_TMPFILE (__O_TMPFILE | O_DIRECTORY) on x64/arm64; Node does not export it. */
const O_TMPFILE = 0o20200000;
const { O_RDWR } = fs.constants;

function managerTmpFiles(manager: AsyncFileManager, directory: string, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const latch = new RunLatch(count, resolve, reject);
    for (let i = 0; i < count; i++) {
      const handle = manager.newFileHandle();
      handle
        .createAnonymousFile(directory, (createError) => {
          if (createError !== null) return latch.fail(createError);
          writePayloadThenClose(handle, latch);
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

/** Times the unnamed-file cases (or notes that O_TMPFILE is unavailable) and adds `method.unnamedFiles`. */
export async function runUnnamedSection(context: SectionContext, deadline: number): Promise<void> {
  const directory = path.join(context.dir, 'unnamed');
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
  const auto = newAutoManager({ concurrency: LANES });
  context.cleanups.push(() => auto.close());
  const cases: AsyncRunCase[] = [
    {
      name: NAMES.tmpManager,
      role: 'subject',
      run: (phase) => managerTmpFiles(manager, directory, tmpFilesPerRun(phase)),
    },
    {
      name: NAMES.tmpAuto,
      role: 'subject',
      run: (phase) => managerTmpFiles(auto, directory, tmpFilesPerRun(phase)),
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
  context.reports.push(...(await timeSectionCases('unnamed files', cases, options, context)));
  if (engine.usesTmpfile !== true) throw new Error('the manager did not use O_TMPFILE: not the same work');
  const left = fs.readdirSync(directory).length;
  if (left !== 0) throw new Error(`${left} names left in the unnamed-file directory`);
  context.method.unnamedFiles = {
    filesPerRun: FILES_PER_RUN,
    directory: 'one fresh directory for every run of both cases, after 2 untimed warm-up runs per case',
    managerUsesTmpfile: engine.usesTmpfile,
    auto: autoNote(auto),
    rawFlags: 'O_TMPFILE | O_RDWR, mode 0600',
  };
  context.notes.push(
    'unnamed files: on this ext4 (no journal) the inode allocator, not the API, can set the pace of O_TMPFILE in a ' +
      'new directory (about 5k files/s for every API in a probe) until it settles on reusing freed inodes; both cases ' +
      'run in one directory after warm-up runs, so compare their ratio rather than absolute figures.',
  );
}

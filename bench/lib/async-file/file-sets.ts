/**
 * The fresh files of the `async-file` group's small-file section: sets of new empty files, each in its own fresh
 * directory, all created before any timing (ext4 here re-creates files slowly right after deleting others, so nothing
 * is deleted before the end), and the untimed check of what the timed runs wrote.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BLOCK } from '../workload.js';
import { quickRounds } from '../quick-mode.js';
import type { RunPhase } from '../time-async-runs.js';
import {
  FILE_ALLOCATION_SETS,
  FILE_ROUNDS,
  FILES_PER_ALLOCATION_RUN,
  FILES_PER_RUN,
  FILES_PER_WARMUP_RUN,
} from './constants.js';
import type { SectionContext } from '../section-context.js';

const { O_WRONLY, O_CREAT, O_EXCL } = fs.constants;

/** A fresh directory of `count` empty files, created before any timing. */
interface FileSet {
  readonly dir: string;
  readonly count: number;
}

/** The fresh file sets of one case, per phase; each run takes its own set, and every set is used once. */
export class FileSetPool {
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

/** The file sets of the small-file cases (in the order of the section's cases) and what creating them took. */
export interface FileSets {
  readonly pools: readonly [FileSetPool, FileSetPool, FileSetPool, FileSetPool, FileSetPool, FileSetPool, FileSetPool];
  readonly rounds: number;
  readonly filesCreated: number;
  readonly creationMs: number;
}

/** Creates every fresh set of section 1 before any timing, round-robin over the cases: the mandatory rounds, then more while creating them stays before `deadline` and their removal within `maxFiles`. */
export function createFileSets(context: SectionContext, deadline: number, maxFiles: number): FileSets {
  const filesRoot = path.join(context.dir, 'files');
  fs.mkdirSync(filesRoot);
  const pools = [
    new FileSetPool(filesRoot, 'manager'),
    new FileSetPool(filesRoot, 'callback'),
    new FileSetPool(filesRoot, 'promises'),
    new FileSetPool(filesRoot, 'sync'),
    new FileSetPool(filesRoot, 'auto'),
    new FileSetPool(filesRoot, 'manager-lanes'),
    new FileSetPool(filesRoot, 'callback-control'),
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
  const planned = quickRounds(FILE_ROUNDS.min, FILE_ROUNDS.max);
  while (rounds < planned.max) {
    const more = performance.now() + roundMs <= deadline && filesCreated + pools.length * FILES_PER_RUN <= maxFiles;
    if (rounds >= planned.min && !more) break;
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

/** Checks, untimed, that every timed set holds 4 KiB files: 20 files spread over each set, the first and last among them. */
export function checkWrittenSets(pools: readonly FileSetPool[]): number {
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

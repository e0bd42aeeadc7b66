/**
 * The small-file creates of the `io-uring` group: exclusive create, write 4 KiB, close, each timed run in a fresh
 * directory (made in the untimed prepare; nothing is deleted before every timed run is over, as ext4 here re-creates
 * files slowly right after deleting others), through the engine's writeNewFile, the manager's writeNewFile action,
 * callback fs and a sync loop; and the untimed check of what they wrote.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AsyncFileManager, IoUringEngine } from 'async-op-file';
import { quickOr } from '../quick-mode.js';
import { BLOCK, LANES } from '../workload.js';
import type { RunPhase } from '../time-async-runs.js';
import { lanes } from './engine-reads.js';

/** Files per timed run and per warm-up run. */
export const CREATES_PER_RUN = quickOr(10_000, 2_000);
export const CREATES_PER_WARMUP_RUN = quickOr(2_000, 500);

/**
 * The fresh directories of one create case: `prepare` makes the next one (untimed; with `subdirs` > 0, also that many
 * subdirectories, file i going into subdirectory i % subdirs), `run` fills it with new files.
 */
export class FreshDirs {
  /** Timed runs already written (for the check afterwards): their directory and the names of their files. */
  readonly written: { readonly dir: string; readonly dirs: number; readonly paths: readonly string[] }[] = [];
  private created = 0;
  private current: string[] = [];

  constructor(
    private readonly root: string,
    private readonly label: string,
    private readonly subdirs = 0,
  ) {}

  prepare(phase: RunPhase): void {
    const dir = path.join(this.root, `${this.label}-${phase}-${this.created++}`);
    fs.mkdirSync(dir);
    const dirs = Array.from({ length: this.subdirs }, (_, d) => path.join(dir, `d${d}`));
    for (const subdir of dirs) fs.mkdirSync(subdir);
    const count = phase === 'timed' ? CREATES_PER_RUN : CREATES_PER_WARMUP_RUN;
    this.current = Array.from({ length: count }, (_, i) =>
      path.join(dirs.length === 0 ? dir : (dirs[i % dirs.length] ?? dir), `f${i}`),
    );
    if (phase === 'timed') this.written.push({ dir, dirs: dirs.length, paths: this.current });
  }

  /** The new names of the run `prepare` readied (none of them exists). */
  get paths(): readonly string[] {
    return this.current;
  }
}

function shortWrite(file: string, written: number): Error {
  return new Error(`${file}: wrote ${written} bytes, expected ${BLOCK}`);
}

export function engineCreates(engine: IoUringEngine, paths: readonly string[], data: Buffer): Promise<number> {
  return lanes(paths.length, (next, done) => {
    const lane = (): void => {
      const index = next();
      if (index < 0) return;
      const file = paths[index] ?? '';
      engine.writeNewFile(file, data, 0, BLOCK, (error, written) => {
        if (error !== null) return void done(error);
        if (written !== BLOCK) return void done(shortWrite(file, written));
        if (done(null)) lane();
      });
    };
    for (let i = 0; i < LANES; i++) lane();
  });
}

/** The same creates through the manager's writeNewFile action (one action each; io_uring runs it as one chain). */
export function managerCreates(manager: AsyncFileManager, paths: readonly string[], data: Buffer): Promise<number> {
  return lanes(paths.length, (next, done) => {
    const lane = (): void => {
      const index = next();
      if (index < 0) return;
      const file = paths[index] ?? '';
      manager
        .writeNewFile(file, data, (error, written) => {
          if (error !== null) return void done(error);
          if (written !== BLOCK) return void done(shortWrite(file, written));
          if (done(null)) lane();
        })
        .release();
    };
    for (let i = 0; i < LANES; i++) lane();
  });
}

export function callbackCreates(paths: readonly string[], data: Buffer): Promise<number> {
  return lanes(paths.length, (next, done) => {
    const lane = (): void => {
      const index = next();
      if (index < 0) return;
      const file = paths[index] ?? '';
      fs.open(file, 'wx', (openError, fd) => {
        if (openError !== null) return void done(openError);
        fs.write(fd, data, 0, BLOCK, 0, (writeError, written) => {
          fs.close(fd, (closeError) => {
            const error = writeError ?? closeError ?? (written === BLOCK ? null : shortWrite(file, written));
            if (done(error)) lane();
          });
        });
      });
    };
    for (let i = 0; i < LANES; i++) lane();
  });
}

export function syncCreates(paths: readonly string[], data: Buffer): number {
  for (const file of paths) {
    const fd = fs.openSync(file, 'wx');
    try {
      const written = fs.writeSync(fd, data, 0, BLOCK, 0);
      if (written !== BLOCK) throw shortWrite(file, written);
    } finally {
      fs.closeSync(fd);
    }
  }
  return paths.length;
}

/** Untimed, after all timed runs: every timed run's directory holds its files, and 20 of them (first, last) are 4 KiB. */
export function checkCreated(pools: readonly FreshDirs[]): number {
  let checked = 0;
  for (const pool of pools) {
    for (const { dir, dirs, paths } of pool.written) {
      const count = paths.length;
      const names =
        dirs === 0
          ? fs.readdirSync(dir).length
          : fs.readdirSync(dir).reduce((sum, subdir) => sum + fs.readdirSync(path.join(dir, subdir)).length, 0);
      if (names !== count) throw new Error(`${dir}: ${names} files, expected ${count}`);
      for (let k = 0; k < 20; k++) {
        const file = paths[Math.round((k * (count - 1)) / 19)] ?? '';
        const size = fs.statSync(file).size;
        if (size !== BLOCK) throw new Error(`${file}: ${size} bytes, expected ${BLOCK}`);
        checked++;
      }
    }
  }
  return checked;
}

/** The cases and handles of the `promise-facade` group: files written into prepared sets, new files, read handles. */
import fs from 'node:fs';
import path from 'node:path';
import type { PromiseFileHandle, PromiseFileManager } from 'async-op-file';
import type { FileSetPool } from '../async-file/file-sets.js';
import type { AsyncRunCase } from '../time-async-runs.js';
import { LANES } from '../workload.js';
import { FILES_PER_RUN, FILES_PER_WARMUP_RUN } from './constants.js';

/** Opens LANES PromiseFileHandles on `file` for reading. */
export async function openHandles(files: PromiseFileManager, file: string): Promise<PromiseFileHandle[]> {
  const handles = Array.from({ length: LANES }, () => files.newFileHandle());
  await Promise.all(handles.map((handle) => handle.openExistingFile(file, 'read')));
  return handles;
}

/** A case writing into a fresh set of files of `pool` each run (prepared untimed). */
export function fileCase(
  name: string,
  role: 'subject' | 'baseline',
  pool: FileSetPool,
  run: (paths: string[]) => Promise<number>,
): AsyncRunCase {
  let paths: string[] = [];
  return {
    name,
    role,
    prepare: (phase) => {
      paths = pool.take(phase);
    },
    run: () => run(paths),
  };
}

/** A case creating new files in a fresh directory of `root` each run, named after `label`. */
export function createCase(
  name: string,
  role: 'subject' | 'baseline',
  root: string,
  label: string,
  run: (paths: string[]) => Promise<number>,
): AsyncRunCase {
  let paths: string[] = [];
  let made = 0;
  return {
    name,
    role,
    prepare: (phase) => {
      const dir = path.join(root, `new-${label}-${made++}`);
      fs.mkdirSync(dir);
      const count = phase === 'timed' ? FILES_PER_RUN : FILES_PER_WARMUP_RUN;
      paths = Array.from({ length: count }, (_, i) => path.join(dir, `f${i}`));
    },
    run: () => run(paths),
  };
}

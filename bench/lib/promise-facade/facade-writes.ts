/**
 * The small-file writes of the `promise-facade` group, with `{ signal }`: an existing empty file opened, written 4 KiB
 * and closed through PromiseFileHandle against fs.promises (open, FileHandle.write, close; the signal checked before
 * each step, as none of them takes one), and a new file written whole through PromiseFileManager.writeNewFile against
 * fs.promises.writeFile with `{ signal, flag: 'wx' }`.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { PromiseFileManager } from 'async-op-file';
import { LANES } from '../workload.js';
import { PAYLOAD, shortWrite } from '../async-file/payload.js';
import { closeOnce, openOnce, writeOnce } from './floor-calls.js';

const { O_WRONLY } = fs.constants;

/** Runs `work` on every path, LANES at a time; resolves with the number of paths. */
async function inLanes(paths: readonly string[], work: (path: string) => Promise<void>): Promise<number> {
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let path = paths[next++]; path !== undefined; path = paths[next++]) await work(path);
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  return paths.length;
}

/** Each existing empty file: PromiseFileHandle open, write 4 KiB, close, every step with the run's signal. */
export function facadeFiles(files: PromiseFileManager, paths: readonly string[]): Promise<number> {
  const { signal } = new AbortController();
  return inLanes(paths, async (path) => {
    const handle = files.newFileHandle();
    await handle.openExistingFile(path, 'write', { signal });
    const written = await handle.write(PAYLOAD, 0, { signal });
    await handle.close({ signal });
    if (written !== PAYLOAD.length) throw shortWrite(written);
  });
}

/** Each existing empty file: fs.promises open, FileHandle.write 4 KiB, close, the signal checked before each step. */
export function fspFiles(paths: readonly string[]): Promise<number> {
  const { signal } = new AbortController();
  return inLanes(paths, async (path) => {
    signal.throwIfAborted();
    const file = await fsp.open(path, O_WRONLY);
    try {
      signal.throwIfAborted();
      const { bytesWritten } = await file.write(PAYLOAD, 0, PAYLOAD.length, 0);
      if (bytesWritten !== PAYLOAD.length) throw shortWrite(bytesWritten);
    } finally {
      await file.close();
    }
  });
}

/**
 * The floor: each existing empty file through callback fs.open, fs.write 4 KiB and fs.close, each wrapped in one
 * Promise and awaited, the signal checked before each step.
 */
export function floorFiles(paths: readonly string[]): Promise<number> {
  const { signal } = new AbortController();
  return inLanes(paths, async (path) => {
    signal.throwIfAborted();
    const fd = await openOnce(path);
    try {
      signal.throwIfAborted();
      const written = await writeOnce(fd);
      if (written !== PAYLOAD.length) throw shortWrite(written);
    } finally {
      await closeOnce(fd);
    }
  });
}

/** Each new file written whole by PromiseFileManager.writeNewFile with the run's signal. */
export function facadeCreates(files: PromiseFileManager, paths: readonly string[]): Promise<number> {
  const { signal } = new AbortController();
  return inLanes(paths, async (path) => {
    const written = await files.writeNewFile(path, PAYLOAD, { signal });
    if (written !== PAYLOAD.length) throw shortWrite(written);
  });
}

/** Each new file written whole by fs.promises.writeFile with `{ signal, flag: 'wx' }`. */
export function fspCreates(paths: readonly string[]): Promise<number> {
  const { signal } = new AbortController();
  return inLanes(paths, (path) => fsp.writeFile(path, PAYLOAD, { signal, flag: 'wx' }));
}

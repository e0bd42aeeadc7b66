import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'mocha';

/** A fresh temporary directory per test, created before it and removed after it. */
export interface TempDir {
  /** The directory of the current test (a real path: /proc/self/fd shows the same spelling). */
  readonly path: string;
  /** `path.join(dir, ...parts)`. */
  join(...parts: string[]): string;
}

/**
 * Registers a beforeEach that creates a new directory under os.tmpdir() and an afterEach that removes it, in the
 * calling describe block.
 */
export function useTempDir(): TempDir {
  let current: string | undefined;
  const dir: TempDir = {
    get path(): string {
      if (current === undefined) throw new Error('useTempDir(): the directory exists only while a test runs');
      return current;
    },
    join: (...parts) => path.join(dir.path, ...parts),
  };
  beforeEach(() => {
    current = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'async-file-')));
  });
  afterEach(() => {
    if (current === undefined) return;
    removeTree(current);
    current = undefined;
  });
  return dir;
}

/** rm -rf that also works on directories a test left at mode 0 (as a user other than root). */
function removeTree(target: string): void {
  try {
    fs.rmSync(target, { recursive: true, force: true });
  } catch {
    makeWritable(target);
    fs.rmSync(target, { recursive: true, force: true });
  }
}

function makeWritable(target: string): void {
  const stats = fs.lstatSync(target);
  if (!stats.isDirectory()) return;
  fs.chmodSync(target, 0o700);
  for (const entry of fs.readdirSync(target)) makeWritable(path.join(target, entry));
}

import type { FileStats } from '../../file-engine.js';

/** The file type bits of `mode` (S_IFREG, S_IFDIR), as fs.Stats reports them. */
export const S_IFREG = 0o100000;
/** The file type bits of a directory. */
export const S_IFDIR = 0o040000;

/** The values of one stat snapshot; `mode` includes the file type bits. */
export interface MemoryStatsInit {
  readonly ino: number;
  readonly mode: number;
  readonly nlink: number;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * A snapshot of one in-memory file or directory, as fstat/stat report it (`dev` is always 1).
 *
 * @remarks
 * Taken when the call completes; later changes to the file do not show in it, like fs.Stats.
 */
export class MemoryStats implements FileStats {
  readonly dev = 1;
  readonly ino: number;
  readonly mode: number;
  readonly nlink: number;
  readonly size: number;
  readonly mtimeMs: number;

  /** @param init - the values of the snapshot. */
  constructor(init: MemoryStatsInit) {
    this.ino = init.ino;
    this.mode = init.mode;
    this.nlink = init.nlink;
    this.size = init.size;
    this.mtimeMs = init.mtimeMs;
  }

  /** @returns whether the type bits say regular file. */
  isFile(): boolean {
    return (this.mode & 0o170000) === S_IFREG;
  }

  /** @returns whether the type bits say directory. */
  isDirectory(): boolean {
    return (this.mode & 0o170000) === S_IFDIR;
  }
}

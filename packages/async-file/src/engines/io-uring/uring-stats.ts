import fs from 'node:fs';
import type { FileStats } from '../../file-engine.js';

const { S_IFMT, S_IFREG, S_IFDIR, S_IFLNK } = fs.constants;

/** The fields of statx the engine reports, in the order native readStat() writes them. */
export const STAT_FIELDS = 14;

/** The result of a statx completion: the fs.Stats fields async-file uses (numbers, as fs.Stats has them). */
export class UringStats implements FileStats {
  readonly dev: number;
  readonly ino: number;
  readonly mode: number;
  readonly nlink: number;
  readonly uid: number;
  readonly gid: number;
  readonly rdev: number;
  readonly size: number;
  readonly blksize: number;
  readonly blocks: number;
  readonly atimeMs: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly birthtimeMs: number;

  /** @param fields - what native readStat() wrote. */
  constructor(fields: Float64Array) {
    const at = (index: number): number => fields[index] ?? 0;
    this.dev = at(0);
    this.ino = at(1);
    this.mode = at(2);
    this.nlink = at(3);
    this.uid = at(4);
    this.gid = at(5);
    this.rdev = at(6);
    this.size = at(7);
    this.blksize = at(8);
    this.blocks = at(9);
    this.atimeMs = at(10);
    this.mtimeMs = at(11);
    this.ctimeMs = at(12);
    this.birthtimeMs = at(13);
  }

  isFile(): boolean {
    return (this.mode & S_IFMT) === S_IFREG;
  }

  isDirectory(): boolean {
    return (this.mode & S_IFMT) === S_IFDIR;
  }

  isSymbolicLink(): boolean {
    return (this.mode & S_IFMT) === S_IFLNK;
  }
}

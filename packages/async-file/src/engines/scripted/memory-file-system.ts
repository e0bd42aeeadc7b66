import { posix } from 'node:path';
import type { OpenMode } from '../../file-engine.js';
import { describeValue } from 'async-op';
import { createErrnoError } from './errno-error.js';
import { MemoryInode } from './memory-inode.js';
import { MemoryStats, S_IFDIR } from './memory-stats.js';

/** What a descriptor number refers to while it is open: one open file description. */
export interface OpenFile {
  /** Increases with every open: tells apart two opens that got the same number. */
  readonly serial: number;
  readonly fd: number;
  readonly inode: MemoryInode;
  readonly mode: OpenMode;
}

/** The lowest descriptor number handed out: 0, 1 and 2 are the standard streams. */
const FIRST_DESCRIPTOR = 3;

/** The default largest file: 16 TiB, ext4's limit with 4 KiB blocks. */
export const DEFAULT_MAX_FILE_BYTES = 2 ** 44;

function fail(code: string, syscall: string, path?: string, dest?: string): never {
  throw createErrnoError(code, syscall, path, dest);
}

function expectAbsolute(path: unknown): void {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError(`Expected \`path\` to be an absolute path, got ${describeValue(path)}`);
  }
}

/**
 * An in-memory file system: directories, inodes, a name table (path -> inode) and a descriptor table. Each system
 * call method applies its effect at once and returns its result, or throws a Node-style errno error.
 *
 * @remarks
 * Paths are compared as strings (give absolute, normalized paths); the parent directory of a path is
 * `path.posix.dirname`. Descriptors follow the POSIX rule: the lowest free number, from 3, so numbers are reused.
 * `mtimeMs` comes from a logical clock that ticks once per change, so runs are deterministic. Files are sparse (see
 * MemoryInode); none grows past `maxFileBytes`: a write there fails with EFBIG, one that crosses it is short, as
 * Linux does at a file system's size limit or RLIMIT_FSIZE.
 */
export class MemoryFileSystem {
  /** Directory path -> its inode number; the root always exists. */
  readonly #directories = new Map<string, number>([['/', 1]]);
  readonly #names = new Map<string, MemoryInode>();
  readonly #descriptors = new Map<number, OpenFile>();
  #nextIno = 2;
  #nextSerial = 1;
  #clock = 0;
  #maxOpen = 0;

  /** @param maxFileBytes - the largest file size; writes and truncates past it fail with EFBIG. */
  constructor(readonly maxFileBytes: number = DEFAULT_MAX_FILE_BYTES) {}

  /** @returns what `fd` refers to now, or undefined if it is not open. */
  openFile(fd: number): OpenFile | undefined {
    return this.#descriptors.get(fd);
  }

  /** How many descriptors are open now. */
  get openCount(): number {
    return this.#descriptors.size;
  }

  /** The most descriptors that were open at the same time. */
  get maxOpenCount(): number {
    return this.#maxOpen;
  }

  /** @returns the open descriptor numbers, ascending. */
  descriptors(): number[] {
    return [...this.#descriptors.keys()].sort((a, b) => a - b);
  }

  /** Adds a directory and any missing ancestors. @throws Error if the path or an ancestor is a file. */
  addDirectory(path: string): void {
    expectAbsolute(path);
    const missing: string[] = [];
    for (let current = path; !this.#directories.has(current); current = posix.dirname(current)) {
      if (this.#names.has(current)) throw new Error(`Cannot add the directory '${path}': '${current}' is a file`);
      missing.push(current);
    }
    for (const directory of missing.reverse()) this.#directories.set(directory, this.#nextIno++);
  }

  /**
   * Sets a file's contents (strings as UTF-8), creating the file (mode 0644) and missing directories; an existing file
   * keeps its inode, so open descriptors see the new contents. @throws Error if the path is a directory.
   */
  writeFile(path: string, data: Uint8Array | string): void {
    expectAbsolute(path);
    if (this.#directories.has(path)) throw new Error(`Cannot write the file '${path}': it is a directory`);
    this.addDirectory(posix.dirname(path));
    let inode = this.#names.get(path);
    if (inode === undefined) {
      inode = new MemoryInode(this.#nextIno++, 0o644, 1, this.#clock);
      this.#names.set(path, inode);
    }
    inode.truncate(0);
    inode.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data, 0);
    this.#touch(inode);
  }

  /** @returns a copy of the file's contents, or undefined if no file has that name. */
  readFile(path: string): Buffer | undefined {
    return this.#names.get(path)?.contents();
  }

  /** @returns the names (not paths) of the files and directories directly in `path`, sorted. @throws Error if none. */
  listDirectory(path: string): string[] {
    if (!this.#directories.has(path)) throw new Error(`Cannot list '${path}': it is not a directory`);
    const entries = [...this.#directories.keys(), ...this.#names.keys()].filter(
      (entry) => entry !== path && posix.dirname(entry) === path,
    );
    return entries.map((entry) => posix.basename(entry)).sort();
  }

  /** open(2) of an existing file. @throws ENOENT, EISDIR. */
  openExisting(path: string, mode: OpenMode): number {
    if (this.#directories.has(path)) fail('EISDIR', 'open', path);
    const inode = this.#names.get(path) ?? fail('ENOENT', 'open', path);
    return this.#open(inode, mode);
  }

  /** open(2) with O_TMPFILE: an unnamed read-write file with mode 0600. @throws ENOENT, ENOTDIR. */
  createAnonymous(directory: string): number {
    if (this.#names.has(directory)) fail('ENOTDIR', 'open', directory);
    if (!this.#directories.has(directory)) fail('ENOENT', 'open', directory);
    return this.#open(new MemoryInode(this.#nextIno++, 0o600, 0, this.#clock), 'read-write');
  }

  /** Opens a new descriptor for the file open at `fd`, with `mode`. @throws EBADF. */
  duplicate(fd: number, mode: OpenMode): number {
    return this.#open(this.#expectOpen(fd, 'open').inode, mode);
  }

  /** close(2). @throws EBADF. */
  close(fd: number): void {
    this.#expectOpen(fd, 'close');
    this.#descriptors.delete(fd);
  }

  /** pread(2) into `buffer[offset, offset + length)`. @returns bytes read. @throws EBADF (also for write-only). */
  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    const file = this.#expectOpen(fd, 'read');
    if (file.mode === 'write') fail('EBADF', 'read');
    return file.inode.read(buffer, offset, length, position);
  }

  /**
   * pwrite(2) of at most `maxBytes` of `buffer[offset, offset + length)`, and never past `maxFileBytes`.
   *
   * @returns bytes written: min(length, maxBytes, maxFileBytes - position).
   * @throws EBADF (also for read-only); EFBIG for a write at or past `maxFileBytes`.
   */
  write(fd: number, buffer: Uint8Array, offset: number, length: number, position: number, maxBytes: number): number {
    const file = this.#expectOpen(fd, 'write');
    if (file.mode === 'read') fail('EBADF', 'write');
    if (length > 0 && position >= this.maxFileBytes) fail('EFBIG', 'write');
    const count = Math.min(length, maxBytes, this.maxFileBytes - position);
    if (count > 0) {
      file.inode.write(buffer.subarray(offset, offset + count), position);
      this.#touch(file.inode);
    }
    return count;
  }

  /** fstat(2). @throws EBADF. */
  fstat(fd: number): MemoryStats {
    return this.#expectOpen(fd, 'fstat').inode.stats();
  }

  /** ftruncate(2). @throws EBADF, EINVAL (read-only descriptor, as Linux reports it), EFBIG past `maxFileBytes`. */
  truncate(fd: number, length: number): void {
    const file = this.#expectOpen(fd, 'ftruncate');
    if (file.mode === 'read') fail('EINVAL', 'ftruncate');
    if (length > this.maxFileBytes) fail('EFBIG', 'ftruncate');
    file.inode.truncate(length);
    this.#touch(file.inode);
  }

  /** fsync(2): nothing to flush, only the descriptor check. @throws EBADF. */
  sync(fd: number): void {
    this.#expectOpen(fd, 'fsync');
  }

  /** linkat(2) of the file open at `fd` (anonymous files too). @throws EBADF, EEXIST, ENOENT. */
  link(fd: number, newPath: string): void {
    const { inode } = this.#expectOpen(fd, 'link', newPath);
    if (this.#names.has(newPath) || this.#directories.has(newPath)) fail('EEXIST', 'link', newPath);
    if (!this.#directories.has(posix.dirname(newPath))) fail('ENOENT', 'link', newPath);
    this.#names.set(newPath, inode);
    inode.nlink += 1;
  }

  /** Whether a file or directory has the name `path`. */
  exists(path: string): boolean {
    return this.#names.has(path) || this.#directories.has(path);
  }

  /** stat(2) of a file or directory. @throws ENOENT. */
  stat(path: string): MemoryStats {
    const directoryIno = this.#directories.get(path);
    if (directoryIno !== undefined) {
      return new MemoryStats({ ino: directoryIno, mode: S_IFDIR | 0o755, nlink: 2, size: 0, mtimeMs: 0 });
    }
    return (this.#names.get(path) ?? fail('ENOENT', 'stat', path)).stats();
  }

  /** unlink(2): removes the name; open descriptors keep the file. @throws ENOENT, EISDIR. */
  unlink(path: string): void {
    if (this.#directories.has(path)) fail('EISDIR', 'unlink', path);
    const inode = this.#names.get(path) ?? fail('ENOENT', 'unlink', path);
    this.#names.delete(path);
    inode.nlink -= 1;
  }

  /**
   * rename(2) of a file, replacing `to` if it exists. Directories cannot be renamed here (EISDIR).
   *
   * @throws ENOENT (`from` missing, or `to`'s directory missing), EISDIR.
   */
  rename(from: string, to: string): void {
    if (this.#directories.has(from) || this.#directories.has(to)) fail('EISDIR', 'rename', from, to);
    const inode = this.#names.get(from) ?? fail('ENOENT', 'rename', from, to);
    if (!this.#directories.has(posix.dirname(to))) fail('ENOENT', 'rename', from, to);
    const replaced = this.#names.get(to);
    // POSIX: two names of the same file -> nothing happens
    if (replaced === inode) return;
    if (replaced !== undefined) replaced.nlink -= 1;
    this.#names.delete(from);
    this.#names.set(to, inode);
  }

  /**
   * Creates `path` exclusively, writes `buffer[offset, offset + length)` at position 0 and closes it; all or nothing:
   * a failure removes the file again (a short write reports EFBIG past `maxFileBytes`, else EIO).
   *
   * @returns `length`.
   * @throws EEXIST or ENOENT (a missing directory) as `open`; EIO or EFBIG as `write`.
   */
  writeNewFile(path: string, buffer: Uint8Array, offset: number, length: number, maxWriteBytes: number): number {
    if (this.exists(path)) fail('EEXIST', 'open', path);
    let fd: number;
    try {
      fd = this.createAnonymous(posix.dirname(path));
    } catch {
      fail('ENOENT', 'open', path);
    }
    try {
      this.link(fd, path);
      let written: number;
      try {
        written = this.write(fd, buffer, offset, length, 0, maxWriteBytes);
      } catch (error) {
        this.unlink(path); // all or nothing
        throw error;
      }
      if (written < length) {
        this.unlink(path);
        // short at the size limit: the next write would fail with EFBIG, which is what node-fs and io_uring report
        fail(length > this.maxFileBytes ? 'EFBIG' : 'EIO', 'write', path);
      }
      return written;
    } finally {
      this.close(fd);
    }
  }

  #expectOpen(fd: number, syscall: string, path?: string): OpenFile {
    return this.#descriptors.get(fd) ?? fail('EBADF', syscall, path);
  }

  #open(inode: MemoryInode, mode: OpenMode): number {
    let fd = FIRST_DESCRIPTOR;
    while (this.#descriptors.has(fd)) fd += 1;
    this.#descriptors.set(fd, { serial: this.#nextSerial++, fd, inode, mode });
    this.#maxOpen = Math.max(this.#maxOpen, this.#descriptors.size);
    return fd;
  }

  #touch(inode: MemoryInode): void {
    this.#clock += 1;
    inode.mtimeMs = this.#clock;
  }
}

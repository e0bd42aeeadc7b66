import { MemoryStats, S_IFREG } from './memory-stats.js';

/** The size of one page of file data: a file keeps only the pages something was written to. */
const PAGE_SIZE = 64 * 1024;

/**
 * One in-memory regular file: its bytes (sparse: pages that were written to, zeros elsewhere), permission bits and
 * link count.
 *
 * @remarks
 * Names and descriptors refer to an inode; it lives on while either does, so an unlinked file stays readable through an
 * open descriptor, and an anonymous file (nlink 0) exists until its last descriptor closes. A write far past the end
 * (say at 5 GiB) costs one page, as a sparse file does on disk: the hole in between reads as zeros.
 */
export class MemoryInode {
  readonly ino: number;
  /** Permission bits only (0o644, 0o600); stat() adds the file type. */
  readonly permissions: number;
  nlink: number;
  /** Logical time of the last change (see MemoryFileSystem's clock). */
  mtimeMs: number;
  /** The pages written to, by page number; every byte of a page past `#size` is zero. */
  readonly #pages = new Map<number, Buffer>();
  #size = 0;

  /**
   * @param ino - the inode number, unique in its file system.
   * @param permissions - the permission bits.
   * @param nlink - how many names the file starts with (0 for an anonymous file).
   * @param mtimeMs - the creation time on the file system's logical clock.
   */
  constructor(ino: number, permissions: number, nlink: number, mtimeMs: number) {
    this.ino = ino;
    this.permissions = permissions;
    this.nlink = nlink;
    this.mtimeMs = mtimeMs;
  }

  /** The file's length in bytes. */
  get size(): number {
    return this.#size;
  }

  /**
   * @returns a copy of the file's bytes.
   * @throws RangeError for a file larger than a Buffer can hold (a sparse file of several GiB).
   */
  contents(): Buffer {
    const copy = Buffer.alloc(this.#size);
    this.read(copy, 0, this.#size, 0);
    return copy;
  }

  /** Copies up to `length` bytes at `position` into `target[offset...]`. @returns the count (0 at or after the end). */
  read(target: Uint8Array, offset: number, length: number, position: number): number {
    const count = Math.max(0, Math.min(length, this.#size - position));
    let done = 0;
    while (done < count) {
      const at = position + done;
      const index = Math.floor(at / PAGE_SIZE);
      const start = at - index * PAGE_SIZE;
      const chunk = Math.min(PAGE_SIZE - start, count - done);
      const page = this.#pages.get(index);
      if (page === undefined) target.fill(0, offset + done, offset + done + chunk);
      else target.set(page.subarray(start, start + chunk), offset + done);
      done += chunk;
    }
    return count;
  }

  /** Writes all of `source` at `position`, growing the file (a gap reads as zeros). */
  write(source: Uint8Array, position: number): void {
    let done = 0;
    while (done < source.byteLength) {
      const at = position + done;
      const index = Math.floor(at / PAGE_SIZE);
      const start = at - index * PAGE_SIZE;
      const chunk = Math.min(PAGE_SIZE - start, source.byteLength - done);
      let page = this.#pages.get(index);
      if (page === undefined) this.#pages.set(index, (page = Buffer.alloc(PAGE_SIZE)));
      page.set(source.subarray(done, done + chunk), start);
      done += chunk;
    }
    this.#size = Math.max(this.#size, position + source.byteLength);
  }

  /** Sets the length: cuts the tail, or extends with zeros. */
  truncate(length: number): void {
    if (length < this.#size) {
      // keeps the invariant that every byte past the end is zero, so growing (here or by a write) exposes zeros
      const last = Math.floor(length / PAGE_SIZE);
      for (const index of [...this.#pages.keys()]) {
        if (index > last || (index === last && length === last * PAGE_SIZE)) this.#pages.delete(index);
      }
      this.#pages.get(last)?.fill(0, length - last * PAGE_SIZE);
    }
    this.#size = length;
  }

  /** How many bytes of memory the file's pages take (a sparse file takes only its written pages). */
  get allocatedBytes(): number {
    return this.#pages.size * PAGE_SIZE;
  }

  /** @returns a stat snapshot of the file now. */
  stats(): MemoryStats {
    return new MemoryStats({
      ino: this.ino,
      mode: S_IFREG | this.permissions,
      nlink: this.nlink,
      size: this.#size,
      mtimeMs: this.mtimeMs,
    });
  }
}

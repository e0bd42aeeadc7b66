import { MemoryStats, S_IFREG } from './memory-stats.js';

/**
 * One in-memory regular file: its bytes (a Buffer that grows by doubling), permission bits and link count.
 *
 * @remarks
 * Names and descriptors refer to an inode; it lives on while either does, so an unlinked file stays readable through an
 * open descriptor, and an anonymous file (nlink 0) exists until its last descriptor closes.
 */
export class MemoryInode {
  readonly ino: number;
  /** Permission bits only (0o644, 0o600); stat() adds the file type. */
  readonly permissions: number;
  nlink: number;
  /** Logical time of the last change (see MemoryFileSystem's clock). */
  mtimeMs: number;
  /** The bytes, with spare capacity; every byte past `#size` is zero. */
  #data: Buffer = Buffer.alloc(0);
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

  /** @returns a copy of the file's bytes. */
  contents(): Buffer {
    return Buffer.from(this.#data.subarray(0, this.#size));
  }

  /** Copies up to `length` bytes at `position` into `target[offset...]`. @returns the count (0 at or after the end). */
  read(target: Uint8Array, offset: number, length: number, position: number): number {
    const count = Math.max(0, Math.min(length, this.#size - position));
    if (count > 0) target.set(this.#data.subarray(position, position + count), offset);
    return count;
  }

  /** Writes all of `source` at `position`, growing the file (a gap reads as zeros). */
  write(source: Uint8Array, position: number): void {
    const end = position + source.byteLength;
    this.#reserve(end);
    this.#data.set(source, position);
    this.#size = Math.max(this.#size, end);
  }

  /** Sets the length: cuts the tail, or extends with zeros. */
  truncate(length: number): void {
    // keeps the invariant that every byte past the end is zero, so growing (here or by a write) exposes zeros
    if (length < this.#size) this.#data.fill(0, length, this.#size);
    else this.#reserve(length);
    this.#size = length;
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

  #reserve(capacity: number): void {
    if (capacity <= this.#data.byteLength) return;
    // zero-filled: keeps every byte past the end zero
    const grown = Buffer.alloc(Math.max(capacity, this.#data.byteLength * 2, 64));
    this.#data.copy(grown, 0, 0, this.#size);
    this.#data = grown;
  }
}

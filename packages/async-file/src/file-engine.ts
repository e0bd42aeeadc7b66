import type { EngineCapabilities } from './engine-capabilities.js';
import type { FileCallback } from './file-callback.js';

export type { EngineError, FileCallback } from './file-callback.js';

/**
 * The contract between the file manager and an engine (node fs, scripted, later io_uring). An engine performs single
 * system calls and reports each one exactly once through its callback; everything else (queueing, concurrency,
 * chaining, cancellation, undo, repeating partial writes) is the manager's.
 */

/**
 * Receives the outcome of one engine call: the same shape as {@link FileCallback}.
 *
 * @deprecated Use {@link FileCallback}: one callback shape serves engines and actions alike.
 */
export type EngineCallback<T> = FileCallback<T>;

/**
 * Returned by an engine call that the engine can still stop. cancel() asks it to skip the call if it has not started
 * yet; the call still reports through its callback exactly once: with an `ECANCELED` error if it was skipped, or with
 * its real outcome if it had already started. An engine that cannot stop calls returns undefined.
 */
export interface EngineRequest {
  cancel(): void;
}

/** The part of fs.Stats an engine reports (node's fs.Stats satisfies it). */
export interface FileStats {
  readonly dev: number;
  readonly ino: number;
  readonly mode: number;
  readonly nlink: number;
  readonly size: number;
  readonly mtimeMs: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

/** How a file is opened: the access mode of open(2). */
export type OpenMode = 'read' | 'write' | 'read-write';

/**
 * What {@link FileEngine.readNow} and {@link FileEngine.writeNow} return when they decline to do the call at once (with
 * `noWait`: the data is not in the page cache, or the engine cannot tell); the manager then issues it asynchronously.
 */
export const WOULD_BLOCK = -1;

/**
 * The engine interface. Every method starts one call and returns an EngineRequest when the call can be stopped; the
 * optional methods are declared in {@link FileEngine.capabilities} (the manager never probes for them).
 *
 * @remarks
 * The manager checks at construction that `name` is a string, `capabilities` an object, and that every method of
 * {@link REQUIRED_ENGINE_METHODS} and every method a capability declared `true` names is a function, and refuses the
 * engine with a TypeError naming the first one missing. docs/reference/contract.md, 'File actions', and the contract
 * suite (test/support/engine-contract.ts of this package) say what each call must do.
 */
export interface FileEngine {
  /** A short name for traces and errors: `node-fs`, `scripted`, `io_uring`. */
  readonly name: string;
  /** What the engine can do beyond the required calls (the fast path, O_DIRECT, writeNewFile, ...). */
  readonly capabilities: EngineCapabilities;
  /**
   * Opens an existing file (never creates one); with `direct`, with O_DIRECT (bypassing the page cache). Result: the
   * descriptor.
   */
  openExisting(
    path: string,
    mode: OpenMode,
    callback: FileCallback<number>,
    direct?: boolean,
  ): EngineRequest | undefined;
  /**
   * Creates an unnamed read-write file in `directory` with mode 0600 (O_TMPFILE where the system has it, else
   * create-exclusive with a random name, then unlink). Result: the descriptor.
   */
  createAnonymous(directory: string, callback: FileCallback<number>): EngineRequest | undefined;
  /** Opens a second, independent descriptor for the file open at `fd`, with the same access mode. */
  duplicate(fd: number, mode: OpenMode, callback: FileCallback<number>): EngineRequest | undefined;
  /** Closes `fd`. */
  close(fd: number, callback: FileCallback<void>): EngineRequest | undefined;
  /** One positioned read into `buffer[offset, offset + length)`. Result: bytes read (0 at end of file). */
  read(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
    callback: FileCallback<number>,
  ): EngineRequest | undefined;
  /** One positioned write of `buffer[offset, offset + length)`. Result: bytes written (may be fewer). */
  write(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
    callback: FileCallback<number>,
  ): EngineRequest | undefined;
  /** fstat(2). */
  fstat(fd: number, callback: FileCallback<FileStats>): EngineRequest | undefined;
  /** ftruncate(2). */
  truncate(fd: number, length: number, callback: FileCallback<void>): EngineRequest | undefined;
  /** fsync(2). */
  sync(fd: number, callback: FileCallback<void>): EngineRequest | undefined;
  /**
   * Gives the file open at `fd` the new name `newPath` (a hard link; works for unnamed files too). Fails with EEXIST
   * if `newPath` exists.
   */
  link(fd: number, newPath: string, callback: FileCallback<void>): EngineRequest | undefined;
  /** stat(2) by path. */
  stat(path: string, callback: FileCallback<FileStats>): EngineRequest | undefined;
  /** unlink(2). */
  unlink(path: string, callback: FileCallback<void>): EngineRequest | undefined;
  /** rename(2). */
  rename(from: string, to: string, callback: FileCallback<void>): EngineRequest | undefined;
  /**
   * With capability `writeNewFile` (the manager's writeNewFile action): creates `path` exclusively (EEXIST if it exists), writes all of
   * `buffer[offset, offset + length)` at position 0, and closes it. All or nothing: success means the file exists with
   * every byte (result: `length`); on any failure no file is left behind (one created before the failure is removed
   * before the callback). io_uring submits it as one linked chain.
   */
  writeNewFile?(
    path: string,
    buffer: Uint8Array,
    offset: number,
    length: number,
    callback: FileCallback<number>,
  ): EngineRequest | undefined;
  /**
   * With capability `syncCalls` (the fast path): one positioned read done at once, on the calling thread. Returns the bytes read, or
   * {@link WOULD_BLOCK} to decline; throws an EngineError for a failure. With `noWait` it must never block on storage
   * (Linux: preadv2 with RWF_NOWAIT), and declines whatever it cannot do at once; errors may then be left to read().
   */
  readNow?(fd: number, buffer: Uint8Array, offset: number, length: number, position: number, noWait: boolean): number;
  /** With capability `syncCalls`: one positioned write done at once, as {@link readNow} (it may write fewer bytes). */
  writeNow?(fd: number, buffer: Uint8Array, offset: number, length: number, position: number, noWait: boolean): number;
  /**
   * Optional, with capability `noWaitCalls`: whether every byte of `[position, position + length)` of the file open at
   * `fd` is in the page cache now, asked without reading it (it must start no I/O and never block), or undefined when
   * the engine cannot tell here. A handle that backs off after a declined `noWait` read asks this before it tries a
   * read at once again: a declined read may start the disk read from the calling thread, this never does.
   */
  isCached?(fd: number, position: number, length: number): boolean | undefined;
  /**
   * With capability `directIo` (O_DIRECT): the alignment direct I/O on the file open at `fd` requires, in bytes: of buffer
   * addresses (`memory`) and of file offsets and lengths (`offset`). Done at once, on the calling thread.
   */
  directIoAlignment?(fd: number): DirectIoAlignment;
  /**
   * Optional: releases what the engine holds (io_uring: its ring) once the manager that uses it is closed and idle.
   * AsyncFileManager.close() calls it after its last action finished; idempotent; never throws for a second call.
   */
  [Symbol.dispose]?(): void;
}

/** The methods every engine implements (the manager names the first one missing). */
export const REQUIRED_ENGINE_METHODS = [
  'openExisting',
  'createAnonymous',
  'duplicate',
  'close',
  'read',
  'write',
  'fstat',
  'truncate',
  'sync',
  'link',
  'stat',
  'unlink',
  'rename',
] as const satisfies readonly (keyof FileEngine)[];

/** What direct I/O (O_DIRECT) on one file requires, in bytes; both are powers of two. */
export interface DirectIoAlignment {
  /** Buffer addresses must be multiples of it. */
  readonly memory: number;
  /** File offsets and lengths must be multiples of it. */
  readonly offset: number;
}

/** The name of a FileEngine method (what a trace, a scripted call or a contract test names). */
export type EngineMethodName = Exclude<keyof FileEngine, 'name' | 'capabilities' | typeof Symbol.dispose>;

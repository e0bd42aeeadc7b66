import { CallRegistry } from './call-registry.js';
import { MemoryFileSystem } from './memory-file-system.js';
import type { ScriptedCall } from './scripted-call.js';
import {
  resolveOptions,
  type ResolvedScriptedEngineOptions,
  type ScriptedEngineOptions,
} from './scripted-engine-options.js';

/** The bound of completeAll(): far above any sane test, low enough to stop a callback that loops forever. */
const DEFAULT_COMPLETE_ALL_LIMIT = 10_000;

/**
 * What a test does with a `ScriptedEngine` besides calling it: set up and inspect its in-memory file system,
 * complete its calls, and read what it recorded (calls, fast-path calls, violations).
 *
 * @remarks Nothing here is a call: each method acts at once and reports nothing through a callback.
 */
export abstract class ScriptedEngineControls {
  /** The calls that have not ended, in issue order (hung ones included). The engine owns it: read it, do not edit. */
  readonly pendingCalls: readonly ScriptedCall[];
  /**
   * The most recent calls, in issue order: every call ever issued with `callHistory: Infinity`, else at least the last
   * `callHistory` (default 10000), so that a long run keeps bounded memory. {@link callCount} counts them all.
   */
  readonly calls: readonly ScriptedCall[];
  /** Readable descriptions of every safety violation seen; empty in a correct run. */
  readonly violations: readonly string[];
  /**
   * The fast-path calls done at once (not declined), in order, as labels: `now read(fd 3, 4096 B @ 0)`; bounded as
   * {@link calls} is.
   */
  readonly nowCalls: readonly string[] = [];
  /** The in-memory file system the calls act on (the engine's own state, for its subclass). @internal */
  protected readonly memory: MemoryFileSystem;
  /** The options, resolved. @internal */
  protected readonly options: ResolvedScriptedEngineOptions;
  /** Every call issued, and the pending ones. @internal */
  protected readonly registry: CallRegistry;

  /**
   * Creates an engine with an empty file system (only `/` exists).
   *
   * @param options - completion policy, fault injection, cancel support, partial writes; all optional.
   * @throws TypeError or RangeError naming the option and the value received.
   */
  constructor(options?: ScriptedEngineOptions) {
    this.options = resolveOptions(options);
    this.memory = new MemoryFileSystem(this.options.maxFileBytes);
    this.registry = new CallRegistry(this.options, (fd) => this.memory.openFile(fd));
    this.pendingCalls = this.registry.pending;
    this.calls = this.registry.all;
    this.violations = this.registry.violations;
  }

  /** How many calls were issued so far (all of them, whatever `calls` still holds). */
  get callCount(): number {
    return this.registry.count;
  }

  /** How many descriptors are open now. */
  get openDescriptorCount(): number {
    return this.memory.openCount;
  }

  /** The most descriptors that were open at the same time (a high-water mark). */
  get maxOpenDescriptors(): number {
    return this.memory.maxOpenCount;
  }

  /**
   * Adds a directory, and any missing ancestors, at once (not a call).
   *
   * @param path - an absolute path.
   * @throws TypeError if the path is not absolute; Error if it or an ancestor is a file.
   */
  addDirectory(path: string): void {
    this.memory.addDirectory(path);
  }

  /**
   * Sets a file's contents at once (not a call), creating it (mode 0644, nlink 1) and missing directories.
   *
   * @param path - an absolute path.
   * @param data - the bytes, or a string written as UTF-8.
   * @remarks An existing file keeps its inode: descriptors open on it see the new contents.
   * @throws TypeError if the path is not absolute; Error if it is a directory.
   */
  writeFile(path: string, data: Uint8Array | string): void {
    this.memory.writeFile(path, data);
  }

  /**
   * Reads a file's contents at once (not a call).
   *
   * @param path - the file's name.
   * @returns a copy of the bytes, or undefined if no file has that name.
   */
  readFile(path: string): Buffer | undefined {
    return this.memory.readFile(path);
  }

  /**
   * Lists a directory at once (not a call). Anonymous (unlinked) files do not show.
   *
   * @param path - the directory.
   * @returns the names of its files and subdirectories, sorted.
   * @throws Error if `path` is not a directory.
   */
  listDirectory(path: string): string[] {
    return this.memory.listDirectory(path);
  }

  /** @returns the descriptor numbers open now, ascending. */
  openDescriptors(): number[] {
    return this.memory.descriptors();
  }

  /**
   * Completes the oldest pending call that is not hung.
   *
   * @returns the call completed, or undefined if there was none.
   * @remarks Its callback runs before completeNext() returns. Works under any completion policy.
   */
  completeNext(): ScriptedCall | undefined {
    return this.registry.completeNext();
  }

  /**
   * Completes pending calls, oldest first, until none is left but hung ones, including calls that callbacks issue
   * meanwhile.
   *
   * @param limit - the most calls to complete (default 10000): a guard against callbacks that issue calls forever.
   * @returns how many calls it completed.
   * @throws Error if `limit` calls were completed and more are pending; RangeError for a bad `limit`.
   */
  completeAll(limit: number = DEFAULT_COMPLETE_ALL_LIMIT): number {
    return this.registry.completeAll(limit);
  }
}

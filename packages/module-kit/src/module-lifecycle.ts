import { describeValue } from 'async-op';
import { ModuleClosedError, ModuleStateError } from './module-errors.js';
import type { ModuleState } from './module-types.js';

/**
 * The lifecycle and pending-operation counter of a cancellable module: its open/close/destroy state, a count of the
 * operations started and not finished, and the close() promise that waits for that count to reach zero.
 *
 * @remarks
 * A module calls {@link ModuleLifecycle.admit} first thing in start() (it throws unless the module is open),
 * {@link ModuleLifecycle.begin} once it commits to calling back, and {@link ModuleLifecycle.end} exactly once per
 * begin(), AFTER the callback returned (for fake cancel: after the cleanup). Counting out after the callback is what
 * lets a callback call close() on its own module: close() resolves once the count is zero, so it waits for that
 * callback to return. Every method is synchronous except close(), whose promise resolves in a later microtask.
 * The lifecycle holds no AsyncOp reference; the module owns its ops.
 *
 * @example
 * ```ts
 * const lifecycle = new ModuleLifecycle('my-module');
 * lifecycle.open();
 * lifecycle.admit(); // in start(): throws ModuleClosedError unless open
 * lifecycle.begin(); // the module now owes a callback
 * lifecycle.end(); // after the callback returned
 * await lifecycle.close();
 * ```
 */
export class ModuleLifecycle {
  private current: ModuleState = 'created';
  private pending = 0;
  private drained: Promise<void> | null = null;
  private resolveDrained: (() => void) | null = null;

  /**
   * Creates a lifecycle in state `created`.
   *
   * @param name - the module's name, for error messages.
   * @throws TypeError unless `name` is a string.
   */
  constructor(private readonly name: string) {
    if (typeof name !== 'string') throw new TypeError(`Expected \`name\` to be a string, got ${describeValue(name)}`);
  }

  /** The lifecycle state. */
  get state(): ModuleState {
    return this.current;
  }

  /** Operations counted in by begin() and not yet out by end(). */
  get pendingCount(): number {
    return this.pending;
  }

  /**
   * Starts accepting operations (from `created`, or from `closed` to reopen).
   *
   * @throws ModuleStateError in any other state.
   */
  open(): void {
    if (this.current !== 'created' && this.current !== 'closed') {
      throw new ModuleStateError(`Cannot open ${this.name}: it is ${this.current}`);
    }
    this.current = 'open';
  }

  /**
   * The check at the top of every start function.
   *
   * @throws ModuleClosedError (`ERR_MODULE_CLOSED`) unless the module is open.
   * @remarks Call it after checking the arguments and before creating anything: a start that throws leaves nothing.
   */
  admit(): void {
    if (this.current !== 'open') {
      throw new ModuleClosedError(`Cannot start an operation on ${this.name}: it is ${this.current}`);
    }
  }

  /**
   * Counts one operation in: the module now owes it a callback.
   *
   * @remarks Call it once the start function can no longer throw without undoing it (undo with end()).
   */
  begin(): void {
    this.pending++;
  }

  /**
   * Counts one operation out, exactly once per begin(); the last one while `closing` resolves close().
   *
   * @throws ModuleStateError when nothing is counted in (a module that ends an operation twice): the count stays 0.
   * @remarks Call it AFTER the callback returned (in a `finally`): a close() from inside the callback then waits for it.
   *   close()'s promise resolves in a later microtask, never inside end().
   */
  end(): void {
    if (this.pending <= 0) throw new ModuleStateError(`${this.name} ended more operations than it began`);
    this.pending--;
    if (this.pending === 0 && this.current === 'closing') {
      this.current = 'closed';
      const resolve = this.resolveDrained;
      this.drained = null;
      this.resolveDrained = null;
      resolve?.();
    }
  }

  /**
   * Refuses new starts at once; resolves when the count reaches zero.
   *
   * @returns a promise that resolves once every operation counted in has been counted out: at once when none is, or
   *   when the module is not open (`created`, `closed`); the same promise to every caller while `closing`.
   * @remarks Callable from inside a callback of the module (it resolves after that callback returned). Rejects with
   *   ModuleStateError once destroyed.
   */
  close(): Promise<void> {
    if (this.current === 'destroyed') {
      return Promise.reject(new ModuleStateError(`Cannot close ${this.name}: it was destroyed`));
    }
    if (this.current === 'closing' && this.drained !== null) return this.drained;
    if (this.current !== 'open') return Promise.resolve();
    if (this.pending === 0) {
      this.current = 'closed';
      return Promise.resolve();
    }
    this.current = 'closing';
    this.drained = new Promise((resolve) => {
      this.resolveDrained = resolve;
    });
    return this.drained;
  }

  /**
   * Frees the module for good: state `destroyed`, every later call refused.
   *
   * @throws ModuleStateError if the module is `open` or `closing` (close it and wait first).
   */
  destroy(): void {
    if (this.current === 'open' || this.current === 'closing') {
      throw new ModuleStateError(`Cannot destroy ${this.name}: it is ${this.current}; await close() first`);
    }
    this.current = 'destroyed';
  }
}

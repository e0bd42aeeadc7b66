import type { AsyncOp } from 'async-op';
import { ModuleLifecycle } from './module-lifecycle.js';
import type { CancellableModule, ModuleState, StartCallback } from './module-types.js';

/**
 * The lifecycle half of a {@link CancellableModule}, for a module class to extend: `name`, `state`, `pendingCount`,
 * open(), close() and destroy(), over a {@link ModuleLifecycle}. The subclass writes start(), with its key steps.
 *
 * @typeParam Request - what start() takes.
 * @typeParam Value - what an `ok` result carries.
 *
 * @remarks
 * The subclass's start() calls `this.lifecycle.admit()` (after checking its arguments), `this.lifecycle.begin()` once it
 * owes a callback, and `this.lifecycle.end()` after each callback returned; close() then resolves once every pending
 * operation has called back. A subclass that must do more on close (cancel what it tracks) or open (start threads)
 * overrides them and calls `super`.
 *
 * The guide docs/guides/write-a-cancellable-module.md builds one, step by step.
 */
export abstract class CancellableModuleBase<Request, Value> implements CancellableModule<Request, Value> {
  /** The module's name (traces, errors, test titles). */
  readonly name: string;
  /** The lifecycle and pending count: admit(), begin() and end() are the subclass's to call. */
  protected readonly lifecycle: ModuleLifecycle;

  /**
   * @param name - the module's name.
   * @throws TypeError unless `name` is a string.
   */
  constructor(name: string) {
    this.lifecycle = new ModuleLifecycle(name);
    this.name = name;
  }

  /** The lifecycle state. */
  get state(): ModuleState {
    return this.lifecycle.state;
  }

  /** Operations started and not yet finished (callback delivered and cleanup done). */
  get pendingCount(): number {
    return this.lifecycle.pendingCount;
  }

  /**
   * Starts accepting start() calls.
   *
   * @throws ModuleStateError unless the module is `created` or `closed`.
   */
  open(): void {
    this.lifecycle.open();
  }

  /**
   * Starts one operation; see {@link CancellableModule.start} for the contract every implementation keeps.
   *
   * @param request - what to do; checked synchronously.
   * @param callback - called exactly once with the result, unless start() throws.
   * @returns the caller's reference to the operation.
   */
  abstract start(request: Request, callback: StartCallback<Value>): AsyncOp<unknown>;

  /**
   * Refuses new starts at once, and resolves once every pending operation has called back.
   *
   * @remarks Callable from inside one of the module's callbacks, and more than once. Rejects with ModuleStateError
   *   once destroyed.
   */
  close(): Promise<void> {
    return this.lifecycle.close();
  }

  /**
   * Frees the module for good.
   *
   * @throws ModuleStateError if the module is `open` or `closing`.
   */
  destroy(): void {
    this.lifecycle.destroy();
  }
}

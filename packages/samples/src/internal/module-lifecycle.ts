import { describeValue } from 'async-op';
import { ModuleClosedError, ModuleStateError } from '../module-errors.js';
import type { ModuleState } from '../module-types.js';

/**
 * The lifecycle and pending-operation counter every sample module shares: open/close/destroy state, a count of
 * operations started and not finished, and the close() promise that waits for that count to reach zero.
 *
 * @remarks
 * A module calls {@link ModuleLifecycle.admit} at the start of start() (throws when not open), {@link
 * ModuleLifecycle.begin} once it commits to calling back, and {@link ModuleLifecycle.end} exactly once per begin(),
 * after the callback returned (or, for fake cancel, after the cleanup). close() resolves when the count is zero.
 */
export class ModuleLifecycle {
  private current: ModuleState = 'created';
  private pending = 0;
  private drained: Promise<void> | null = null;
  private resolveDrained: (() => void) | null = null;

  /** @param name - the module's name, for error messages. */
  constructor(private readonly name: string) {}

  get state(): ModuleState {
    return this.current;
  }

  get pendingCount(): number {
    return this.pending;
  }

  open(): void {
    if (this.current !== 'created' && this.current !== 'closed') {
      throw new ModuleStateError(`Cannot open ${this.name}: it is ${this.current}`);
    }
    this.current = 'open';
  }

  /** @throws ModuleClosedError unless open: the first check of every start function. */
  admit(): void {
    if (this.current !== 'open') {
      throw new ModuleClosedError(`Cannot start an operation on ${this.name}: it is ${this.current}`);
    }
  }

  /** Counts one operation in; the module now owes it a callback. */
  begin(): void {
    this.pending++;
  }

  /** Counts one operation out (exactly once per begin()); the last one while closing resolves close(). */
  end(): void {
    if (this.pending <= 0) throw new Error(`internal: ${this.name} ended more operations than it began`);
    this.pending--;
    if (this.pending === 0 && this.current === 'closing') {
      this.current = 'closed';
      const resolve = this.resolveDrained;
      this.drained = null;
      this.resolveDrained = null;
      resolve?.();
    }
  }

  /** Refuses new starts at once; resolves when the count reaches zero. */
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

  destroy(): void {
    if (this.current === 'open' || this.current === 'closing') {
      throw new ModuleStateError(`Cannot destroy ${this.name}: it is ${this.current}; await close() first`);
    }
    this.current = 'destroyed';
  }
}

/**
 * Checks that a start callback is a function.
 *
 * @throws TypeError naming the value received.
 */
export function expectCallback(callback: unknown): void {
  if (typeof callback !== 'function') {
    throw new TypeError(`Expected \`callback\` to be a function, got ${describeValue(callback)}`);
  }
}

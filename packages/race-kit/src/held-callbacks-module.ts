import type { AsyncOp } from 'async-op';
import type fc from 'fast-check';
import type { RaceModule } from './race-module.js';

/**
 * A lower module seen through a filter that holds every callback and delivers it later: in a task of the scheduler,
 * or, whichever comes first, inside the next start() call, once that call's own start returned below ("reaping"
 * finished work on submit, as a batching backend does).
 *
 * @typeParam Request - the lower module's request.
 * @typeParam Outcome - the lower module's outcome.
 *
 * @remarks
 * The module contract allows it (a callback may come at any time after start() was called, exactly once), and it is
 * the way to run an operation's callback, and so the user's code (cancel, start, close), INSIDE the start of another
 * operation: the window where a module must store the lower op before a cancel can find it. close() resolves once
 * the module beneath closed and every held callback was delivered. Put it under the module you test (between it and
 * its lower module).
 */
export class HeldCallbacksModule<Request, Outcome> implements RaceModule<Request, Outcome> {
  readonly #held: (() => void)[] = [];
  #drainWaiters: (() => void)[] = [];
  #heldCount = 0;

  /**
   * @param inner - the lower module.
   * @param s - the run's scheduler.
   * @param onError - receives what a delivery run by a scheduled task throws (a throw inside start() propagates).
   * @param isLeftToReaping - for the n-th held callback (from 1): true to give it no scheduled task, so only the next
   *   start() (or {@link HeldCallbacksModule.flush}) delivers it.
   */
  constructor(
    private readonly inner: RaceModule<Request, Outcome> & { open(): void; destroy?(): void },
    private readonly s: fc.Scheduler,
    private readonly onError: (error: unknown) => void,
    private readonly isLeftToReaping: (n: number) => boolean = () => false,
  ) {}

  /** The lower module's name. */
  get name(): string {
    return this.inner.name ?? 'held-callbacks';
  }

  /** The lower module's state (`open` if it has none). */
  get state(): string {
    return this.inner.state ?? 'open';
  }

  /** The lower module's pending operations, plus the callbacks held here. */
  get pendingCount(): number {
    return (this.inner.pendingCount ?? 0) + this.#held.length;
  }

  /** Opens the lower module. */
  open(): void {
    this.inner.open();
  }

  /** Destroys the lower module, if it can be. */
  destroy(): void {
    this.inner.destroy?.();
  }

  /**
   * Delivers every held callback now (what the race does once the scheduler has nothing left to run).
   *
   * @returns whether there was any.
   */
  flush(): boolean {
    if (this.#held.length === 0) return false;
    while (this.#held.length > 0) this.#deliverNext();
    return true;
  }

  /**
   * Starts the lower operation with a callback that holds its outcome, then delivers every held callback.
   *
   * @param request - passed to the lower start().
   * @param callback - called exactly once, later (a scheduled task, a later start(), or flush()), or inside this very
   *   start() when the lower callback came before it returned.
   * @returns the lower op.
   * @throws what the lower start() throws (then nothing is held), or what a held callback run here throws.
   */
  start(request: Request, callback: (outcome: Outcome) => void): AsyncOp<unknown> {
    const op = this.inner.start(request, (outcome) => this.#hold(callback, outcome));
    // then reap: earlier callbacks run here, after this start was submitted and before it returns, and may re-enter
    // anything (cancel the operation whose start this is, for one)
    while (this.#held.length > 0) this.#deliverNext();
    return op;
  }

  /** Closes the lower module; resolves once it closed and every held callback was delivered. */
  close(): Promise<void> {
    return this.inner.close().then(
      () =>
        new Promise<void>((resolve) => {
          if (this.#held.length === 0) resolve();
          else this.#drainWaiters.push(resolve);
        }),
    );
  }

  #hold(callback: (outcome: Outcome) => void, outcome: Outcome): void {
    const delivery = (): void => callback(outcome);
    this.#held.push(delivery);
    if (this.isLeftToReaping(++this.#heldCount)) return;
    const status = (outcome as { status?: unknown } | null)?.status;
    void this.s
      .schedule(Promise.resolve(`deliver a held callback${typeof status === 'string' ? ` (${status})` : ''}`))
      .then(() => {
        const index = this.#held.indexOf(delivery);
        if (index < 0) return;
        this.#held.splice(index, 1);
        try {
          this.#run(delivery);
        } catch (error) {
          this.onError(error);
        }
      });
  }

  #deliverNext(): void {
    this.#run(this.#held.shift() as () => void);
  }

  #run(delivery: () => void): void {
    try {
      delivery();
    } finally {
      if (this.#held.length === 0 && this.#drainWaiters.length > 0) {
        const waiters = this.#drainWaiters;
        this.#drainWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }
}

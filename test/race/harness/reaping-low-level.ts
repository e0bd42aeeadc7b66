import type { AsyncOp } from 'async-op';
import type { FileJobRequest, FileJobValue, ModuleState, Result, StartCallback } from 'async-op-samples';
import type fc from 'fast-check';
import type { LowLevelModule } from './stack-shapes.js';

/**
 * An LL module that holds every callback of the LL beneath and delivers it later: in a task of the scheduler, or,
 * whichever comes first, inside the next start() call, once that call's job was submitted ("reaping" finished work on submit, as a batching
 * backend does).
 *
 * @remarks
 * The module contract allows it (a callback may come at any time after start() was called, exactly once), and it is
 * the one way the race property has to run an operation's callback, and so user code (cancel, start, close), INSIDE
 * the start of another operation's step: the window that step 6 of internal/forward.ts and the re-check of step 5 of
 * ml-chain.ts exist for. close() resolves once the LL beneath closed and every held callback was delivered.
 */
export class ReapingLowLevel implements LowLevelModule {
  private readonly held: (() => void)[] = [];
  private drainWaiters: (() => void)[] = [];

  constructor(
    private readonly inner: LowLevelModule,
    private readonly s: fc.Scheduler,
    /** Receives what a delivery run by a scheduled task throws (a throw inside start() propagates instead). */
    private readonly onError: (error: unknown) => void,
    /** For the n-th held callback (from 1): true to leave it to the next start() (or flush()), no scheduled task. */
    private readonly isLeftToReaping: (n: number) => boolean = () => false,
  ) {}

  private heldCount = 0;

  /**
   * Delivers every held callback now (what the harness does once the scheduler has nothing left to run).
   *
   * @returns whether there was any.
   */
  flush(): boolean {
    if (this.held.length === 0) return false;
    while (this.held.length > 0) this.deliverNext();
    return true;
  }

  get name(): string {
    return this.inner.name;
  }

  get state(): ModuleState {
    return this.inner.state;
  }

  get pendingCount(): number {
    return this.inner.pendingCount + this.held.length;
  }

  open(): void {
    this.inner.open();
  }

  start(request: FileJobRequest, callback: StartCallback<FileJobValue>): AsyncOp<unknown> {
    const op = this.inner.start(request, (result) => this.hold(request, callback, result));
    // then reap: earlier callbacks run here, after this job was submitted and before start() returns, and may
    // re-enter anything (cancel the operation whose start this is, for one)
    while (this.held.length > 0) this.deliverNext();
    return op;
  }

  close(): Promise<void> {
    return this.inner.close().then(
      () =>
        new Promise<void>((resolve) => {
          if (this.held.length === 0) resolve();
          else this.drainWaiters.push(resolve);
        }),
    );
  }

  destroy(): void {
    this.inner.destroy();
  }

  private hold(request: FileJobRequest, callback: StartCallback<FileJobValue>, result: Result<FileJobValue>): void {
    const delivery = (): void => callback(result);
    this.held.push(delivery);
    if (this.isLeftToReaping(++this.heldCount)) return;
    const label = `deliver ${request.kind} ${result.status}`;
    void this.s.schedule(Promise.resolve(label)).then(() => {
      const index = this.held.indexOf(delivery);
      if (index < 0) return;
      this.held.splice(index, 1);
      try {
        this.run(delivery);
      } catch (error) {
        this.onError(error);
      }
    });
  }

  private deliverNext(): void {
    const delivery = this.held.shift() as () => void;
    this.run(delivery);
  }

  private run(delivery: () => void): void {
    try {
      delivery();
    } finally {
      if (this.held.length === 0 && this.drainWaiters.length > 0) {
        const waiters = this.drainWaiters;
        this.drainWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }
}

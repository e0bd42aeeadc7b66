import type { AsyncOp } from 'async-op';
import type { ActionOwnership } from './action-ownership.js';
import type { RaceModule } from './race-module.js';

/**
 * A lower module seen through a filter that marks each start() as a window in which a cancel of its operation
 * cannot reach it yet (see {@link ActionOwnership.lowerStart}); otherwise it passes everything through.
 *
 * @typeParam Request - the lower module's request.
 * @typeParam Outcome - the lower module's outcome.
 *
 * @remarks
 * Put it directly under the module whose steps the ownership check judges, outermost of any other filter: a cancel
 * that arrives re-entrantly while the lower start() runs then counts from when it returns, which is when the module
 * above can first pass it on.
 */
export class StartWindowModule<Request, Outcome> implements RaceModule<Request, Outcome> {
  /**
   * @param inner - the lower module.
   * @param ownership - the run's ownership check.
   * @param ownerOf - the operation a request belongs to (from its paths), or undefined.
   */
  constructor(
    private readonly inner: RaceModule<Request, Outcome> & { open(): void; destroy?(): void },
    private readonly ownership: ActionOwnership,
    private readonly ownerOf: (request: Request) => number | undefined,
  ) {}

  /** The lower module's name. */
  get name(): string {
    return this.inner.name ?? 'start-window';
  }

  /** The lower module's state (`open` if it has none). */
  get state(): string {
    return this.inner.state ?? 'open';
  }

  /** The lower module's pending operations. */
  get pendingCount(): number {
    return this.inner.pendingCount ?? 0;
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
   * Starts the lower operation inside the ownership check's start window of its owner.
   *
   * @param request - passed to the lower start().
   * @param callback - passed to the lower start().
   * @returns the lower op; what the lower start() throws propagates.
   */
  start(request: Request, callback: (outcome: Outcome) => void): AsyncOp<unknown> {
    return this.ownership.lowerStart(this.ownerOf(request), () => this.inner.start(request, callback));
  }

  /** Closes the lower module. */
  close(): Promise<void> {
    return this.inner.close();
  }
}

import type { EngineError } from '../file-callback.js';
import type { FileAction } from './file-action.js';

/** Who receives the outcomes a {@link DeferredDelivery} delivers (the scheduler, as from an engine callback). */
export interface CompletionReceiver {
  onEngineDone(action: FileAction, error: EngineError | null, result: unknown): void;
}

/**
 * Outcomes that are known at once (the fast path, a failed allocation, an empty write, an engine that threw), held
 * for delivery on a later turn, as an engine completion would arrive: never inside the call that enqueued the action.
 *
 * @remarks Outcomes recorded before a turn are delivered in that turn, in order; those recorded while it runs (a
 * chained fast action) wait for the next one, so a chain of fast actions yields to the event loop once per batch
 * instead of running forever. A callback that throws propagates (as from an engine callback), and the rest of its
 * batch goes first at the next turn.
 */
export class DeferredDelivery {
  /** Outcomes waiting for delivery, as (action, error, result) triples, and whether a delivery turn is scheduled. */
  private ready: unknown[] = [];
  private spare: unknown[] = [];
  private isScheduled = false;

  /**
   * @param receiver - gets each outcome at its turn.
   * @param schedule - schedules one delivery turn (the `fastPathDelivery` option; setImmediate by default): it must call
   *   the function it is given exactly once, later.
   */
  constructor(
    private readonly receiver: CompletionReceiver,
    private readonly schedule: (deliver: () => void) => void,
  ) {}

  /** Records the outcome of an executing action whose work is already done, for delivery on a later turn. */
  completeLater(action: FileAction, error: EngineError | Error | null, result: unknown): void {
    this.ready.push(action, error, result);
    if (!this.isScheduled) {
      this.isScheduled = true;
      this.schedule(this.deliverReady);
    }
  }

  /** Delivers the outcomes recorded before this turn. */
  private readonly deliverReady = (): void => {
    this.isScheduled = false;
    const batch = this.ready;
    this.ready = this.spare;
    let index = 0;
    try {
      while (index < batch.length) {
        const action = batch[index] as FileAction;
        const error = batch[index + 1] as EngineError | null;
        const result = batch[index + 2];
        index += 3;
        this.receiver.onEngineDone(action, error, result);
      }
    } finally {
      // a callback threw (it propagates, as from an engine callback): the rest of the batch goes first next turn
      if (index < batch.length) {
        this.ready = batch.slice(index).concat(this.ready);
        if (!this.isScheduled) {
          this.isScheduled = true;
          this.schedule(this.deliverReady);
        }
      }
      batch.length = 0;
      this.spare = batch;
    }
  };
}

import { AsyncOp } from 'async-op';
import type { CancellableModule, ModuleState, Result, StartCallback } from 'async-op-samples';

interface HangingContext {
  readonly callback: StartCallback<null>;
  own: AsyncOp<HangingContext> | null;
}

/** The one `canceled` result every hanging operation reports (no object per operation: not what is measured). */
const CANCELED: Result<null> = { status: 'canceled', error: 'scale benchmark' };

/** The cancel implementation: report `canceled` from inside cancel(), as fake cancel and a canceled hung call do. */
function cancelHanging(context: HangingContext): void {
  const own = context.own as AsyncOp<HangingContext>;
  if (!own.complete()) return;
  context.own = null;
  own.release();
  context.callback(CANCELED);
}

/**
 * A lower module whose operations never complete unless canceled: the least work a module beneath HL cancel-all can
 * do, so that a sweep's time is the sweep's own.
 *
 * @remarks It keeps the sample modules' rules (the callback's reference, exactly one callback) and no counter of
 * its own; close() resolves at once.
 */
export class HangingModule implements CancellableModule<null, null> {
  readonly name = 'hanging';
  readonly state: ModuleState = 'open';
  readonly pendingCount = 0;

  open(): void {
    // always open
  }

  start(_request: null, callback: StartCallback<null>): AsyncOp<unknown> {
    const context: HangingContext = { callback, own: null };
    const op = AsyncOp.create<HangingContext>({ context, cancel: cancelHanging });
    context.own = op.ref();
    return op;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  destroy(): void {
    // nothing held
  }
}

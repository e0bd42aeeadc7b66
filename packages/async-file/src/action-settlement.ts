import type { EngineError } from './file-engine.js';

/**
 * What became of a canceled action once the engine was done with it:
 * - `not-run`: it never reached the system, or the engine stopped it there (ECANCELED): no effect;
 * - `failed`: the system call ran and failed (`error` says why), or the engine refused it: no effect;
 * - `succeeded`: the system call ran and took effect, and it stays (a rename or unlink cannot be undone): `result` is
 *   what the callback would have received (a stat's FileStats, writeNewFile's byte count);
 * - `undone`: it took effect and the manager undid it (writeNewFile's new file was removed): no effect left.
 */
export type ActionSettlementOutcome = 'not-run' | 'failed' | 'succeeded' | 'undone';

/** The last word on a canceled action: see {@link ActionSettlementOutcome}. */
export interface ActionSettlement {
  readonly outcome: ActionSettlementOutcome;
  /** `failed`: the error; `not-run` when the engine stopped the call: its ECANCELED error; else null. */
  readonly error: EngineError | null;
  /** `succeeded`: the result the callback would have received; else undefined. */
  readonly result: unknown;
}

/** Options of the manager-level actions (stat, unlink, rename, writeNewFile). */
export interface ManagerActionOptions {
  /**
   * Called once, if and only if the action was canceled before its callback ran, when the engine is really done with
   * it, with what happened: a rename or unlink canceled while the system call was executing may still have taken
   * effect, and this is how to learn it (the callback never runs after cancel() returned, so it cannot tell).
   *
   * @remarks Timing: on a microtask at the earliest after cancel() returned (never inside cancel(), never inside the
   *   call that enqueued the action); for an action still queued when canceled, that microtask; for one executing,
   *   after the engine reported it (and after the undo of writeNewFile's file, if any). It runs before the manager's
   *   whenIdle() resolves. It must not throw (a throw surfaces as an uncaught exception). It holds no reference: the
   *   caller's AsyncOp reference may be released at once after cancel().
   */
  readonly onSettledAfterCancel?: ((settlement: ActionSettlement) => void) | undefined;
}

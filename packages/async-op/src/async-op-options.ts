import type { Clock } from './clock.js';

/** The state of an operation: `running`, then `canceling` once cancel won, and `completed` once complete() won. */
export type AsyncOpState = 'running' | 'canceling' | 'completed';

/** What AsyncOp.create() takes. */
export interface AsyncOpOptions<C> {
  /** The module's state for this operation; passed to `cancel` and `dispose`. */
  readonly context: C;
  /**
   * The cancel implementation. Runs at most once, synchronously inside the cancel() call that won, never after
   * complete(). It may re-enter anything: call the completion callback, complete or release this op, cancel others.
   */
  readonly cancel?: ((context: C) => void) | undefined;
  /** Runs exactly once, when the last reference is released, whoever releases it (see {@link AsyncOp.release}). */
  readonly dispose?: ((context: C) => void) | undefined;
  /** A name for diagnostics, tracing and the origin of cancel reasons (e.g. `"save report.txt"`). */
  readonly label?: string | undefined;
  /**
   * A shielded op's follow() only records its parent (for diagnostics and tracing): the parent's cancel and deadline
   * do not reach it, its own deadline does. For cleanup (a close, an unlink, an undo) that must finish after its
   * parent was canceled; give it a deadline, so that it cannot hang for ever.
   */
  readonly shield?: boolean | undefined;
  /** An absolute deadline, on `clock`'s time base: when it passes, the op is canceled with a deadline reason. */
  readonly deadline?: number | undefined;
  /** A deadline relative to now, in milliseconds (not with `deadline`). */
  readonly timeoutMs?: number | undefined;
  /** The clock of the deadline; default `systemClock`. */
  readonly clock?: Clock | undefined;
}

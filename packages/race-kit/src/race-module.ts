import type { AsyncOp } from 'async-op';

/**
 * The shape of a module the kit can race: a start function that returns an AsyncOp reference and calls back exactly
 * once, and a close() that resolves once every operation has called back. Declared structurally: any object of this
 * shape works (yours, or one of the async-op samples); nothing needs to extend or import a class.
 *
 * @typeParam Request - what start() takes.
 * @typeParam Outcome - what the callback receives (one argument).
 *
 * @remarks
 * The contract the kit checks (each rule is one invariant): start() returns the caller's reference, and then the
 * callback runs exactly once, possibly before start() returns, inside cancel() or inside close(); a start() that
 * throws calls back never and leaves nothing behind; after close() resolves, every operation started before it has
 * called back. `open`, `state`, `pendingCount` and `name` are optional: with `open` and `state` the race reopens a
 * closed module and goes on; `name` labels the report.
 */
export interface RaceModule<Request = never, Outcome = unknown> {
  /** Starts one operation: returns the caller's reference, or throws (then it never calls back). */
  start(request: Request, callback: (outcome: Outcome) => void): AsyncOp<unknown>;
  /** Refuses new starts; resolves once every operation started before it called back. */
  close(): Promise<void>;
  /** Opens the module again after a close (optional: without it the race does not reopen). */
  open?(): void;
  /** `closed` once a close resolved (optional: with `open`, the race reopens a closed module). */
  readonly state?: string;
  /** The operations not finished yet (optional: checked when a close resolves). */
  readonly pendingCount?: number;
  /** A name for the report (optional: `module`). */
  readonly name?: string;
}

/**
 * A module with a sweep that cancels every pending operation (the HL cancel-all shape).
 *
 * @remarks The kit checks that after cancelAll() returns, no operation of the module is still pending uncanceled.
 */
export interface SweepingModule<Request = never, Outcome = unknown> extends RaceModule<Request, Outcome> {
  /** Cancels every pending operation; returns how many cancels won. */
  cancelAll(reason?: unknown): number;
}

/**
 * Whether `module` has a `cancelAll` method.
 *
 * @param module - any race module.
 * @returns true when it can be swept.
 */
export function isSweeping<Request, Outcome>(
  module: RaceModule<Request, Outcome>,
): module is SweepingModule<Request, Outcome> {
  return typeof (module as { cancelAll?: unknown }).cancelAll === 'function';
}

/**
 * The status of an outcome, for reports and for the stray-files check: `outcome.status` when it is a string (the
 * samples' `Result`), `error` for an Error, else `ok`.
 *
 * @param outcome - what a callback received.
 * @returns the status, a string.
 */
export function statusOf(outcome: unknown): string {
  if (outcome instanceof Error) return 'error';
  const status = (outcome as { status?: unknown } | null | undefined)?.status;
  return typeof status === 'string' ? status : 'ok';
}

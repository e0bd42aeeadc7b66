import type { ActionSettlementOutcome } from './action-settlement.js';

/**
 * The names of the `node:diagnostics_channel` channels on which every AsyncFileManager publishes the lifecycle of its
 * actions, in the order an action goes through them. Subscribe with `diagnostics_channel.subscribe(name, handler)`;
 * each message is a {@link FileActionEvent}.
 *
 * @remarks
 * - `queued`: the action was enqueued (inside the action method, before it returns the caller's reference).
 * - `started`: it took a worker slot and its engine call is about to be issued (inside the action method when a slot
 *   is free, else when an earlier action finished).
 * - `completed`: it ended without being canceled, with its outcome: `error` is the error code of a failure, and
 *   `transferredBytes` the bytes read or written. Published just before its callback runs (an abort's close, which
 *   has no callback, publishes it too). Never published for a canceled action.
 * - `canceled`: a cancel won, before its callback could run (inside cancel(), before it returns). The engine call
 *   may still be executing: `settled` says when it is over.
 * - `undone`: the success of a canceled action was undone (an opened or duplicated file closed, a created hard link
 *   or new file removed), before `settled`.
 * - `settled`: a canceled action is over: the engine is done with it (and the undo, if any, ran); `outcome` says what
 *   became of it, as {@link ManagerActionOptions.onSettledAfterCancel} is told. Every canceled action publishes it
 *   once, so every action ends with exactly one `completed` or one `settled`.
 *
 * Timing: every message is published synchronously, from inside the manager, at the moment the step happens (the
 * same points as the manager's `trace` option, see {@link FileTraceEvent}). A subscriber that throws does not reach
 * the manager: Node catches it, runs the other subscribers, and reports the error as an `'uncaughtException'` on the
 * next tick (Node 20 to 24), so an unhandled one still ends the process. A call into the manager from a subscriber
 * (enqueue, cancel, close) re-enters it in the middle of a step: defer such work with `queueMicrotask`. With nobody
 * subscribed, each point costs one `hasSubscribers` check and allocates nothing.
 */
export const AsyncFileChannels = {
  queued: 'async-op-file:action:queued',
  started: 'async-op-file:action:started',
  completed: 'async-op-file:action:completed',
  canceled: 'async-op-file:action:canceled',
  undone: 'async-op-file:action:undone',
  settled: 'async-op-file:action:settled',
} as const;

/** One message on an {@link AsyncFileChannels} channel: a snapshot of one action when the step happened. */
export interface FileActionEvent {
  /** The manager's {@link AsyncFileManager.id}: unique in the process. */
  readonly managerId: number;
  /** Increasing per manager; the same on every event of the action. */
  readonly actionId: number;
  /**
   * The action: `openExistingFile`, `createAnonymousFile`, `read`, `readInto`, `write`, `stat`, `truncate`, `sync`,
   * `duplicate`, `createHardLink`, `close`; the manager's `statPath`, `unlink`, `rename`, `writeNewFile`.
   */
  readonly action: string;
  /** The handle's id, or undefined for a manager-level action (stat(path), unlink, rename, writeNewFile). */
  readonly handleId: number | undefined;
  /** The engine's name: `node-fs`, `io_uring`, `scripted`, or what a custom engine declares. */
  readonly engine: string;
  /** The worker slot (0 .. concurrency - 1) running the action; -1 before it started (a queued action canceled). */
  readonly slot: number;
  /** The bytes asked for (read, readInto, write, writeNewFile); undefined for the other actions. */
  readonly requestedBytes: number | undefined;
  /**
   * The bytes moved, once known: on `completed` (read, readInto: bytes read; write, writeNewFile: bytes written) and on
   * `settled` (a write: the bytes its chunks wrote before it stopped, which stay; a read that ran anyway: bytes
   * read); else undefined.
   */
  readonly transferredBytes: number | undefined;
  /**
   * The error code (`ENOENT`, `ERR_FILE_ENGINE_FAILED`, ...; the error's name if it has none) on a `completed` that
   * failed and on a `settled` whose engine call failed or was stopped (`ECANCELED`); else undefined.
   */
  readonly error: string | undefined;
  /** On `settled`: `not-run`, `failed`, `succeeded` or `undone` (see {@link ActionSettlementOutcome}); else undefined. */
  readonly outcome: ActionSettlementOutcome | undefined;
}

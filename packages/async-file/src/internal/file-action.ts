import type { AsyncOp } from 'async-op';
import type { EngineError, EngineRequest, FileEngine, OpenMode } from '../file-engine.js';
import type { Scheduler } from './scheduler.js';

/** Where an action is in its life. */
export const WAITING = 0; // behind an earlier action of its handle
export const QUEUED = 1; // in the manager's FIFO, waiting for a slot
export const EXECUTING = 2; // its engine call(s) in flight, in a slot
export const DELIVERING = 3; // its callback is running
export const FINISHED = 4;

/** @internal The per-handle state the scheduler works with (AsyncFileHandle implements it). */
export interface HandleState {
  readonly id: number;
  /** The open file's descriptor; null when none is open or its close was already requested. */
  fd: number | null;
  mode: OpenMode;
  /** The one action the user may still be called back for; null after it was delivered or canceled. */
  pending: FileAction | null;
  /** Actions not finished yet, oldest first; only the first is ever queued or executing. */
  readonly actions: FileAction[];
  /** Called when `actions` became empty. */
  onIdle(): void;
}

/** The callback an action delivers to: Node-style. */
export type ActionCallback = (error: EngineError | null, result: unknown) => void;

/** What one kind of action does: its engine call(s), the effect of success, and the undo of a canceled success. */
export interface ActionStep {
  readonly kind: string;
  /** Issues the engine call(s); reports once through `done`. */
  run(action: FileAction, engine: FileEngine, done: ActionCallback): void;
  /** Applies a success to the handle and returns the value the callback receives (default: the engine's result). */
  onSuccess?(action: FileAction, result: unknown): unknown;
  /** Undoes a success that arrived after cancel (closes an opened file, removes a created link); reports once. */
  undo?(action: FileAction, result: unknown, engine: FileEngine, done: () => void): void;
}

/** The arguments of an action, by kind; unused fields stay at their defaults. */
export interface ActionArgs {
  fd: number;
  path: string;
  toPath: string;
  mode: OpenMode;
  buffer: Uint8Array | undefined;
  position: number;
  length: number;
  /** duplicate(): the new handle that receives the new descriptor. */
  target: HandleState | null;
}

/** One enqueued action: its step, arguments, place in the queues, and the callback's own AsyncOp reference. */
export class FileAction {
  phase = WAITING;
  isCanceled = false;
  slot = -1;
  /** FIFO links (the manager's queue). */
  prev: FileAction | null = null;
  next: FileAction | null = null;
  /** The callback's reference: released when the action finished, whichever way. */
  own: AsyncOp<FileAction> | null = null;
  request: EngineRequest | undefined = undefined;
  /** Bytes written so far (write repeats partial writes). */
  progress = 0;

  constructor(
    readonly scheduler: Scheduler,
    readonly id: number,
    readonly step: ActionStep,
    readonly handle: HandleState | null,
    readonly args: ActionArgs,
    readonly callback: ActionCallback | undefined,
  ) {}
}

/** Default arguments, overridden per kind. */
export function actionArgs(overrides: Partial<ActionArgs>): ActionArgs {
  return {
    fd: -1,
    path: '',
    toPath: '',
    mode: 'read',
    buffer: undefined,
    position: 0,
    length: 0,
    target: null,
    ...overrides,
  };
}

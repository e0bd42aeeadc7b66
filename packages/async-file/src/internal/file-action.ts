import type { AsyncOp } from 'async-op';
import type { ActionSettlement } from '../action-settlement.js';
import type { EngineError, FileCallback } from '../file-callback.js';
import type { EngineRequest, FileEngine, OpenMode } from '../file-engine.js';
import type { HandleRecord } from './handle-record.js';

/** Where an action is in its life. */
export const WAITING = 0; // behind an earlier action of its handle
export const QUEUED = 1; // in the manager's FIFO, waiting for a slot
export const EXECUTING = 2; // its engine call(s) in flight, in a slot
export const DELIVERING = 3; // its callback is running
export const FINISHED = 4;
export const UNDOING = 5; // reported after cancel; its undo runs

/** Where an action's `buffer` came from, which decides whether (and where) it goes back. */
export const CALLERS_BUFFER = 0; // the caller's (readInto, write), or none yet: nothing goes back
export const SLAB_BUFFER = 1; // a part of a shared slab: it lives while any view of it does
export const OWN_BUFFER = 2; // an allocation of its own (a large read, or O_DIRECT without an allocator)
export const ALLOCATOR_BUFFER = 3; // the `readBuffers` allocator's: back to it unless the user receives it
export const ALIGNED_BUFFER = 4; // O_DIRECT beside an allocator: tracked, so that releaseBuffer() does not give it back
export type BufferOrigin =
  typeof CALLERS_BUFFER | typeof SLAB_BUFFER | typeof OWN_BUFFER | typeof ALLOCATOR_BUFFER | typeof ALIGNED_BUFFER;

/** The state of the handle an action belongs to (see HandleRecord). */
export type ActionHandle = HandleRecord<FileAction>;

/** Where a read's memory comes from (the scheduler's ReadBufferSource). */
export interface ReadBuffers {
  /** Sets `action.buffer` for a read without one; returns the error to fail the read with, if it cannot. */
  reserve(action: FileAction): Error | undefined;
  /** The bytes a successful read filled, as its callback receives them. */
  resultOf(action: FileAction, bytesRead: number): Buffer;
}

/** What a step works with: given by the scheduler that runs it, never reached through the action. */
export interface StepServices {
  readonly engine: FileEngine;
  readonly buffers: ReadBuffers;
  /** Records an outcome the step already has (no engine call) for delivery on a later turn, as completions come. */
  completeLater(action: FileAction, error: EngineError | Error | null, result: unknown): void;
}

/** Cancels an action: what every action's AsyncOp runs when cancel wins (the scheduler). */
export interface ActionCanceler {
  cancel(action: FileAction): void;
}

/**
 * What one kind of action does: its engine call(s), the effect of success, and the undo of a canceled success. Made
 * by {@link defineStep}, so that every step has every field.
 */
export interface ActionStep {
  readonly kind: string;
  /** Its fast path is a write: it uses the writes' half of a handle's cache-probe back-off (else the reads'). */
  readonly isWrite: boolean;
  /** A close: it runs even when canceled (it frees a descriptor); cancel only drops its callback. */
  readonly alwaysRuns: boolean;
  /** It moves `length` bytes (read, readInto, write, writeNewFile): lifecycle events report requested and transferred. */
  readonly transfersBytes: boolean;
  /** Issues the engine call(s); reports once through `done`. */
  readonly run: (action: FileAction, services: StepServices, done: FileCallback<unknown>) => void;
  /**
   * Sees each successful engine result before the action is done with it: returns 'pending' after issuing a further
   * call through `done` (a write's next chunk), an error to fail the action, or undefined to finish it.
   */
  readonly proceed:
    | ((
        action: FileAction,
        services: StepServices,
        done: FileCallback<unknown>,
        result: unknown,
      ) => 'pending' | EngineError | undefined)
    | undefined;
  /** Applies a success to the handle and returns the value the callback receives (undefined: the engine's result). */
  readonly onSuccess: ((action: FileAction, services: StepServices, result: unknown) => unknown) | undefined;
  /**
   * The fast path: does the work at once, on the calling thread, and returns the result the engine call would have
   * reported (or throws its error); returns WOULD_BLOCK to take the asynchronous way (`run`) instead.
   */
  readonly runNow: ((action: FileAction, services: StepServices, noWait: boolean) => unknown) | undefined;
  /** Undoes a success that arrived after cancel (closes an opened file, removes a created link); reports once. */
  readonly undo: ((action: FileAction, result: unknown, engine: FileEngine, done: () => void) => void) | undefined;
}

/** A step as written: `kind` and `run`, and only the other parts it has. */
export type StepParts = Pick<ActionStep, 'kind' | 'run'> & Partial<Omit<ActionStep, 'kind' | 'run'>>;

/**
 * Makes a step with every field of ActionStep, in one order, undefined where it has none.
 *
 * @remarks All steps then share one hidden class. With a shape per kind of step (a read's, a write's, an open's, a
 * close's, ...) a manager that runs every kind of action showed the scheduler more than four shapes, and V8 turned its
 * loads of `step.run`, `step.proceed` and `step.onSuccess` megamorphic (`--log-ic`), which made every action slower
 * (bench/journal/async-file.md has the figures).
 */
export function defineStep(parts: StepParts): ActionStep {
  return {
    kind: parts.kind,
    isWrite: parts.isWrite ?? false,
    alwaysRuns: parts.alwaysRuns ?? false,
    transfersBytes: parts.transfersBytes ?? false,
    run: parts.run,
    proceed: parts.proceed,
    onSuccess: parts.onSuccess,
    runNow: parts.runNow,
    undo: parts.undo,
  };
}

/**
 * One enqueued action: its step, arguments, place in the queues, and the callback's own AsyncOp reference.
 *
 * @remarks Arguments are plain fields set right after construction (fields the kind does not use keep their
 * defaults): an argument object built with a spread would give every action a new hidden class.
 */
export class FileAction {
  phase = WAITING;
  isCanceled = false;
  slot = -1;
  /** FIFO links (the manager's queue). */
  prev: FileAction | null = null;
  next: FileAction | null = null;
  /** The next action of the same handle, waiting for this one to finish (HandleRecord.firstAction). */
  behind: FileAction | null = null;
  /** The callback's reference: released when the action finished, whichever way. */
  own: AsyncOp<FileAction> | null = null;
  request: EngineRequest | undefined = undefined;
  /**
   * How many reports the engine made for this action so far: a throw that follows a report (a callback's, through a
   * synchronous engine) is not the engine's failure.
   */
  reports = 0;
  /** Try the step's `runNow` (the fast path of `syncThresholdBytes`) when it starts, before an engine call. */
  fast = false;
  /** Where `buffer` came from (ReadBufferSource decides, and takes it back). */
  bufferOrigin: BufferOrigin = CALLERS_BUFFER;
  /** Bytes written so far (write repeats partial writes). */
  progress = 0;
  // arguments
  fd = -1;
  path = '';
  toPath = '';
  mode: OpenMode = 'read';
  /** openExistingFile(): with O_DIRECT. */
  direct = false;
  buffer: Uint8Array | undefined = undefined;
  /** read(): where in `buffer` the bytes go (reads share slabs). */
  bufferOffset = 0;
  position = 0;
  length = 0;
  /** duplicate(): the new handle's record, which receives the new descriptor. */
  target: ActionHandle | null = null;
  /** Told what became of the action if it is canceled before its callback (ManagerActionOptions). */
  onSettled: ((settlement: ActionSettlement) => void) | undefined = undefined;

  constructor(
    /** Who cancels it (its scheduler): what the action's AsyncOp calls when cancel wins. */
    readonly canceler: ActionCanceler,
    readonly id: number,
    readonly step: ActionStep,
    readonly handle: ActionHandle | null,
    readonly callback: FileCallback<unknown> | undefined,
  ) {}
}

/**
 * @internal One FileAction alive for as long as this module: a full GC that finds no action alive (the manager idle)
 * would free the class's hidden classes, and with them the optimized code of the scheduler's whole path (see
 * HIDDEN_CLASS_KEEPERS in async-op; bench/probes/gc-rewarm.js measures what it saves).
 */
export const HIDDEN_CLASS_KEEPER: FileAction = new FileAction(
  null as unknown as ActionCanceler,
  0,
  defineStep({ kind: 'none', run: () => undefined }),
  null,
  undefined,
);

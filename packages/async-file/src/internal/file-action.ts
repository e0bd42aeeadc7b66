import type { AsyncOp } from 'async-op';
import type { ActionSettlement } from '../action-settlement.js';
import type { DirectIoAlignment, EngineError, EngineRequest, FileEngine, OpenMode } from '../file-engine.js';
import type { Scheduler } from './scheduler.js';

/** Where an action is in its life. */
export const WAITING = 0; // behind an earlier action of its handle
export const QUEUED = 1; // in the manager's FIFO, waiting for a slot
export const EXECUTING = 2; // its engine call(s) in flight, in a slot
export const DELIVERING = 3; // its callback is running
export const FINISHED = 4;
export const UNDOING = 5; // reported after cancel; its undo runs

/** @internal The per-handle state the scheduler works with (AsyncFileHandle implements it). */
export interface HandleState {
  readonly id: number;
  /** The open file's descriptor; null when none is open or its close was already requested. */
  fd: number | null;
  mode: OpenMode;
  /** What direct I/O on the open file requires; null unless it was opened with O_DIRECT. */
  alignment: DirectIoAlignment | null;
  /**
   * The cache probe's back-off, null until a probe was first declined (most handles never need one), then
   * [skips of reads, skips of writes, back-off of reads, back-off of writes]: after a declined probe, this many next
   * calls of that kind skip it and go the asynchronous way at once (the skips), a number that doubles with every
   * further decline up to a bound and drops to 0 at the first probe that succeeds (the back-off).
   */
  probeBackoff: [number, number, number, number] | null;
  /** The one action the user may still be called back for; null after it was delivered or canceled. */
  pending: FileAction | null;
  /**
   * The actions not finished yet, oldest first, as a list linked through FileAction.behind (no array per handle: the
   * small-file workload creates a handle per file); only the first is ever queued or executing. Null when none.
   */
  firstAction: FileAction | null;
  lastAction: FileAction | null;
  /** Called when the handle's last action finished (firstAction became null). */
  onIdle(): void;
}

/** The callback an action delivers to: Node-style. */
export type ActionCallback = (error: EngineError | null, result: unknown) => void;

/**
 * What one kind of action does: its engine call(s), the effect of success, and the undo of a canceled success. Made
 * by {@link defineStep}, so that every step has every field.
 */
export interface ActionStep {
  readonly kind: string;
  /** Which half of a handle's cache-probe back-off its fast path uses: 0 for reads, 1 for writes. */
  readonly probeSlot: 0 | 1;
  /** A close: it runs even when canceled (it frees a descriptor); cancel only drops its callback. */
  readonly alwaysRuns: boolean;
  /** Issues the engine call(s); reports once through `done`. */
  readonly run: (action: FileAction, engine: FileEngine, done: ActionCallback) => void;
  /**
   * Sees each successful engine result before the action is done with it: returns 'pending' after issuing a further
   * call through `done` (a write's next chunk), an error to fail the action, or undefined to finish it.
   */
  readonly proceed:
    | ((
        action: FileAction,
        engine: FileEngine,
        done: ActionCallback,
        result: unknown,
      ) => 'pending' | EngineError | undefined)
    | undefined;
  /** Applies a success to the handle and returns the value the callback receives (undefined: the engine's result). */
  readonly onSuccess: ((action: FileAction, result: unknown) => unknown) | undefined;
  /**
   * The fast path: does the work at once, on the calling thread, and returns the result the engine call would have
   * reported (or throws its error); returns WOULD_BLOCK to take the asynchronous way (`run`) instead.
   */
  readonly runNow: ((action: FileAction, engine: FileEngine, noWait: boolean) => unknown) | undefined;
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
 * loads of `step.run`, `step.proceed` and `step.onSuccess` megamorphic (`--log-ic`). Measured on a stub engine whose
 * read does no I/O, after a mix of every kind of action through the same manager: the manager's own work per readInto
 * went from about 133 to 110 ns (medians of 4 processes each); in a manager that only ever reads, it stayed at about
 * 125 ns.
 */
export function defineStep(parts: StepParts): ActionStep {
  return {
    kind: parts.kind,
    probeSlot: parts.probeSlot ?? 0,
    alwaysRuns: parts.alwaysRuns ?? false,
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
 * defaults): an argument object built with a spread costs ~1 us per action on Node 20 (a new hidden class each time).
 */
export class FileAction {
  phase = WAITING;
  isCanceled = false;
  slot = -1;
  /** FIFO links (the manager's queue). */
  prev: FileAction | null = null;
  next: FileAction | null = null;
  /** The next action of the same handle, waiting for this one to finish (HandleState.firstAction). */
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
  /** `buffer` came from the manager's allocator: it goes back there unless the user receives it. */
  pooled = false;
  /** `buffer` is an O_DIRECT read's, tracked as not the allocator's (Scheduler.trackUnpooled). */
  unpooled = false;
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
  /** duplicate(): the new handle that receives the new descriptor. */
  target: HandleState | null = null;
  /** Told what became of the action if it is canceled before its callback (ManagerActionOptions). */
  onSettled: ((settlement: ActionSettlement) => void) | undefined = undefined;

  constructor(
    readonly scheduler: Scheduler,
    readonly id: number,
    readonly step: ActionStep,
    readonly handle: HandleState | null,
    readonly callback: ActionCallback | undefined,
  ) {}
}

/**
 * @internal One FileAction alive for as long as this module: a full GC that finds no action alive (the manager idle)
 * would free the class's hidden classes, and with them the optimized code of the scheduler's whole path (see
 * HIDDEN_CLASS_KEEPERS in async-op). Measured with bench/probes/gc-rewarm.js, without and with both keepers: the
 * manager's own work per read went from 452 to 231 ns warm, and from 621 to 247 ns right after a `gc()`.
 */
export const HIDDEN_CLASS_KEEPER: FileAction = new FileAction(
  null as unknown as Scheduler,
  0,
  defineStep({ kind: 'none', run: () => undefined }),
  null,
  undefined,
);

// #region module
import path from 'node:path';
import { AsyncOp, describeValue, type Clock } from 'async-op';
import {
  CancellableModuleBase,
  deliverResult,
  expectBytes,
  expectCallback,
  expectChunkSize,
  expectClock,
  expectLowerModule,
  expectPath,
  expectTimeoutMs,
  followUpper,
  operationLabel,
  parentReasonOf,
  releaseLower,
  type CancellableModule,
  type FileJobRequest,
  type FileJobValue,
  type Result,
  type StartCallback,
} from 'async-op-module-kit';

/** An atomic save: after an `ok`, `path` holds `data` entirely; otherwise it is untouched (old content or absent). */
export interface AtomicSaveRequest {
  readonly path: string;
  readonly data: Uint8Array;
  /** The write chunk, passed to the LL `write-file`. */
  readonly chunkSize?: number;
}

/** What {@link AtomicSaveModule} takes. */
export interface AtomicSaveModuleOptions {
  /** Any LL module (real or fake cancel). Not owned: open it first, close it last. */
  readonly lower: CancellableModule<FileJobRequest, FileJobValue>;
  /**
   * The deadline of the temporary file's removal after a cancel or a failure, in ms; default `Infinity` (none: the
   * removal waits for the LL's unlink, one system call). The removal is shielded from the chain's own cancel; this
   * deadline is what bounds it. When it passes, the unlink is canceled (still queued, it never runs) and the chain
   * reports its outcome, the temporary file possibly left behind.
   */
  readonly cleanupTimeoutMs?: number | undefined;
  /** The clock of that deadline; default `systemClock` (real time). */
  readonly clock?: Clock | undefined;
}

type Step = 'write' | 'sync' | 'rename' | 'remove-temporary';

interface ChainContext {
  /** Advanced by EVERY step callback, first thing: a step whose start returns after its callback ran sees it moved. */
  epoch: number;
  step: Step;
  /** The current step's lower op, once its start returned and until its callback. */
  lower: AsyncOp<unknown> | null;
  /** Whether that op follows its parent (the chain's op, or the cleanup's); else the cancel implementation passes it on. */
  isFollowing: boolean;
  /** The shielded op of the temporary file's removal, while it runs: the removal's lower op follows it. */
  cleanup: AsyncOp<ChainContext> | null;
  /** Whether the temporary file may exist (write-file reported ok), so a failure or cancel must remove it. */
  hasTemporary: boolean;
  readonly own: AsyncOp<ChainContext>;
  readonly temporaryPath: string;
  readonly request: AtomicSaveRequest;
  readonly callback: StartCallback<FileJobValue>;
  /** What to report once the temporary file is removed. */
  outcome: Result<FileJobValue> | null;
}

let temporaryCounter = 0;

/**
 * ML chain: the atomic save, as three LL steps: `write-file` of a temporary file next to the target, `sync-file` of
 * it, `rename` of it over the target.
 *
 * @remarks
 * Each step's op follows the chain's op, so a cancel (or a deadline the caller set) reaches the step in flight with
 * a reason of kind `parent`; once the chain observes it (in the step's callback), it starts no further step, removes
 * the temporary file if it was written (an `unlink` through the LL module) and reports `canceled` with its own
 * reason. A failure does the same and reports `error`. The removal runs in a shielded op of its own (label
 * `ml-chain remove <file>`): the chain's op is canceled by then, and a step that followed it would be canceled at
 * once; the shield keeps the chain's cancel out, and the removal's own deadline (`cleanupTimeoutMs`, if given)
 * bounds it. A cancel that reaches `rename` while the system call executes cannot stop it: the target may then hold
 * the new data though the result is `canceled` (never a partial file).
 * Over fake cancel, the write step's canceled callback comes at once and the LL's cleanup removes what the write
 * created.
 *
 * The chain keeps the current step's op in `lower` and an `epoch` that every step callback advances: a step that
 * completes before its start returns (synchronous LL) has already started the next step and stored ITS op, so the
 * returning start must not store its own finished op over it (defect (a) of the C original).
 */
export class AtomicSaveModule extends CancellableModuleBase<AtomicSaveRequest, FileJobValue> {
  private readonly lower: CancellableModule<FileJobRequest, FileJobValue>;
  private readonly cleanupTimeoutMs: number;
  private readonly clock: Clock;

  /**
   * @throws TypeError if `options.lower` is not a module or `options.clock` not a Clock; TypeError/RangeError for a
   *   `cleanupTimeoutMs` that is not a number >= 0.
   */
  constructor(options: AtomicSaveModuleOptions) {
    super('ml-chain');
    expectLowerModule(options);
    this.lower = options.lower;
    const { cleanupTimeoutMs } = options;
    this.cleanupTimeoutMs = expectTimeoutMs(
      'options.cleanupTimeoutMs',
      cleanupTimeoutMs === undefined ? Infinity : cleanupTimeoutMs,
    );
    this.clock = expectClock('options.clock', options.clock);
  }

  /**
   * Saves `request.data` to `request.path` atomically. See {@link CancellableModuleBase.start} for the contract.
   *
   * @returns the caller's reference; the value of `ok` is the byte count written.
   * @throws TypeError for a bad request; ModuleClosedError; what the LL start() of the first step throws.
   */
  // #region start
  start(saveRequest: AtomicSaveRequest, callback: StartCallback<FileJobValue>): AsyncOp<unknown> {
    // 1. validate (a copy, each field read once: the steps must see the values checked) and check the module is
    //    open: throwing here leaves nothing behind
    const request = readSaveRequest(saveRequest);
    expectCallback(callback);
    this.lifecycle.admit();
    // 2. create the op and take the callback's reference BEFORE the first step: it may complete before we return
    const temporaryPath = path.join(
      path.dirname(request.path),
      `.${path.basename(request.path)}.${process.pid}.${++temporaryCounter}.tmp`,
    );
    const context = {
      epoch: 0,
      step: 'write',
      lower: null,
      isFollowing: false,
      cleanup: null,
      hasTemporary: false,
      own: null,
      temporaryPath,
      request,
      callback,
      outcome: null,
    } as unknown as ChainContext & { own: AsyncOp<ChainContext> };
    const label = operationLabel(this.name, { kind: 'save', path: request.path });
    const op = AsyncOp.create<ChainContext>({ context, cancel: cancelStep, label });
    (context as { own: AsyncOp<ChainContext> }).own = op.ref('callback');
    this.lifecycle.begin();
    try {
      // 3. start the first step (which stores its op, see startStep)
      this.startStep(context, 'write', {
        kind: 'write-file',
        path: temporaryPath,
        data: request.data,
        ...(request.chunkSize === undefined ? {} : { chunkSize: request.chunkSize }),
      });
    } catch (error) {
      // the first step refused: no callback will come; give back what 2 took
      context.own.complete();
      context.own.release();
      op.release();
      this.lifecycle.end();
      throw error;
    }
    return op;
  }
  // #endregion

  /** Starts one step; throws what the LL start throws. */
  // #region start-step
  private startStep(context: ChainContext, step: Step, request: FileJobRequest): void {
    context.step = step;
    // 4. remember the epoch BEFORE starting: the step's callback (maybe before start returns) advances it
    const epoch = context.epoch;
    const parent = parentOf(context);
    const lowerOp = this.lower.start(request, (result) => this.onStep(context, result));
    // 5. store the op only if this step is still the current one. If the epoch moved, the step already completed
    //    and its callback may have started (and stored) the NEXT step's op: storing ours would overwrite it with a
    //    finished op, and a later cancel would miss the running step. A finished op is just released.
    if (context.epoch !== epoch) return releaseLower(lowerOp, parent);
    context.lower = lowerOp;
    // the step follows the chain's op (the removal: its shielded cleanup op), so a cancel reaches it with kind
    // `parent`; a cancel that came while the lower start ran found no op to pass to: following reaches it now
    context.isFollowing = followUpper(lowerOp, parent);
    if (!context.isFollowing && parent.isCanceled) lowerOp.cancel(parentReasonOf(parent));
  }
  // #endregion

  /** Every step's callback. */
  // #region on-step
  private onStep(context: ChainContext, result: Result<FileJobValue>): void {
    // 6. advance the epoch first, then drop the finished step's op (null if its start has not returned yet)
    context.epoch++;
    const finished = context.lower;
    context.lower = null;
    if (finished !== null) releaseLower(finished, parentOf(context));
    const { own, step } = context;
    if (step === 'remove-temporary') return this.endCleanup(context);
    if (step === 'write' && result.status === 'ok') context.hasTemporary = true;
    if (step === 'rename' && result.status === 'ok') context.hasTemporary = false;
    // 7. a cancel observed here stops the chain: no further step starts, whatever this step reported
    if (own.isCanceled && !(step === 'rename' && result.status === 'ok')) {
      return this.finish(context, { status: 'canceled', error: own.reason });
    }
    if (result.status !== 'ok') {
      return this.finish(context, result.status === 'canceled' ? result : { status: 'error', error: result.error });
    }
    // 8. next step (or done); a step that refuses to start ends the chain with its error
    try {
      if (step === 'write') return this.startStep(context, 'sync', { kind: 'sync-file', path: context.temporaryPath });
      if (step === 'sync') {
        return this.startStep(context, 'rename', {
          kind: 'rename',
          from: context.temporaryPath,
          to: context.request.path,
        });
      }
    } catch (error) {
      return this.finish(context, { status: 'error', error });
    }
    this.deliver(context, { status: 'ok', value: { bytes: context.request.data.length } });
  }
  // #endregion

  /** Ends the chain with `outcome`, removing the temporary file first if it may exist. */
  // #region finish
  private finish(context: ChainContext, outcome: Result<FileJobValue>): void {
    if (!context.hasTemporary) return this.deliver(context, outcome);
    // 9. undo: remove the temporary file in a SHIELDED op. The chain's op is canceled (or failing, and may be
    //    canceled any moment): a step following it would be canceled at once, and the file would stay. The shield
    //    records the chain's op as parent (for the diagnostics tree) without taking its cancel; the removal's own
    //    deadline bounds it instead, so a stuck unlink cannot hold the chain for ever
    context.outcome = outcome;
    context.hasTemporary = false;
    const cleanup = AsyncOp.create<ChainContext>({
      context,
      cancel: cancelStep,
      label: `${this.name} remove ${path.basename(context.temporaryPath)}`,
      shield: true,
      timeoutMs: this.cleanupTimeoutMs,
      clock: this.clock,
    });
    cleanup.follow(context.own);
    context.cleanup = cleanup;
    try {
      this.startStep(context, 'remove-temporary', { kind: 'unlink', path: context.temporaryPath });
    } catch {
      // the LL refused (closed under us): the temporary file stays; report the outcome anyway
      this.endCleanup(context);
    }
  }

  /** The removal ended (or could not start): end its shielded op, then report the chain's outcome. */
  private endCleanup(context: ChainContext): void {
    const cleanup = context.cleanup as AsyncOp<ChainContext>;
    context.cleanup = null;
    cleanup.complete();
    cleanup.release();
    this.deliver(context, context.outcome as Result<FileJobValue>);
  }
  // #endregion

  private deliver(context: ChainContext, result: Result<FileJobValue>): void {
    // 10. complete() is the exactly-once guard; release the callback's reference, call back, count out
    if (!context.own.complete()) return;
    context.own.release();
    // what the callback throws is raised uncaught: it must not reach the lower module's delivery (or the first
    // step's start, whose catch would release and count out a second time)
    deliverResult(context.callback, result, this.lifecycle);
  }
}

/** The op a step follows: the chain's, or for the removal of the temporary file its shielded cleanup op. */
function parentOf(context: ChainContext): AsyncOp<ChainContext> {
  return context.cleanup ?? context.own;
}

/**
 * The cancel implementation of the chain's op and of the cleanup op: the step in flight follows the op, so the link
 * cancels it (kind `parent`); only a step whose op could not follow gets the cancel from here. The chain observes the
 * cancel in that step's callback.
 */
function cancelStep(context: ChainContext): void {
  // never the removal of the temporary file from the chain's cancel: it is the undo (only its own deadline stops it)
  const isCleanupCanceled = context.cleanup?.isCanceled === true;
  if (context.step === 'remove-temporary' && !isCleanupCanceled) return;
  if (!context.isFollowing) context.lower?.cancel(parentReasonOf(parentOf(context)));
}

/**
 * Checks a save request and returns a copy of it, each field read once.
 *
 * @throws TypeError/RangeError naming the field and the value: a path that names no file (ending in `/`, `.` or
 *   `..`) is refused, since the temporary file goes next to the target, in its directory.
 */
function readSaveRequest(request: unknown): AtomicSaveRequest {
  if (typeof request !== 'object' || request === null) {
    throw new TypeError(`Expected \`request\` to be an object, got ${describeValue(request)}`);
  }
  const r = request as Record<string, unknown>;
  const target = expectPath('request.path', r['path']);
  const name = path.basename(target);
  if (target.endsWith('/') || name === '' || name === '.' || name === '..') {
    throw new TypeError(`Expected \`request.path\` to name a file, got ${describeValue(target)}`);
  }
  const data = expectBytes('request.data', r['data']);
  const chunkSize = expectChunkSize('request.chunkSize', r['chunkSize']);
  return chunkSize === undefined ? { path: target, data } : { path: target, data, chunkSize };
}
// #endregion

// #region module
import path from 'node:path';
import { AsyncOp, describeValue } from 'async-op';
import {
  CancellableModuleBase,
  expectBytes,
  expectCallback,
  expectChunkSize,
  expectLowerModule,
  expectPath,
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
}

type Step = 'write' | 'sync' | 'rename' | 'remove-temporary';

interface ChainContext {
  /** Advanced by EVERY step callback, first thing: a step whose start returns after its callback ran sees it moved. */
  epoch: number;
  step: Step;
  /** The current step's lower op, once its start returned and until its callback. */
  lower: AsyncOp<unknown> | null;
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
 * Cancel is passed to the step in flight; once the chain observes it (in the step's callback), it starts no further
 * step, removes the temporary file if it was written (an `unlink` through the LL module) and reports `canceled`.
 * A failure does the same and reports `error`. A cancel that reaches `rename` while the system call executes
 * cannot stop it: the target may then hold the new data though the result is `canceled` (never a partial file).
 * Over fake cancel, the write step's canceled callback comes at once and the LL's cleanup removes what the write
 * created.
 *
 * The chain keeps the current step's op in `lower` and an `epoch` that every step callback advances: a step that
 * completes before its start returns (synchronous LL) has already started the next step and stored ITS op, so the
 * returning start must not store its own finished op over it (defect (a) of the C original).
 */
export class AtomicSaveModule extends CancellableModuleBase<AtomicSaveRequest, FileJobValue> {
  private readonly lower: CancellableModule<FileJobRequest, FileJobValue>;

  /** @throws TypeError if `options.lower` is not a module. */
  constructor(options: AtomicSaveModuleOptions) {
    super('ml-chain');
    expectLowerModule(options);
    this.lower = options.lower;
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
      hasTemporary: false,
      own: null,
      temporaryPath,
      request,
      callback,
      outcome: null,
    } as unknown as ChainContext & { own: AsyncOp<ChainContext> };
    const op = AsyncOp.create<ChainContext>({ context, cancel: cancelStep });
    (context as { own: AsyncOp<ChainContext> }).own = op.ref();
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
    const lowerOp = this.lower.start(request, (result) => this.onStep(context, result));
    // 5. store the op only if this step is still the current one. If the epoch moved, the step already completed
    //    and its callback may have started (and stored) the NEXT step's op: storing ours would overwrite it with a
    //    finished op, and a later cancel would miss the running step. A finished op is just released.
    if (context.epoch !== epoch) return lowerOp.release();
    context.lower = lowerOp;
    // a cancel that came while the lower start ran found no op to pass to: pass it now (never to the undo step)
    if (context.own.isCanceled && step !== 'remove-temporary') lowerOp.cancel(context.own.reason);
  }
  // #endregion

  /** Every step's callback. */
  // #region on-step
  private onStep(context: ChainContext, result: Result<FileJobValue>): void {
    // 6. advance the epoch first, then drop the finished step's op (null if its start has not returned yet)
    context.epoch++;
    context.lower?.release();
    context.lower = null;
    const { own, step } = context;
    if (step === 'remove-temporary') return this.deliver(context, context.outcome as Result<FileJobValue>);
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
  private finish(context: ChainContext, outcome: Result<FileJobValue>): void {
    if (!context.hasTemporary) return this.deliver(context, outcome);
    // 9. undo: remove the temporary file; the op is canceling or failing, so this step is not cancelable
    context.outcome = outcome;
    context.hasTemporary = false;
    try {
      this.startStep(context, 'remove-temporary', { kind: 'unlink', path: context.temporaryPath });
    } catch {
      // the LL refused (closed under us): the temporary file stays; report the outcome anyway
      this.deliver(context, outcome);
    }
  }

  private deliver(context: ChainContext, result: Result<FileJobValue>): void {
    // 10. complete() is the exactly-once guard; release the callback's reference, call back, count out
    if (!context.own.complete()) return;
    context.own.release();
    try {
      context.callback(result);
    } finally {
      this.lifecycle.end();
    }
  }
}

/** The cancel implementation: pass the cancel to the step in flight; the chain observes it in that step's callback. */
function cancelStep(context: ChainContext): void {
  // 1. never cancel the removal of the temporary file: it is the undo
  if (context.step === 'remove-temporary') return;
  context.lower?.cancel(context.own.reason);
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

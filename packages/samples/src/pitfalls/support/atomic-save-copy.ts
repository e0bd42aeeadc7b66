import path from 'node:path';
import { AsyncOp } from 'async-op';
import type {
  AtomicSaveRequest,
  CancellableModule,
  FileJobRequest,
  FileJobValue,
  Result,
  StartCallback,
} from '../../index.js';
import { ModuleCopy } from './module-copy.js';

export type Step = 'write' | 'sync' | 'rename' | 'remove-temporary';

export interface ChainContext {
  epoch: number;
  step: Step;
  lower: AsyncOp<unknown> | null;
  hasTemporary: boolean;
  own: AsyncOp<ChainContext>;
  readonly temporaryPath: string;
  readonly request: AtomicSaveRequest;
  readonly callback: StartCallback<FileJobValue>;
  outcome: Result<FileJobValue> | null;
  /** Used only by the step-counter variant (defect (a)). */
  hasStepCalledBack: boolean;
}

let temporaryCounter = 0;

/**
 * A faithful copy of ml-chain.ts (the atomic save: write a temporary file, sync it, rename it over the target), its
 * numbered steps as protected methods that a pitfall variant overrides to make its one mistake.
 */
export class AtomicSaveCopy extends ModuleCopy<AtomicSaveRequest> {
  constructor(protected readonly lower: CancellableModule<FileJobRequest, FileJobValue>) {
    super('ml-chain');
  }

  start(request: AtomicSaveRequest, callback: StartCallback<FileJobValue>): AsyncOp<unknown> {
    // 1. check the module is open
    this.lifecycle.admit();
    // 2. create the op and take the callback's reference BEFORE the first step
    const temporaryPath = path.join(
      path.dirname(request.path),
      `.${path.basename(request.path)}.${++temporaryCounter}.tmp`,
    );
    const context = {
      epoch: 0,
      step: 'write',
      lower: null,
      hasTemporary: false,
      temporaryPath,
      request,
      callback,
      outcome: null,
      hasStepCalledBack: false,
    } as unknown as ChainContext;
    const op = AsyncOp.create<ChainContext>({ context, cancel: (ctx) => this.cancelStep(ctx) });
    context.own = op.ref();
    this.lifecycle.begin();
    try {
      // 3. start the first step
      this.startStep(context, 'write', {
        kind: 'write-file',
        path: temporaryPath,
        data: request.data,
        ...(request.chunkSize === undefined ? {} : { chunkSize: request.chunkSize }),
      });
    } catch (error) {
      this.abandonStart(context.own, op);
      throw error;
    }
    return op;
  }

  /** Steps 4-5: start one step and store its op only if the epoch did not move. */
  protected startStep(context: ChainContext, step: Step, request: FileJobRequest): void {
    context.step = step;
    // 4. remember the epoch BEFORE starting
    const epoch = context.epoch;
    const lowerOp = this.lower.start(request, (result) => this.onStep(context, result));
    // 5. store the op only if this step is still the current one
    if (context.epoch !== epoch) return lowerOp.release();
    context.lower = lowerOp;
    if (context.own.isCanceled && step !== 'remove-temporary') lowerOp.cancel(context.own.reason);
  }

  /** Steps 6-8: every step's callback. */
  protected onStep(context: ChainContext, result: Result<FileJobValue>): void {
    // 6. advance the epoch first, then drop the finished step's op
    context.epoch++;
    context.lower?.release();
    context.lower = null;
    const { own, step } = context;
    if (step === 'remove-temporary') return this.deliver(context, context.outcome as Result<FileJobValue>);
    if (step === 'write' && result.status === 'ok') context.hasTemporary = true;
    if (step === 'rename' && result.status === 'ok') context.hasTemporary = false;
    // 7. a cancel observed here stops the chain
    if (this.isCancelObserved(context, result)) return this.finish(context, { status: 'canceled', error: own.reason });
    if (result.status !== 'ok') {
      return this.finish(context, result.status === 'canceled' ? result : { status: 'error', error: result.error });
    }
    // 8. next step (or done)
    this.next(context, step);
  }

  /** Step 7's test. */
  protected isCancelObserved(context: ChainContext, result: Result<FileJobValue>): boolean {
    return context.own.isCanceled && !(context.step === 'rename' && result.status === 'ok');
  }

  /** Step 8: start the next step, or deliver ok after the rename. */
  protected next(context: ChainContext, step: Step): void {
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

  /** Step 9: remove the temporary file, then deliver. */
  protected finish(context: ChainContext, outcome: Result<FileJobValue>): void {
    if (!context.hasTemporary) return this.deliver(context, outcome);
    context.outcome = outcome;
    context.hasTemporary = false;
    try {
      this.startStep(context, 'remove-temporary', { kind: 'unlink', path: context.temporaryPath });
    } catch {
      this.deliver(context, outcome);
    }
  }

  /** Step 10: the exactly-once delivery. */
  protected deliver(context: ChainContext, result: Result<FileJobValue>): void {
    if (!context.own.complete()) return;
    context.own.release();
    try {
      context.callback(result);
    } finally {
      this.lifecycle.end();
    }
  }

  /** The cancel implementation: pass the cancel to the step in flight (never to the undo). */
  protected cancelStep(context: ChainContext): void {
    if (context.step === 'remove-temporary') return;
    context.lower?.cancel(context.own.reason);
  }
}

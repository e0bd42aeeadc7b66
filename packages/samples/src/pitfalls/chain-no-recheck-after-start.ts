/**
 * Pitfall: the chain does not re-check cancel after starting the next step.
 *
 * Breaks the end of step 5 of ml-chain.ts: "a cancel that came while the lower start ran found no op to pass to:
 * pass it now".
 *
 * Symptom: a cancel that arrives while a step's start is running finds no stored op and is lost: the step and the
 * rest of the chain run after the cancel. It takes an LL that runs other callbacks inside start() (the race
 * property's ReapingLowLevel delivers held completions there, and one of them cancels this operation): the sample LL
 * modules over the async-file manager never do, so over them the mistake stays latent.
 */
import type { FileJobRequest } from '../index.js';
import { AtomicSaveCopy, type ChainContext, type Step } from './support/atomic-save-copy.js';

export class ChainNoRecheckAfterStart extends AtomicSaveCopy {
  protected override startStep(context: ChainContext, step: Step, request: FileJobRequest): void {
    context.step = step;
    const epoch = context.epoch;
    const lowerOp = this.lower.start(request, (result) => this.onStep(context, result));
    if (context.epoch !== epoch) return lowerOp.release();
    context.lower = lowerOp;
    // MISTAKE: no "if (context.own.isCanceled) lowerOp.cancel(...)" here
  }
}

/**
 * Pitfall (defect (a) of the C original): the chain decides whether to store a step's op with a per-step "called
 * back" flag that the NEXT step's start resets, instead of an epoch that only ever advances.
 *
 * Breaks steps 4-5 of ml-chain.ts: "remember the epoch BEFORE starting; store the op only if this step is still the
 * current one".
 *
 * Symptom: when step 1 completes inside its start, its callback starts step 2, which resets the flag; back in step
 * 1's start the flag says "not called back", so step 1's finished op is stored over step 2's op. Step 2's reference
 * leaks, and a later cancel goes to the finished op: step 2 is never canceled and the chain goes on (sync, rename)
 * after the cancel.
 */
import type { FileJobRequest } from '../index.js';
import { AtomicSaveCopy, type ChainContext, type Step } from './support/atomic-save-copy.js';

export class ChainStepCounter extends AtomicSaveCopy {
  protected override startStep(context: ChainContext, step: Step, request: FileJobRequest): void {
    context.step = step;
    // MISTAKE: a flag per step, reset by every start, instead of an epoch remembered per start
    context.hasStepCalledBack = false;
    const lowerOp = this.lower.start(request, (result) => {
      context.hasStepCalledBack = true;
      this.onStep(context, result);
    });
    if (context.hasStepCalledBack) return lowerOp.release();
    context.lower = lowerOp;
    if (context.own.isCanceled && step !== 'remove-temporary') lowerOp.cancel(context.own.reason);
  }
}

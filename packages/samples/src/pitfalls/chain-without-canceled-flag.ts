/**
 * Pitfall: the chain does not check whether it was canceled when a step completes; it trusts the step's result.
 *
 * Breaks step 7 of ml-chain.ts: "a cancel observed here stops the chain: no further step starts, whatever this step
 * reported".
 *
 * Symptom: a cancel that reaches a step too late to stop it (real cancel of a write-file whose final close is already
 * enqueued: the step still reports `ok`) does not stop the chain: the next step (sync-file, rename) starts after the
 * cancel.
 */
import type { FileJobValue, Result } from '../index.js';
import { AtomicSaveCopy, type ChainContext } from './support/atomic-save-copy.js';

export class ChainWithoutCanceledFlag extends AtomicSaveCopy {
  protected override isCancelObserved(_context: ChainContext, _result: Result<FileJobValue>): boolean {
    // MISTAKE: the op's canceled state is never consulted; only a step reporting `canceled` stops the chain
    return false;
  }
}

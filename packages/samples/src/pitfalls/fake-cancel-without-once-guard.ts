/**
 * Pitfall: fake cancel without the once guard: the real completion delivers its result without checking that the
 * cancel already delivered `canceled`.
 *
 * Breaks step 9 of ll-fake-cancel.ts: "deliver it only if cancel did not win first" (`own.complete()` is the
 * exactly-once guard between the fake cancel and the real completion).
 *
 * Symptom: a canceled operation calls back twice: `canceled` from inside cancel(), then the job's own end when its
 * cleanup finishes.
 */
import type { AsyncOp } from 'async-op';
import type { FileJobValue, Result, StartCallback } from '../index.js';
import { FakeCancelCopy } from './support/fake-cancel-copy.js';

export class FakeCancelWithoutOnceGuard extends FakeCancelCopy {
  protected override onJobEnd(
    own: AsyncOp<unknown>,
    callback: StartCallback<FileJobValue>,
    result: Result<FileJobValue>,
  ): void {
    // MISTAKE: complete()'s answer is ignored: the result is delivered even if cancel won
    own.complete();
    own.release();
    try {
      callback(result);
    } finally {
      this.lifecycle.end();
    }
  }
}

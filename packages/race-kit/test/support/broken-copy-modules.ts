// Deliberately broken copies of the example CopyModule, one mistake each, and the invariant of the race kit that
// must catch it (module-race-property.test.ts).
import type { AsyncOp } from 'async-op';
import { CopyModule, type CopyJob, type CopyOutcome, type CopyRequest } from '../../examples/copy-module.js';

/** Delivers without the exactly-once guard: an error and a cancel that race both call back. */
export class CallsBackTwice extends CopyModule {
  protected override deliver(job: CopyJob, outcome: CopyOutcome): void {
    const isFirst = job.own !== null;
    // MISTAKE: complete()'s answer is ignored
    job.own?.complete();
    job.own?.release();
    job.own = null;
    try {
      job.callback(outcome);
    } finally {
      if (isFirst) this.countOut();
    }
  }
}

/** Its cancel stops the work and never reports. */
export class NeverCallsBackOnCancel extends CopyModule {
  protected override cancelJob(job: CopyJob): void {
    if (job.isDecided) return;
    // MISTAKE: nobody delivers `canceled` once the handles are idle
    job.input.abort();
    job.output.abort();
  }
}

/** Its cancel does nothing: the copy runs on. */
export class KeepsCopyingAfterCancel extends CopyModule {
  protected override cancelJob(): void {
    // MISTAKE: the cancel is ignored
  }
}

/** Forgets to close the input once the copy is in place. */
export class LeavesInputOpen extends CopyModule {
  protected override link(job: CopyJob): void {
    job.output
      .createHardLink(job.request.to, (error) => {
        if (error !== null) return this.fail(job, error);
        job.isDecided = true;
        // MISTAKE: only the output is closed
        job.output.close(() => this.deliver(job, { status: 'ok', bytes: job.copied })).release();
      })
      .release();
  }
}

/** Completes the callback's reference but never releases it. */
export class LeaksCallbackReference extends CopyModule {
  protected override deliver(job: CopyJob, outcome: CopyOutcome): void {
    const own = job.own;
    if (own === null || !own.complete()) return;
    // MISTAKE: job.own is dropped without release()
    job.own = null;
    try {
      job.callback(outcome);
    } finally {
      this.countOut();
    }
  }
}

/** The bug a user's chunked copy had: a cancel after the link reports `canceled`, and the linked copy stays. */
export class CanceledAfterLink extends CopyModule {
  protected override cancelJob(job: CopyJob): void {
    // MISTAKE: no "decided" check: the link exists, the closes are under way
    this.closeThenDeliver(job, { status: 'canceled', error: job.own?.reason });
  }
}

/** close() resolves at once, whatever is pending. */
export class ClosesBeforeCallbacks extends CopyModule {
  override close(): Promise<void> {
    // MISTAKE: it does not wait for the pending copies
    this.state = 'closed';
    return Promise.resolve();
  }
}

/** Refuses a start on a closed module only after it started the copy: the caller gets a throw AND a callback. */
export class RefusesAfterStarting extends CopyModule {
  override start(request: CopyRequest, callback: (outcome: CopyOutcome) => void): AsyncOp<unknown> {
    const state = this.state;
    this.state = 'open';
    const op = super.start(request, callback);
    this.state = state;
    // MISTAKE: the check comes after the work started
    if (state !== 'open') {
      op.release();
      throw new Error(`the copy module is ${state}`);
    }
    return op;
  }
}

/** Fails one of its steps where nobody can catch it (as a module raises a callback's error): an uncaught exception. */
export class ThrowsWhereNobodyCatches extends CopyModule {
  protected override link(job: CopyJob): void {
    // MISTAKE: an error thrown from a microtask of its own reaches no caller, only the process
    queueMicrotask(() => {
      throw new Error('raised where nobody can catch it');
    });
    super.link(job);
  }
}

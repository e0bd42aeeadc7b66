import type { Clock } from 'async-op';
import type { FileJobValue } from '../file-jobs/file-job-request.js';
import type { Job, JobEnd } from '../file-jobs/job.js';
import type { ScriptedOutcome } from '../file-jobs/low-level-test-settings.js';
import type { Result } from '../module-types.js';

/**
 * A job that follows a {@link ScriptedOutcome}: reports a fixed result (at once, or after a delay), hangs, or runs
 * the real job after a delay. The delays run on the settings' clock, so a test on a ManualClock never sleeps.
 */
export class ScriptedJob implements Job {
  /** The clock's handle of the pending delay, null when none is pending. */
  private timer: unknown = null;
  private inner: Job | null = null;
  private isAbandoned = false;
  private hasEnded = false;
  private reason: unknown = undefined;

  /**
   * @param outcome - what to do.
   * @param delayMs - the delay when the outcome gives a result but no delay of its own.
   * @param clock - the clock of the delay.
   * @param createReal - creates the real job (for outcomes without a result).
   */
  constructor(
    private readonly outcome: ScriptedOutcome,
    private readonly delayMs: number,
    private readonly clock: Clock,
    private readonly createReal: (onEnd: JobEnd) => Job,
    private readonly onEnd: JobEnd,
  ) {}

  get isOutcomeDecided(): boolean {
    return this.hasEnded || (this.inner?.isOutcomeDecided ?? false);
  }

  start(): void {
    const { outcome } = this;
    if (outcome.hang === true) return;
    if (outcome.result !== undefined && outcome.sync === true) return this.end(outcome.result);
    const delay = outcome.delayMs ?? (outcome.result === undefined ? 0 : this.delayMs);
    this.timer = this.clock.setTimer(() => this.expire(), delay, undefined);
  }

  abort(reason: unknown): void {
    if (this.hasEnded) return;
    if (this.inner !== null) return this.inner.abort(reason);
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    this.end({ status: 'canceled', error: reason });
  }

  withdraw(reason: unknown): void {
    if (this.hasEnded) return;
    if (this.inner !== null) return this.inner.withdraw(reason);
    // an expiry after this reports canceled, and starts no real job
    this.reason = reason;
    this.isAbandoned = true;
  }

  abandon(reason: unknown): void {
    if (this.hasEnded) return;
    if (this.inner !== null) return this.inner.abandon(reason);
    this.reason = reason;
    this.isAbandoned = true;
    // a hung call has no real completion to wait for: nothing to clean up
    if (this.timer === null) this.end({ status: 'canceled', error: reason });
  }

  private expire(): void {
    this.timer = null;
    // fake cancel: the "real completion" arrived; nothing was started, so nothing more to clean up
    if (this.isAbandoned) return this.end({ status: 'canceled', error: this.reason });
    const result = this.outcome.result;
    if (result !== undefined) return this.end(result);
    const inner = (this.inner = this.createReal((real) => this.end(real)));
    try {
      inner.start();
    } catch (error) {
      this.end({ status: 'error', error });
    }
  }

  private end(result: Result<FileJobValue>): void {
    if (this.hasEnded) return;
    this.hasEnded = true;
    this.onEnd(result);
  }
}

import type { Result } from '../module-types.js';
import type { FileJobValue } from './file-job-request.js';

/**
 * Receives a job's end, exactly once.
 *
 * @remarks Called synchronously from the job's last callback (or from start(), abort() or abandon() when the job ends
 *   there); it may re-enter anything.
 */
export type JobEnd = (result: Result<FileJobValue>) => void;

/**
 * One file job, started once, which calls its {@link JobEnd} exactly once: what a low-level module drives, with real
 * cancel (abort()) or fake cancel (withdraw() then abandon()).
 *
 * @remarks
 * abort() is real cancel: the work is stopped (the pending file action canceled, no further chunk) and the job ends
 * `canceled` once it stopped. Fake cancel calls withdraw() then abandon(): withdraw() makes the job start nothing more
 * and cancels its first action if that one has not reported yet (queued, it never runs; an executing open is undone
 * by the manager), without ending the job; abandon() lets the action in flight finish, then the job closes its file,
 * removes a name it created, drops its buffers and ends `canceled` (the module ignores that result: it reported
 * canceled already). Each is a no-op once the job's outcome is decided ({@link Job.isOutcomeDecided}).
 */
export interface Job {
  /**
   * Whether a cancel can no longer change the result: the job's work is done (for `write-file`: the name exists) and
   * only its file's close is left, or the job failed or ended. Fake cancel then reports nothing at once: the result
   * comes when the job ends, as with real cancel.
   */
  readonly isOutcomeDecided: boolean;
  /**
   * Enqueues the first action; may end the job before it returns (a synchronous engine).
   *
   * @throws what the first enqueue throws (the job then never ends: nothing started).
   */
  start(): void;
  /** Real cancel: stop the work; the job ends `canceled` once it stopped (maybe inside this call). */
  abort(reason: unknown): void;
  /** Fake cancel, first half: from now on nothing of the job starts; never ends the job. */
  withdraw(reason: unknown): void;
  /** Fake cancel, second half (after withdraw()): clean up once the action in flight finished, then end. */
  abandon(reason: unknown): void;
}

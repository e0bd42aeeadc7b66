import { describeValue } from 'async-op';
import type { FileJobValue } from './file-job-request.js';
import type { Result } from './module-types.js';

/**
 * What the next call of an LL module does instead of (or before) its real file job; consumed one per start().
 *
 * - `{ sync: true, result }`: reports `result` before start() returns.
 * - `{ result, delayMs? }`: reports `result` after `delayMs` (default: the settings' `completionDelayMs`).
 * - `{ delayMs }` (no result): runs the real job after `delayMs`.
 * - `{ hang: true }`: never completes unless canceled.
 */
export interface ScriptedOutcome {
  readonly sync?: boolean;
  readonly result?: Result<FileJobValue>;
  readonly delayMs?: number;
  readonly hang?: boolean;
}

/**
 * The test hooks of an LL module: a queue of {@link ScriptedOutcome}s, consumed one per start() call; calls with an
 * empty queue run the real file job at once.
 *
 * @remarks
 * Shared by both LL variants: with real cancel, a cancel during a delay clears the timer and reports canceled; with
 * fake cancel it reports canceled at once and the timer's expiry is the "real completion" that cleans up. Give the
 * same settings object to the module at creation and keep a reference in the test to script it.
 *
 * @example
 * ```ts
 * const settings = new LowLevelTestSettings().completeNextSynchronously().reportRetryable(2);
 * ```
 */
export class LowLevelTestSettings {
  /** The delay of outcomes that give a result without `sync` or `delayMs`. Default 0 (a setTimeout(0)). */
  completionDelayMs = 0;
  readonly #queue: ScriptedOutcome[] = [];

  /** How many outcomes are left. */
  get queuedCount(): number {
    return this.#queue.length;
  }

  /**
   * Appends outcomes, consumed one per start().
   *
   * @returns this, for chaining.
   * @throws TypeError for an outcome that is not an object or has a `canceled` result (only cancel reports that).
   */
  push(...outcomes: ScriptedOutcome[]): this {
    for (const outcome of outcomes) {
      if (typeof outcome !== 'object' || outcome === null) {
        throw new TypeError(`Expected an outcome object, got ${describeValue(outcome)}`);
      }
      if (outcome.result?.status === 'canceled') {
        throw new TypeError('A scripted outcome cannot be `canceled`: only cancel() reports that');
      }
      this.#queue.push(outcome);
    }
    return this;
  }

  /** The next call reports `result` (default: ok, 0 bytes) before start() returns. @returns this. */
  completeNextSynchronously(result: Result<FileJobValue> = { status: 'ok', value: { bytes: 0 } }): this {
    return this.push({ sync: true, result });
  }

  /** The next call never completes unless canceled. @returns this. */
  hangNext(): this {
    return this.push({ hang: true });
  }

  /** The next call runs its real job after `delayMs`. @returns this. */
  delayNext(delayMs: number): this {
    return this.push({ delayMs });
  }

  /**
   * The next `times` calls report `error-can-retry` (asynchronously, after `completionDelayMs`).
   *
   * @param error - the error to report; default an EAGAIN error.
   * @returns this.
   */
  reportRetryable(times: number, error: unknown = retryableError()): this {
    for (let i = 0; i < times; i++) this.push({ result: { status: 'error-can-retry', error } });
    return this;
  }

  /** @internal Takes the next outcome, if any. */
  take(): ScriptedOutcome | undefined {
    return this.#queue.shift();
  }
}

function retryableError(): Error {
  return Object.assign(new Error('EAGAIN: resource temporarily unavailable (scripted)'), {
    code: 'EAGAIN',
    errno: -11,
  });
}

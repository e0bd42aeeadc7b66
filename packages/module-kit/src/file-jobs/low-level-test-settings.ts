import { describeValue, type Clock } from 'async-op';
import type { Result } from '../module-types.js';
import { expectClock, expectInteger, expectObject, MAX_TIMER_DELAY_MS } from '../option-validators.js';
import type { FileJobValue } from './file-job-request.js';

/**
 * What the next start() of a low-level file module does instead of (or before) its real file job.
 *
 * - `{ sync: true, result }`: reports `result` before start() returns.
 * - `{ result, delayMs? }`: reports `result` after `delayMs` (default: the settings' `completionDelayMs`).
 * - `{ delayMs }` (no result): runs the real job after `delayMs`.
 * - `{ hang: true }`: never completes unless canceled.
 */
export interface ScriptedOutcome {
  /** Report `result` inside start(), before it returns (needs `result`). */
  readonly sync?: boolean;
  /** The result to report instead of running the real job (never `canceled`: only cancel reports that). */
  readonly result?: Result<FileJobValue>;
  /** The delay before the result, or before the real job when there is no result; 0 to 2^31-1 ms. */
  readonly delayMs?: number;
  /** Never complete unless canceled. */
  readonly hang?: boolean;
}

/** What {@link LowLevelTestSettings} takes. */
export interface LowLevelTestSettingsOptions {
  /** The clock of the scripted delays; default async-op's `systemClock`. Tests give a `ManualClock`. */
  readonly clock?: Clock | undefined;
}

/** The most outcomes a settings object holds at once: far above any test, low enough to refuse a runaway count. */
export const MAX_SCRIPTED_OUTCOMES = 1_000_000;

const STATUSES: readonly unknown[] = ['ok', 'error-can-retry', 'error'];

/** @returns a frozen copy of `outcome`, each field read once. @throws TypeError/RangeError naming the field. */
function copyOutcome(outcome: unknown): ScriptedOutcome {
  const { sync, result, delayMs, hang } = expectObject('outcome', outcome);
  for (const [name, value] of [
    ['sync', sync],
    ['hang', hang],
  ] as const) {
    if (value !== undefined && typeof value !== 'boolean') {
      throw new TypeError(`Expected \`outcome.${name}\` to be a boolean or undefined, got ${describeValue(value)}`);
    }
  }
  if (delayMs !== undefined) expectInteger('outcome.delayMs', delayMs, 0, MAX_TIMER_DELAY_MS);
  if (result !== undefined) {
    const status = expectObject('outcome.result', result)['status'];
    if (status === 'canceled') {
      throw new TypeError('A scripted outcome cannot be `canceled`: only cancel() reports that');
    }
    if (!STATUSES.includes(status)) {
      throw new TypeError(
        `Expected \`outcome.result.status\` to be 'ok', 'error-can-retry' or 'error', got ${describeValue(status)}`,
      );
    }
    const value = (result as { readonly value?: unknown }).value;
    if (status === 'ok' && (typeof value !== 'object' || value === null)) {
      throw new TypeError(`Expected an ok \`outcome.result.value\` to be an object, got ${describeValue(value)}`);
    }
  }
  if (sync === true && result === undefined) {
    throw new TypeError('Expected `outcome.result` with `sync: true`: a synchronous outcome reports a result');
  }
  const copy: { -readonly [K in keyof ScriptedOutcome]: ScriptedOutcome[K] } = {};
  if (sync !== undefined) copy.sync = sync as boolean;
  if (result !== undefined) copy.result = result as Result<FileJobValue>;
  if (delayMs !== undefined) copy.delayMs = delayMs as number;
  if (hang !== undefined) copy.hang = hang as boolean;
  return Object.freeze(copy);
}

/**
 * The test hooks of a low-level file module: a queue of {@link ScriptedOutcome}s, consumed one per start() call;
 * calls with an empty queue run the real file job at once.
 *
 * @remarks
 * Shared by both low-level variants: with real cancel, a cancel during a delay clears the timer and reports canceled;
 * with fake cancel it reports canceled at once and the timer's expiry is the "real completion" that cleans up. Give
 * the same settings object to the module at creation and keep a reference in the test to script it. Outcomes are
 * checked and copied when queued. The delays run on the settings' `clock` (real time by default): with a
 * `ManualClock`, a delayed outcome waits until the test advances it.
 *
 * @example
 * ```ts
 * const settings = new LowLevelTestSettings().completeNextSynchronously().reportRetryable(2);
 * ```
 */
export class LowLevelTestSettings {
  /** The clock the scripted delays run on. */
  readonly clock: Clock;
  #completionDelayMs = 0;
  /** The outcomes; those before `#head` were taken already (dropped in bulk, so that take() is O(1)). */
  #queue: ScriptedOutcome[] = [];
  #head = 0;

  /**
   * @param options - `clock`: what the scripted delays run on (default real time).
   * @throws TypeError for options that are not an object or a `clock` that is not a Clock.
   */
  constructor(options: LowLevelTestSettingsOptions = {}) {
    this.clock = expectClock('options.clock', expectObject('options', options)['clock']);
  }

  /**
   * The delay of outcomes that give a result without `sync` or `delayMs`, in ms. Default 0 (a timer of 0 ms on the
   * clock: a later turn, never inside start()).
   *
   * @throws (when set) TypeError/RangeError unless an integer from 0 to 2^31-1.
   */
  get completionDelayMs(): number {
    return this.#completionDelayMs;
  }

  /**
   * Sets the delay of outcomes without `sync` or `delayMs`.
   *
   * @param value - an integer from 0 to 2^31-1.
   */
  set completionDelayMs(value: number) {
    this.#completionDelayMs = expectInteger('completionDelayMs', value, 0, MAX_TIMER_DELAY_MS);
  }

  /** How many outcomes are left. */
  get queuedCount(): number {
    return this.#queue.length - this.#head;
  }

  /**
   * Appends outcomes, consumed one per start().
   *
   * @param outcomes - each checked and copied now.
   * @returns this, for chaining.
   * @throws TypeError/RangeError for an outcome that is not an object, has a `canceled` result (only cancel reports
   *   that) or a field of the wrong type or range; nothing of the call is queued then.
   */
  push(...outcomes: ScriptedOutcome[]): this {
    this.#append(outcomes.map(copyOutcome));
    return this;
  }

  /** The next call reports `result` (default: ok, 0 bytes) before start() returns. @returns this. @throws as push(). */
  completeNextSynchronously(result: Result<FileJobValue> = { status: 'ok', value: { bytes: 0 } }): this {
    return this.push({ sync: true, result });
  }

  /** The next call never completes unless canceled. @returns this. */
  hangNext(): this {
    return this.push({ hang: true });
  }

  /**
   * The next call runs its real job after `delayMs`.
   *
   * @returns this.
   * @throws TypeError/RangeError unless `delayMs` is an integer from 0 to 2^31-1.
   */
  delayNext(delayMs: number): this {
    return this.push({ delayMs });
  }

  /**
   * The next `times` calls report `error-can-retry` (asynchronously, after `completionDelayMs`).
   *
   * @param times - an integer from 0 to {@link MAX_SCRIPTED_OUTCOMES}.
   * @param error - the error to report; default an EAGAIN error.
   * @returns this.
   * @throws TypeError/RangeError for a bad `times`.
   */
  reportRetryable(times: number, error: unknown = retryableError()): this {
    expectInteger('times', times, 0, MAX_SCRIPTED_OUTCOMES);
    const outcome = copyOutcome({ result: { status: 'error-can-retry', error } });
    return this.#append(Array.from({ length: times }, () => outcome));
  }

  /** Queues checked copies; a spread of a million outcomes would overflow the stack, so one at a time. */
  #append(copies: readonly ScriptedOutcome[]): this {
    if (this.queuedCount + copies.length > MAX_SCRIPTED_OUTCOMES) {
      throw new RangeError(
        `Expected at most ${MAX_SCRIPTED_OUTCOMES} queued outcomes, got \`${this.queuedCount + copies.length}\` (number)`,
      );
    }
    for (const copy of copies) this.#queue.push(copy);
    return this;
  }

  /** @internal Takes the next outcome, if any: O(1), however many are queued. */
  take(): ScriptedOutcome | undefined {
    if (this.#head === this.#queue.length) return undefined;
    const outcome = this.#queue[this.#head++];
    // drop the taken ones in bulk once they are half the array: amortized O(1), memory bounded by what is queued
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return outcome;
  }
}

function retryableError(): Error {
  return Object.assign(new Error('EAGAIN: resource temporarily unavailable (scripted)'), {
    code: 'EAGAIN',
    errno: -11,
  });
}

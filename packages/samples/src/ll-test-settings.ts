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
  #completionDelayMs = 0;
  /** The outcomes; those before `#head` were taken already (dropped in bulk, so that take() is O(1)). */
  #queue: ScriptedOutcome[] = [];
  #head = 0;

  /**
   * The delay of outcomes that give a result without `sync` or `delayMs`, in ms. Default 0 (a setTimeout(0)).
   *
   * @throws TypeError / RangeError (on set) unless an integer from 0 to 2^31 - 1 (the longest timer Node keeps).
   */
  get completionDelayMs(): number {
    return this.#completionDelayMs;
  }

  set completionDelayMs(delayMs: number) {
    expectDelay('completionDelayMs', delayMs);
    this.#completionDelayMs = delayMs;
  }

  /** How many outcomes are left. */
  get queuedCount(): number {
    return this.#queue.length - this.#head;
  }

  /**
   * Appends outcomes, consumed one per start().
   *
   * @returns this, for chaining.
   * @throws TypeError for an outcome that is not an object, a field of the wrong type, a `sync` outcome without a
   *   result, or a `canceled` result (only cancel reports that); RangeError for a `delayMs` that is not an integer from
   *   0 to 2^31 - 1, or more than `MAX_QUEUED_OUTCOMES` (1,000,000) outcomes queued. Nothing is appended then.
   */
  push(...outcomes: ScriptedOutcome[]): this {
    return this.#append(outcomes);
  }

  /** push(), for an array (a spread of a million outcomes would overflow the stack). */
  #append(outcomes: readonly ScriptedOutcome[]): this {
    if (this.queuedCount + outcomes.length > MAX_QUEUED_OUTCOMES) {
      throw new RangeError(
        `Expected at most ${MAX_QUEUED_OUTCOMES} queued outcomes, got \`${this.queuedCount + outcomes.length}\` (number)`,
      );
    }
    for (const outcome of outcomes) expectOutcome(outcome);
    for (const outcome of outcomes) this.#queue.push(outcome);
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

  /**
   * The next call runs its real job after `delayMs`.
   *
   * @returns this.
   * @throws TypeError / RangeError unless `delayMs` is an integer from 0 to 2^31 - 1.
   */
  delayNext(delayMs: number): this {
    return this.push({ delayMs });
  }

  /**
   * The next `times` calls report `error-can-retry` (asynchronously, after `completionDelayMs`).
   *
   * @param times - an integer from 0 to `MAX_QUEUED_OUTCOMES` (1,000,000).
   * @param error - the error to report; default an EAGAIN error.
   * @returns this.
   * @throws TypeError / RangeError for a bad `times` (Infinity included), or one that would queue more than
   *   `MAX_QUEUED_OUTCOMES` (1,000,000) outcomes.
   */
  reportRetryable(times: number, error: unknown = retryableError()): this {
    if (!Number.isSafeInteger(times) || times < 0 || times > MAX_QUEUED_OUTCOMES) {
      const message = `Expected \`times\` to be an integer from 0 to ${MAX_QUEUED_OUTCOMES}, got ${describeValue(times)}`;
      throw typeof times === 'number' ? new RangeError(message) : new TypeError(message);
    }
    const outcome: ScriptedOutcome = { result: { status: 'error-can-retry', error } };
    return this.#append(Array.from({ length: times }, () => outcome));
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

/** The most outcomes a LowLevelTestSettings holds at once: far above any test, low enough to stop a runaway count. */
export const MAX_QUEUED_OUTCOMES = 1_000_000;

/** The longest delay Node's timers keep (longer ones fire after 1 ms). */
const MAX_DELAY_MS = 0x7fffffff;

function expectDelay(name: string, delayMs: unknown): void {
  if (Number.isSafeInteger(delayMs) && (delayMs as number) >= 0 && (delayMs as number) <= MAX_DELAY_MS) return;
  const message = `Expected \`${name}\` to be an integer from 0 to ${MAX_DELAY_MS} (ms), got ${describeValue(delayMs)}`;
  throw typeof delayMs === 'number' ? new RangeError(message) : new TypeError(message);
}

function expectOptionalBoolean(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(`Expected \`${name}\` to be a boolean or undefined, got ${describeValue(value)}`);
  }
}

const RESULT_STATUSES: readonly unknown[] = ['ok', 'error', 'error-can-retry'];

/** Checks one scripted outcome. @throws TypeError / RangeError naming the field and the value. */
function expectOutcome(outcome: unknown): asserts outcome is ScriptedOutcome {
  if (typeof outcome !== 'object' || outcome === null) {
    throw new TypeError(`Expected an outcome object, got ${describeValue(outcome)}`);
  }
  const { sync, result, delayMs, hang } = outcome as ScriptedOutcome;
  expectOptionalBoolean('sync', sync);
  expectOptionalBoolean('hang', hang);
  if (delayMs !== undefined) expectDelay('delayMs', delayMs);
  if (result === undefined) {
    if (sync === true) throw new TypeError('Expected a `sync` outcome to have a `result`, got none');
    return;
  }
  if (typeof result !== 'object' || result === null) {
    throw new TypeError(`Expected \`result\` to be an object or undefined, got ${describeValue(result)}`);
  }
  if (result.status === 'canceled') {
    throw new TypeError('A scripted outcome cannot be `canceled`: only cancel() reports that');
  }
  if (!RESULT_STATUSES.includes(result.status)) {
    throw new TypeError(
      `Expected \`result.status\` to be 'ok', 'error' or 'error-can-retry', got ${describeValue(result.status)}`,
    );
  }
  const { status, value } = result as { readonly status: unknown; readonly value?: unknown };
  if (status === 'ok' && (typeof value !== 'object' || value === null)) {
    throw new TypeError(`Expected an ok \`result.value\` to be an object, got ${describeValue(value)}`);
  }
}

function retryableError(): Error {
  return Object.assign(new Error('EAGAIN: resource temporarily unavailable (scripted)'), {
    code: 'EAGAIN',
    errno: -11,
  });
}

import { describeValue } from './describe-value.js';

/**
 * The source of time of every timer in this package (deadlines) and of the modules built on it: the current time and
 * one-shot timers. {@link systemClock} is the real one; {@link ManualClock} is the one tests drive by hand.
 *
 * @remarks
 * Times are milliseconds on the clock's own time base (the system clock's is `performance.now()`: monotonic, not
 * wall-clock time). A timer's callback runs once, later, never inside setTimer(); clearTimer() on a timer that ran or
 * was cleared is a no-op.
 */
export interface Clock {
  /** The current time, in milliseconds on this clock's time base. */
  now(): number;
  /**
   * Calls `callback(argument)` once, `delayMs` milliseconds from now (0 or less: as soon as the clock gets to it),
   * never inside this call.
   *
   * @param delayMs - any number but NaN; `Infinity` means never.
   * @returns a handle for clearTimer().
   * @throws RangeError for NaN; TypeError for a delay that is not a number or a callback that is not a function.
   */
  setTimer<A>(callback: (argument: A) => void, delayMs: number, argument: A): unknown;
  /** Cancels a timer set by this clock, if it has not run yet. */
  clearTimer(handle: unknown): void;
}

/** The longest delay Node's setTimeout() honours; a longer one would run after 1 ms. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Options of {@link SystemClock}. */
export interface SystemClockOptions {
  /**
   * Whether a pending timer keeps the process alive, as a plain setTimeout() does (default true). With false its
   * timers are unref'd, as `AbortSignal.timeout()`'s are: a deadline then never keeps an otherwise idle process running.
   */
  readonly keepsProcessAlive?: boolean | undefined;
}

/** @internal Validates a timer delay; returns it (negative as 0). */
export function checkDelay(delayMs: unknown): number {
  if (typeof delayMs !== 'number') {
    throw new TypeError(`Expected \`delayMs\` to be a number, got ${describeValue(delayMs)}`);
  }
  if (Number.isNaN(delayMs)) throw new RangeError(`Expected \`delayMs\` to be a number, got ${describeValue(delayMs)}`);
  return delayMs < 0 ? 0 : delayMs;
}

/** The handle of a timer that never runs (delay Infinity). */
const NEVER = Object.freeze({ never: true });

/** A timer longer than setTimeout() takes: a chain of timers of at most MAX_TIMER_DELAY_MS, re-armed from now(). */
class LongTimer<A> {
  private timeout: NodeJS.Timeout | undefined;

  constructor(
    private readonly clock: SystemClock,
    private readonly callback: (argument: A) => void,
    private readonly argument: A,
    private readonly due: number,
  ) {
    this.arm();
  }

  private arm(): void {
    const remaining = this.due - this.clock.now();
    if (remaining > MAX_TIMER_DELAY_MS) {
      this.timeout = this.clock.rawTimer(() => this.arm(), MAX_TIMER_DELAY_MS);
    } else {
      this.timeout = this.clock.rawTimer(() => {
        this.timeout = undefined;
        this.callback(this.argument);
      }, remaining);
    }
  }

  clear(): void {
    if (this.timeout !== undefined) clearTimeout(this.timeout);
    this.timeout = undefined;
  }
}

/**
 * The real clock: `performance.now()` and Node's timers.
 *
 * @remarks
 * Delays above 2^31-1 ms (which setTimeout() would cut to 1 ms) run as a chain of shorter timers, each re-armed from
 * `now()`, so a deadline weeks away still fires on time. Whole milliseconds: a delay is rounded up, so a timer never
 * runs before its time by the clock's own reading.
 */
export class SystemClock implements Clock {
  /** Whether this clock's pending timers keep the process alive. */
  readonly keepsProcessAlive: boolean;

  /**
   * @param options - `keepsProcessAlive` (default true).
   * @throws TypeError for options that are not an object, or a `keepsProcessAlive` that is not a boolean.
   */
  constructor(options: SystemClockOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
    }
    const keepsProcessAlive = options.keepsProcessAlive ?? true;
    if (typeof keepsProcessAlive !== 'boolean') {
      throw new TypeError(
        `Expected \`options.keepsProcessAlive\` to be a boolean, got ${describeValue(keepsProcessAlive)}`,
      );
    }
    this.keepsProcessAlive = keepsProcessAlive;
  }

  /** `performance.now()`. */
  now(): number {
    return performance.now();
  }

  /** See {@link Clock.setTimer}. */
  setTimer<A>(callback: (argument: A) => void, delayMs: number, argument: A): unknown {
    if (typeof callback !== 'function') {
      throw new TypeError(`Expected \`callback\` to be a function, got ${describeValue(callback)}`);
    }
    const delay = checkDelay(delayMs);
    if (delay === Infinity) return NEVER;
    if (delay <= MAX_TIMER_DELAY_MS) return this.rawTimer(callback, delay, argument);
    return new LongTimer(this, callback, argument, this.now() + delay);
  }

  /** See {@link Clock.clearTimer}. */
  clearTimer(handle: unknown): void {
    if (handle instanceof LongTimer) handle.clear();
    else if (handle !== NEVER && handle !== undefined && handle !== null) clearTimeout(handle as NodeJS.Timeout);
  }

  /** @internal One Node timer of at most MAX_TIMER_DELAY_MS, unref'd unless this clock keeps the process alive. */
  rawTimer<A>(callback: (argument: A) => void, delay: number, argument?: A): NodeJS.Timeout {
    const timeout = setTimeout(callback, Math.min(MAX_TIMER_DELAY_MS, Math.ceil(delay)), argument as A);
    if (!this.keepsProcessAlive) timeout.unref();
    return timeout;
  }
}

/** The default clock of deadlines: real time, timers that keep the process alive while their op is pending. */
export const systemClock: SystemClock = new SystemClock();

/** @internal Whether `value` looks like a {@link Clock} (any object with the three methods). */
export function isClock(value: unknown): value is Clock {
  if (typeof value !== 'object' || value === null) return false;
  const clock = value as Partial<Record<keyof Clock, unknown>>;
  return (
    typeof clock.now === 'function' && typeof clock.setTimer === 'function' && typeof clock.clearTimer === 'function'
  );
}

import { checkDelay, type Clock } from './clock.js';
import { describeValue } from './describe-value.js';
import { TimerHeap, type ManualTimer } from './internal/timer-heap.js';

/** Options of {@link ManualClock}. */
export interface ManualClockOptions {
  /** The time now() starts at; default 0. */
  readonly startMs?: number | undefined;
  /**
   * Auto-advance: whenever timers are pending and the process is otherwise idle, jump to the next deadline and run
   * its timers, as Trio's autojump clock does. Idle means: a turn of the event loop (setImmediate) passed with
   * `isIdle()` true. Default false.
   */
  readonly autoAdvance?: boolean | undefined;
  /**
   * With `autoAdvance`: whether the test has nothing else pending (e.g. `() => scheduler.count() === 0` with
   * fast-check's scheduler). Default: always idle.
   */
  readonly isIdle?: (() => boolean) | undefined;
}

/** Options of {@link ManualClock.runUntilIdle}. */
export interface RunUntilIdleOptions {
  /** The most deadlines it jumps to before it throws a RangeError (a timer that re-arms itself for ever); 10,000. */
  readonly maxJumps?: number | undefined;
}

function expectMs(name: string, value: unknown, isDuration: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (isDuration && value < 0)) {
    const what = isDuration ? 'a finite number >= 0' : 'a finite number';
    const ErrorClass = typeof value === 'number' ? RangeError : TypeError;
    throw new ErrorClass(`Expected \`${name}\` to be ${what}, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * A clock for tests: time moves only when the test says so, so an hour-long deadline takes microseconds and runs the
 * same way every time.
 *
 * @remarks
 * Timers run in order of their time (ties: in the order they were set), each with now() equal to its own time, from
 * inside advance(), runToNextDeadline() or runUntilIdle(), or from auto-advance's turn of the event loop. A timer set
 * while timers run (by a cancel they cause, say) runs in the same call if it is due by then.
 *
 * With fast-check's scheduler, drive both from the test's own loop: `await clock.runUntilIdle(() => s.waitIdle())`
 * runs every scheduled task, then jumps to the next deadline, and again, until neither is left. Or create the clock
 * with `{ autoAdvance: true, isIdle: () => s.count() === 0 }` and keep awaiting `s.waitIdle()`.
 */
export class ManualClock implements Clock {
  private time: number;
  private sequence = 0;
  private readonly timers = new TimerHeap();
  private readonly isAutoAdvance: boolean;
  private readonly isIdle: () => boolean;
  private autoTurn: NodeJS.Immediate | undefined = undefined;

  /**
   * @param options - `startMs`, `autoAdvance`, `isIdle`.
   * @throws TypeError or RangeError naming the option and the value received.
   */
  constructor(options: ManualClockOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
    }
    this.time = options.startMs === undefined ? 0 : expectMs('options.startMs', options.startMs, false);
    const { autoAdvance, isIdle } = options;
    if (autoAdvance !== undefined && typeof autoAdvance !== 'boolean') {
      throw new TypeError(`Expected \`options.autoAdvance\` to be a boolean, got ${describeValue(autoAdvance)}`);
    }
    if (isIdle !== undefined && typeof isIdle !== 'function') {
      throw new TypeError(`Expected \`options.isIdle\` to be a function, got ${describeValue(isIdle)}`);
    }
    this.isAutoAdvance = autoAdvance === true;
    this.isIdle = isIdle ?? (() => true);
  }

  /** The clock's time. */
  now(): number {
    return this.time;
  }

  /** The number of timers set and not yet run or cleared. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** The time of the earliest pending timer, or undefined. */
  get nextDeadline(): number | undefined {
    return this.timers.peek()?.due;
  }

  /** See {@link Clock.setTimer}. A timer never runs inside setTimer(), even with a delay of 0. */
  setTimer<A>(callback: (argument: A) => void, delayMs: number, argument: A): unknown {
    if (typeof callback !== 'function') {
      throw new TypeError(`Expected \`callback\` to be a function, got ${describeValue(callback)}`);
    }
    const delay = checkDelay(delayMs);
    const timer: ManualTimer = {
      due: this.time + delay,
      sequence: this.sequence++,
      callback: callback as (argument: unknown) => void,
      argument,
      isPending: true,
    };
    if (delay !== Infinity) {
      this.timers.push(timer);
      this.armAutoAdvance();
    }
    return timer;
  }

  /** See {@link Clock.clearTimer}. */
  clearTimer(handle: unknown): void {
    const timer = handle as ManualTimer | null | undefined;
    if (typeof timer !== 'object' || timer === null || timer.isPending !== true) return;
    timer.isPending = false;
    this.timers.size--;
  }

  /**
   * Moves time forward by `ms`, running every timer due by then, in order, each at its own time.
   *
   * @returns the number of timers run.
   * @throws RangeError/TypeError for a negative, infinite or NaN `ms`; whatever a timer's callback throws (time then
   *   stays at that timer's time).
   */
  advance(ms: number): number {
    const target = this.time + expectMs('ms', ms, true);
    const ran = this.runDue(target);
    this.time = target;
    return ran;
  }

  /**
   * Jumps to the earliest pending timer's time and runs every timer due then.
   *
   * @returns false if no timer was pending (time does not move), else true.
   */
  runToNextDeadline(): boolean {
    const next = this.timers.peek();
    if (next === undefined) return false;
    this.runDue(Math.max(this.time, next.due));
    return true;
  }

  /**
   * Alternates `waitIdle()` (e.g. fast-check's `s.waitIdle()`) with jumps to the next deadline, until a waitIdle()
   * leaves no timer pending.
   *
   * @param waitIdle - resolves when the test's other work is done; default one turn of the event loop.
   * @returns the number of jumps made.
   * @throws RangeError after `maxJumps` jumps.
   */
  async runUntilIdle(waitIdle?: () => Promise<unknown>, options: RunUntilIdleOptions = {}): Promise<number> {
    if (waitIdle !== undefined && typeof waitIdle !== 'function') {
      throw new TypeError(`Expected \`waitIdle\` to be a function, got ${describeValue(waitIdle)}`);
    }
    const maxJumps = options.maxJumps ?? 10_000;
    if (!Number.isInteger(maxJumps) || maxJumps < 0) {
      throw new RangeError(`Expected \`options.maxJumps\` to be an integer >= 0, got ${describeValue(maxJumps)}`);
    }
    const wait = waitIdle ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
    let jumps = 0;
    for (;;) {
      await wait();
      if (this.timers.peek() === undefined) return jumps;
      if (jumps === maxJumps) throw new RangeError(`runUntilIdle(): still timers pending after ${maxJumps} jumps`);
      this.runToNextDeadline();
      jumps++;
    }
  }

  private runDue(target: number): number {
    let ran = 0;
    for (let timer = this.timers.peek(); timer !== undefined && timer.due <= target; timer = this.timers.peek()) {
      this.timers.pop();
      this.timers.size--;
      timer.isPending = false;
      if (timer.due > this.time) this.time = timer.due;
      ran++;
      timer.callback(timer.argument);
    }
    return ran;
  }

  /** With auto-advance: one real turn of the event loop armed while timers are pending, none otherwise. */
  private armAutoAdvance(): void {
    if (!this.isAutoAdvance || this.autoTurn !== undefined) return;
    this.autoTurn = setImmediate(() => {
      this.autoTurn = undefined;
      if (this.timers.peek() === undefined) return;
      if (this.isIdle()) this.runToNextDeadline();
      this.armAutoAdvance();
    });
  }
}

import { isClock, systemClock, type Clock } from '../clock.js';
import { describeValue } from '../describe-value.js';
import { setDeadline } from './deadline.js';
import { moreOf, type OpRecord } from './op-record.js';

/** The optional settings of AsyncOp.create(), beyond context and hooks. */
export interface SettingsOptions {
  readonly label?: unknown;
  readonly shield?: unknown;
  readonly deadline?: unknown;
  readonly timeoutMs?: unknown;
  readonly clock?: unknown;
}

/** Validated settings; `deadline` is absolute on `clock` (Infinity for none). */
export interface Settings {
  readonly label: string | undefined;
  readonly isShielded: boolean;
  readonly clock: Clock | undefined;
  readonly deadline: number;
}

/** Throws a TypeError or RangeError naming `name` and the value unless `value` is a number other than NaN. */
export function expectTime(name: string, value: unknown, isDuration: boolean): number {
  if (typeof value !== 'number') {
    throw new TypeError(`Expected \`${name}\` to be a number, got ${describeValue(value)}`);
  }
  if (Number.isNaN(value) || (isDuration && value < 0)) {
    const what = isDuration ? 'a number of milliseconds >= 0' : 'a time in milliseconds (not NaN)';
    throw new RangeError(`Expected \`${name}\` to be ${what}, got ${describeValue(value)}`);
  }
  return value;
}

/** Throws a TypeError naming the value unless `value` is a {@link Clock} (or undefined when optional). */
export function expectClock(name: string, value: unknown): Clock | undefined {
  if (value === undefined || isClock(value)) return value;
  throw new TypeError(
    `Expected \`${name}\` to be a Clock (an object with now(), setTimer() and clearTimer()), got ${describeValue(value)}`,
  );
}

/**
 * Validates create()'s settings before anything is created.
 *
 * @throws TypeError or RangeError naming the option and the value received.
 */
export function readSettings(options: SettingsOptions): Settings {
  const { label, shield, deadline, timeoutMs } = options;
  if (label !== undefined && typeof label !== 'string') {
    throw new TypeError(`Expected \`options.label\` to be a string or undefined, got ${describeValue(label)}`);
  }
  if (shield !== undefined && typeof shield !== 'boolean') {
    throw new TypeError(`Expected \`options.shield\` to be a boolean or undefined, got ${describeValue(shield)}`);
  }
  const clock = expectClock('options.clock', options.clock);
  if (deadline !== undefined && timeoutMs !== undefined) {
    throw new TypeError('Expected `options.deadline` or `options.timeoutMs`, not both');
  }
  let at = Infinity;
  if (deadline !== undefined) at = expectTime('options.deadline', deadline, false);
  if (timeoutMs !== undefined) {
    at = (clock ?? systemClock).now() + expectTime('options.timeoutMs', timeoutMs, true);
  }
  return { label, isShielded: shield === true, clock, deadline: at };
}

/** Applies validated settings to a new op (a label, shield, clock, deadline); none allocates nothing. */
export function applySettings(record: OpRecord, settings: Settings): void {
  const { label, isShielded, clock, deadline } = settings;
  if (label === undefined && !isShielded && clock === undefined && deadline === Infinity) return;
  const more = moreOf(record);
  more.label = settings.label;
  more.isShielded = settings.isShielded;
  if (settings.clock !== undefined) more.clock = settings.clock;
  if (settings.deadline !== Infinity) setDeadline(record, settings.clock ?? systemClock, settings.deadline);
}

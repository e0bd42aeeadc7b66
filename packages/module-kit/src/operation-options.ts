import { describeValue } from 'async-op';
import { expectObject, expectTimeoutMs } from './option-validators.js';

/**
 * What one start() call of a module may take besides the request and the callback: a deadline for this operation
 * and a label. The module's own clock measures the deadline.
 *
 * @remarks The module's shape stays `start(request, callback)`: this is an optional third argument, which a module
 *   beneath never sees (it gets the request alone).
 */
export interface OperationOptions {
  /**
   * Milliseconds from now after which the operation is canceled with a `DeadlineExceededError` (kind `deadline`);
   * `Infinity` for none, even when the module has a default. Not with `deadline`.
   */
  readonly timeoutMs?: number | undefined;
  /** The same as an absolute time on the module's clock (its `now()` base). Not with `timeoutMs`. */
  readonly deadline?: number | undefined;
  /** The operation's label, instead of the one the module makes (its name, the request's kind and file). */
  readonly label?: string | undefined;
}

/** The checked {@link OperationOptions}, with the module's default timeout applied: ready for the op's creation. */
export interface OperationSettings {
  /** The op's deadline in ms from its creation; undefined when `deadline` is given or there is none. */
  readonly timeoutMs: number | undefined;
  /** The op's deadline as a time of the module's clock; undefined when relative or none. */
  readonly deadline: number | undefined;
  /** The op's label, for diagnostics and reason origins. */
  readonly label: string | undefined;
}

/**
 * Checks the per-call options of a start() and applies the module's default timeout.
 *
 * @param options - what the caller passed (undefined for none).
 * @param defaultTimeoutMs - the module's default (`Infinity` for none); used when neither `timeoutMs` nor `deadline`
 *   is given.
 * @returns the settings to create the op with (`timeoutMs` undefined when there is no deadline at all).
 * @throws TypeError naming the value for options that are not an object, a field of the wrong type, or both
 *   `timeoutMs` and `deadline`; RangeError for a NaN deadline or a NaN or negative `timeoutMs`.
 * @remarks Synchronous; reads each field once. Call it before the module creates anything: a start() that throws
 *   here leaves nothing behind.
 */
export function readOperationOptions(options: unknown, defaultTimeoutMs: number): OperationSettings {
  if (options === undefined) return settings(undefined, undefined, undefined, defaultTimeoutMs);
  const { timeoutMs, deadline, label } = expectObject('options', options);
  if (timeoutMs !== undefined) expectTimeoutMs('options.timeoutMs', timeoutMs);
  if (deadline !== undefined) {
    if (typeof deadline !== 'number') {
      throw new TypeError(`Expected \`options.deadline\` to be a time in milliseconds, got ${describeValue(deadline)}`);
    }
    if (Number.isNaN(deadline)) {
      throw new RangeError(
        `Expected \`options.deadline\` to be a time in milliseconds, got ${describeValue(deadline)}`,
      );
    }
  }
  if (timeoutMs !== undefined && deadline !== undefined) {
    throw new TypeError('Expected `options.timeoutMs` or `options.deadline`, not both');
  }
  if (label !== undefined && typeof label !== 'string') {
    throw new TypeError(`Expected \`options.label\` to be a string or undefined, got ${describeValue(label)}`);
  }
  return settings(timeoutMs as number | undefined, deadline as number | undefined, label, defaultTimeoutMs);
}

function settings(
  timeoutMs: number | undefined,
  deadline: number | undefined,
  label: string | undefined,
  defaultTimeoutMs: number,
): OperationSettings {
  if (deadline !== undefined) return { timeoutMs: undefined, deadline, label };
  const effective = timeoutMs ?? defaultTimeoutMs;
  return { timeoutMs: effective === Infinity ? undefined : effective, deadline: undefined, label };
}

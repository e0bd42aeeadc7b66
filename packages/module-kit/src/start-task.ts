import { AsyncOp, describeValue, isCanceledError, type Clock } from 'async-op';
import { deliverResult } from './deliver-result.js';
import { ModuleLifecycle } from './module-lifecycle.js';
import type { Result, StartCallback } from './module-types.js';
import { expectCallback } from './option-validators.js';

/**
 * The work of a task: an async function of the task's signal.
 *
 * @typeParam V - the value of an `ok` result.
 * @remarks Pass `signal` to every action and wait (`{ signal }`), so that after a cancel nothing more starts, and let
 *   every rejection through (or rethrow it): the body's outcome is the task's result. Clean up with `try`/`finally`
 *   or `await using`: the callback comes only once the body has settled, so "canceled" then means the cleanup is done.
 */
export type TaskBody<V> = (signal: AbortSignal) => V | PromiseLike<V>;

/** What {@link startTask} takes besides the body and the callback. */
export interface TaskOptions {
  /** A module's lifecycle: the task is counted in before the body runs, and out after the callback returned. */
  readonly lifecycle?: ModuleLifecycle | undefined;
  /**
   * Which errors the result reports as `error-can-retry` (a low-level module's transient errors, e.g.
   * {@link isRetryableError}); default: none, every failure is `error`. A predicate that throws counts as false.
   */
  readonly isRetryable?: ((error: unknown) => boolean) | undefined;
  /** The op's label, for the diagnostics tree and the origin of its reasons (e.g. from `operationLabel()`). */
  readonly label?: string | undefined;
  /** A deadline relative to now, in ms (not with `deadline`): when it passes, the body's signal aborts with a timeout. */
  readonly timeoutMs?: number | undefined;
  /** An absolute deadline on `clock` (not with `timeoutMs`). */
  readonly deadline?: number | undefined;
  /** The clock of the deadline; default async-op's `systemClock`. */
  readonly clock?: Clock | undefined;
}

/** @returns the checked options. @throws TypeError naming the first wrong field. */
function readTaskOptions(options: unknown): TaskOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
  }
  const { lifecycle, isRetryable } = options as Record<string, unknown>;
  if (lifecycle !== undefined && !(lifecycle instanceof ModuleLifecycle)) {
    throw new TypeError(
      `Expected \`options.lifecycle\` to be a ModuleLifecycle or undefined, got ${describeValue(lifecycle)}`,
    );
  }
  if (isRetryable !== undefined && typeof isRetryable !== 'function') {
    throw new TypeError(
      `Expected \`options.isRetryable\` to be a function or undefined, got ${describeValue(isRetryable)}`,
    );
  }
  const { label, timeoutMs, deadline, clock } = options as TaskOptions;
  return { lifecycle, isRetryable, label, timeoutMs, deadline, clock } as TaskOptions;
}

/** What the body's rejection means: `canceled` only if a cancel came AND the body ended because of it. */
function failureOf<V>(own: AsyncOp<undefined>, error: unknown, isRetryable: TaskOptions['isRetryable']): Result<V> {
  if (own.isCanceled && (error === own.reason || isCanceledError(error)))
    return { status: 'canceled', error: own.reason };
  let canRetry = false;
  try {
    canRetry = isRetryable?.(error) === true;
  } catch {
    // a predicate that throws answers "no": the result must still come, once
  }
  return { status: canRetry ? 'error-can-retry' : 'error', error };
}

/**
 * Starts one operation whose work is an async function: the start function of a task, with the contract of a
 * cancellable start function (docs/reference/contract.md, 'Cancellable modules').
 *
 * @param body - the work; called once, synchronously, with the op's AbortSignal.
 * @param callback - called exactly once with the result, never inside startTask() nor inside cancel().
 * @param options - a module's `lifecycle` to count the task in and out; which errors are `isRetryable`; the op's
 *   `label` and deadline (`timeoutMs` or `deadline`, on `clock`).
 * @returns the caller's reference: cancel() aborts the body's signal with the reason; release it once.
 * @throws TypeError for a `body` or `callback` that is not a function, or bad options; RangeError for a NaN or
 *   negative deadline setting; nothing started then.
 * @remarks
 * The result is what the body did, decided when it settles: `ok` with the value it resolved with; `canceled` (with the
 * cancel reason) only if a cancel came and the body rejected with that reason or a cancellation error; otherwise
 * `error` (or `error-can-retry`). So a cancel that arrives after the body's last effect (a file linked into place)
 * does not turn a done operation into `canceled`: the body resolves, and the result says `ok`. A deadline aborts the
 * signal from its clock's timer with a `DeadlineExceededError` (named `TimeoutError`, as `AbortSignal.timeout()`'s
 * reason), so a body that lets the rejection through ends `canceled` with it. A body that throws
 * synchronously is a rejection like any other. The callback comes in a later microtask than the body's settlement,
 * after every `finally` and `await using` of the body ran: real cancel. References: startTask keeps one reference for
 * the callback and releases it just before calling back; the caller owns the one returned. A callback that throws
 * is raised as an uncaught exception, after the task was counted out (see {@link deliverResult}).
 */
// #region start-task
export function startTask<V>(
  body: TaskBody<V>,
  callback: StartCallback<V>,
  options: TaskOptions = {},
): AsyncOp<unknown> {
  // 1. check everything before anything starts: a throw leaves nothing behind and never calls back
  if (typeof body !== 'function') throw new TypeError(`Expected \`body\` to be a function, got ${describeValue(body)}`);
  expectCallback(callback);
  const { lifecycle, isRetryable, label, timeoutMs, deadline, clock } = readTaskOptions(options);
  // 2. create the op (its label, its deadline) and take the callback's reference: the body's end, not the caller,
  //    releases it
  const op = AsyncOp.create<undefined>({ context: undefined, label, timeoutMs, deadline, clock });
  const own = op.ref('callback');
  lifecycle?.begin();
  // 3. run the body now with the op's signal (its first action is enqueued before startTask returns); a throw is a
  //    rejection like any other
  const settled = new Promise<V>((resolve) => resolve(body(own.signal)));
  // 4. the result is what the body did: a cancel that came after its last effect does not make it `canceled`
  void settled
    .then(
      (value): Result<V> => ({ status: 'ok', value }),
      (error: unknown) => failureOf<V>(own, error, isRetryable),
    )
    .then((result) => {
      // 5. complete() closes the op; release the callback's reference BEFORE calling back, count out after it
      own.complete();
      own.release();
      deliverResult(callback, result, lifecycle);
    });
  return op;
}
// #endregion

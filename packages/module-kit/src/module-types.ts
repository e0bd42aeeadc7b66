import type { AsyncOp } from 'async-op';

/**
 * How an operation ended.
 *
 * @remarks `error-can-retry` is a transient failure (EAGAIN, EBUSY, EMFILE, ...) that the same call may not meet
 *   again. Only low-level modules report it; a module above maps it to `error` unless it retries
 *   (`mapRetryableToError`).
 */
export type ResultStatus = 'ok' | 'canceled' | 'error-can-retry' | 'error';

/**
 * What a start function's callback receives: the status, and the value (`ok`) or the error (anything else).
 *
 * @typeParam V - the value of an `ok` result.
 * @remarks
 * Every member declares both `value` and `error`, so generic code (a conformance matrix) can read either without
 * narrowing; narrowing on `status` gives the precise type. For `canceled`, `error` is the cancel reason (a
 * CanceledError when cancel() was given none).
 */
export type Result<V> =
  | {
      /** The operation did its work. */
      readonly status: 'ok';
      /** What it produced. */
      readonly value: V;
      /** Absent on `ok`. */
      readonly error?: undefined;
    }
  | {
      /** How it ended short: canceled, failed for a transient reason (low-level modules only), or failed. */
      readonly status: 'canceled' | 'error-can-retry' | 'error';
      /** Absent unless `ok`. */
      readonly value?: undefined;
      /** The cancel reason (`canceled`), or the error. */
      readonly error: unknown;
    };

/**
 * The callback of a start function.
 *
 * @typeParam V - the value of an `ok` result.
 * @remarks Called exactly once per start that returned, never for a start that threw: maybe before start returns,
 *   maybe inside cancel(), maybe inside close(). It may re-enter anything (cancel, start, close its own module).
 */
export type StartCallback<V> = (result: Result<V>) => void;

/**
 * Where a module stands: `created` -> `open` -> `closing` -> `closed` (-> `open` again) -> `destroyed`.
 *
 * @remarks `closing` lasts from close() until the last pending operation has called back.
 */
export type ModuleState = 'created' | 'open' | 'closing' | 'closed' | 'destroyed';

/**
 * The one shape every cancellable module has, so any module can sit on any module beneath it that has the same request
 * and value types, and a test can drive every stack the same way.
 *
 * @typeParam Request - what start() takes.
 * @typeParam Value - what an `ok` result carries.
 *
 * @remarks
 * Lifecycle: create (the constructor, given the lower module or the file manager), open(), any number of start(),
 * close(), destroy(). A module does not own the module beneath it: open the lower one first, close it last.
 *
 * start(): returns the caller's AsyncOp reference (cancel with it; release it exactly once) and then calls the
 * callback exactly once: possibly before start() returns, possibly inside cancel(), possibly inside close(). If it
 * throws instead (a bad request, the module not open, the lower module refusing), the callback is never called and
 * nothing is left behind. See docs/reference/contract.md, 'Cancellable modules'.
 */
export interface CancellableModule<Request, Value> {
  /** A short name for traces, errors and test titles: `ll-real-cancel`, `ml-chain`, ... */
  readonly name: string;
  /** The lifecycle state. */
  readonly state: ModuleState;
  /** Operations started and not yet finished (callback delivered and, for fake cancel, cleanup done). */
  readonly pendingCount: number;
  /**
   * Starts accepting start() calls.
   *
   * @throws ModuleStateError unless the module is `created` or `closed`.
   */
  open(): void;
  /**
   * Starts one operation.
   *
   * @param request - what to do; checked synchronously.
   * @param callback - called exactly once with the result, unless start() throws.
   * @returns the caller's reference to the operation.
   * @throws TypeError/RangeError for a bad request or callback; ModuleClosedError (`ERR_MODULE_CLOSED`) unless the
   *   module is open; whatever the lower start() throws.
   */
  start(request: Request, callback: StartCallback<Value>): AsyncOp<unknown>;
  /**
   * Refuses new starts at once, and resolves once every pending operation has called back (and cleaned up).
   *
   * @remarks May be called from inside one of the module's own callbacks, and more than once (every call resolves at
   *   the same time). Closing a module that is not open resolves at once.
   */
  close(): Promise<void>;
  /**
   * Frees the module for good.
   *
   * @throws ModuleStateError if the module is `open` or `closing` (close it and wait first).
   */
  destroy(): void;
}

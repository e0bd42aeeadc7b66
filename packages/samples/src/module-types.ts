import type { AsyncOp } from 'async-op';

/** How an operation ended. `error-can-retry` comes only from LL modules; ML and HL modules map it. */
export type ResultStatus = 'ok' | 'canceled' | 'error-can-retry' | 'error';

/**
 * What a start function's callback receives: the status, and the value (ok) or the error (anything else).
 *
 * @remarks
 * Every member declares both `value` and `error`, so generic code (a conformance matrix) can read either without
 * narrowing; narrowing on `status` gives the precise type. For `canceled`, `error` is the cancel reason (a
 * CanceledError when cancel() was given none).
 */
export type Result<V> =
  | { readonly status: 'ok'; readonly value: V; readonly error?: undefined }
  | { readonly status: 'canceled' | 'error-can-retry' | 'error'; readonly value?: undefined; readonly error: unknown };

/** The callback of a start function: called exactly once per successful start, never for a start that threw. */
export type StartCallback<V> = (result: Result<V>) => void;

/** Where a module stands: `created` -> `open` -> `closing` -> `closed` (-> `open` again) -> `destroyed`. */
export type ModuleState = 'created' | 'open' | 'closing' | 'closed' | 'destroyed';

/**
 * The one shape every sample module has (LL, ML and HL), so any ML/HL module can sit on any LL module and a test
 * matrix can drive every stack the same way.
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
 * nothing is left behind.
 */
export interface CancellableModule<Request, Value> {
  /** A short name for traces and test titles: `ll-real-cancel`, `ml-chain`, ... */
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
   *   module is open; whatever the lower module's start() throws.
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

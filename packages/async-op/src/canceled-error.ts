import { describeValue } from './describe-value.js';
import { ErrorCode } from './error-codes.js';

/**
 * How an operation came to be canceled: `explicit` (someone called cancel() without a reason of their own),
 * `deadline` (its deadline passed), `parent` (the op it follows was canceled), `shutdown` (its module closed or canceled
 * everything it tracked), or `user` (the canceller passed a value of its own, which is kept unchanged as the reason).
 */
export type CancelKind = 'explicit' | 'deadline' | 'parent' | 'shutdown' | 'user';

/** What {@link CanceledError}'s constructor takes besides the message. */
export interface CanceledErrorOptions extends ErrorOptions {
  /** How the operation came to be canceled; default `explicit`. */
  readonly kind?: CancelKind | undefined;
  /** Where the cancellation started: the label of the op canceled first, or a module's name. */
  readonly origin?: string | undefined;
}

/**
 * The brand every canceled error of this package carries, under a registered symbol: two installed copies of the
 * package recognise each other's errors, which `instanceof` alone would not.
 */
export const CANCELED_BRAND: unique symbol = Symbol.for('async-op.canceled-error') as never;

const KINDS: ReadonlySet<unknown> = new Set<CancelKind>(['explicit', 'deadline', 'parent', 'shutdown', 'user']);

/**
 * The error that reports a canceled operation, with how it was canceled (`kind`) and where it started (`origin`).
 *
 * @remarks
 * Its `code` is always `ERR_CANCELED`. A reason the package creates (a cancel() without a reason, a child canceled by
 * its parent) links to the reason it derives from through `cause`, so a chain reads from the op that was canceled
 * last back to the one canceled first. Such reasons are created when first read, and without a stack trace: a stack
 * captured when the reason is read would show the reader, not the canceller (`kind` and `origin` say where it came
 * from). A CanceledError you construct yourself captures its stack as usual.
 */
export class CanceledError extends Error {
  /** Always `ERR_CANCELED`. */
  readonly code: typeof ErrorCode.CANCELED = ErrorCode.CANCELED;
  /** How the operation came to be canceled. */
  readonly kind: CancelKind;
  /** The label of the op canceled first (or a module's name), when it has one. */
  readonly origin: string | undefined;

  /**
   * @param message - what was canceled; defaults to "The operation was canceled".
   * @param options - `cause`: the reason this one derives from; `kind` (default `explicit`); `origin`.
   * @throws TypeError for a `kind` that is not a {@link CancelKind} or an `origin` that is not a string.
   */
  constructor(message = 'The operation was canceled', options?: CanceledErrorOptions) {
    super(message, options);
    const kind = options?.kind ?? 'explicit';
    if (!KINDS.has(kind))
      throw new TypeError(`Expected \`options.kind\` to be a cancel kind, got ${describeValue(kind)}`);
    const origin = options?.origin;
    if (origin !== undefined && typeof origin !== 'string') {
      throw new TypeError(`Expected \`options.origin\` to be a string or undefined, got ${describeValue(origin)}`);
    }
    this.kind = kind;
    this.origin = origin;
  }

  static {
    this.prototype.name = 'CanceledError';
    Object.defineProperty(this.prototype, CANCELED_BRAND, { value: true });
  }
}

/**
 * The reason of an op canceled by its deadline, directly or through the parents it follows. Its `name` is
 * `TimeoutError`, the name `AbortSignal.timeout()` gives its reason, so code that tells a timeout from an abort by
 * name (`error.name === 'TimeoutError'`, or `error.cause.name` for Node's AbortError from fs and timers) sees one.
 *
 * @remarks `kind` is `deadline` for the op whose own deadline passed, `parent` for its followers.
 */
export class DeadlineExceededError extends CanceledError {
  static {
    this.prototype.name = 'TimeoutError';
  }
}

interface Inspectable {
  readonly code?: unknown;
  readonly name?: unknown;
  readonly kind?: unknown;
  readonly cause?: unknown;
  readonly [CANCELED_BRAND]?: unknown;
}

/** Reads the fields the guards need without ever throwing (a hostile getter counts as absent). */
function inspect(error: unknown): Inspectable | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  try {
    const { code, name, kind, cause } = error as Inspectable;
    return { code, name, kind, cause, [CANCELED_BRAND]: (error as Inspectable)[CANCELED_BRAND] };
  } catch {
    return undefined;
  }
}

function isProjectError(fields: Inspectable): boolean {
  return fields[CANCELED_BRAND] === true || fields.code === ErrorCode.CANCELED;
}

function isAbortError(error: unknown, fields: Inspectable): boolean {
  return fields.name === 'AbortError' && (error instanceof DOMException || fields.code === 'ABORT_ERR');
}

/**
 * Tells whether `error` reports a cancellation.
 *
 * @param error - any thrown or reported value.
 * @returns true for this package's canceled errors (branded under a registered symbol, or with `code`
 *   `ERR_CANCELED`, from any installed copy), for `AbortError` and `TimeoutError` DOMExceptions (what
 *   `AbortController.abort()` and `AbortSignal.timeout()` give), and for Node's own `AbortError` (`code:
 *   'ABORT_ERR'`, what fs, timers and streams reject with when their `{ signal }` aborts).
 * @remarks Pure and synchronous; never throws, even for a value whose getters throw.
 */
export function isCanceledError(error: unknown): boolean {
  const fields = inspect(error);
  if (fields === undefined) return false;
  if (isProjectError(fields) || isAbortError(error, fields)) return true;
  return fields.name === 'TimeoutError' && error instanceof DOMException;
}

/**
 * Tells how a cancel reason came about.
 *
 * @param reason - a cancel reason (`op.reason`, `signal.reason`) or an error a `{ signal }` API rejected with.
 * @returns the `kind` of this package's errors; `deadline` for a `TimeoutError` DOMException; for an `AbortError`
 *   (DOMException or Node's), the kind of its `cause` when it has one, else `explicit`; `user` for any other value;
 *   undefined for undefined (an op that was not canceled has no reason).
 * @remarks Pure and synchronous; never throws.
 */
export function cancelKindOf(reason: unknown): CancelKind | undefined {
  if (reason === undefined) return undefined;
  const fields = inspect(reason);
  if (fields === undefined) return 'user';
  if (isProjectError(fields)) return KINDS.has(fields.kind) ? (fields.kind as CancelKind) : 'explicit';
  if (fields.name === 'TimeoutError' && reason instanceof DOMException) return 'deadline';
  if (isAbortError(reason, fields)) {
    const cause = fields.cause;
    return cause === undefined || cause === reason ? 'explicit' : (cancelKindOf(cause) ?? 'explicit');
  }
  return 'user';
}

/** Causes followed at most by {@link isDeadlineError}: a cycle of causes must not hang it. */
const MAX_CAUSE_DEPTH = 32;

/**
 * Tells a deadline from any other cancellation: true when the cancellation started at a deadline, directly or
 * through the parents the op follows.
 *
 * @param reason - a cancel reason or an error a `{ signal }` API rejected with.
 * @returns true for a {@link DeadlineExceededError} (kind `deadline`, or `parent` of one), a `TimeoutError`
 *   DOMException, and an `AbortError` whose `cause` is one of those; false otherwise, explicit cancels included.
 * @remarks Pure and synchronous; never throws.
 */
export function isDeadlineError(reason: unknown): boolean {
  let current = reason;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH; depth++) {
    const fields = inspect(current);
    if (fields === undefined) return false;
    if (fields.name === 'TimeoutError' && (current instanceof DOMException || isProjectError(fields))) return true;
    if (isProjectError(fields)) {
      if (fields.kind !== 'parent') return fields.kind === 'deadline';
    } else if (!isAbortError(current, fields)) {
      return false;
    }
    current = fields.cause;
  }
  return false;
}

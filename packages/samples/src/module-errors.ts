/**
 * The permanent error codes of the sample modules. Messages may change; codes never do.
 *
 * @remarks Check `error.code` rather than `instanceof`: codes keep working across duplicate package copies.
 */
export const SampleErrorCode = {
  /** start() was called on a module that is not open (created, closing, closed or destroyed). */
  MODULE_CLOSED: 'ERR_MODULE_CLOSED',
  /** A lifecycle call in the wrong state: open() twice, destroy() while open, anything after destroy(). */
  MODULE_STATE: 'ERR_MODULE_STATE',
  /** The data of a `write-file` was detached (transferred away) or shrunk while the job was writing it. */
  DATA_DETACHED: 'ERR_DATA_DETACHED',
} as const;

/** One of the values of {@link SampleErrorCode}. */
export type SampleErrorCode = (typeof SampleErrorCode)[keyof typeof SampleErrorCode];

/**
 * Thrown by start() when the module does not accept new operations (it is not open).
 *
 * @remarks A start that throws this never calls its callback and leaves nothing behind.
 */
export class ModuleClosedError extends Error {
  /** Always `ERR_MODULE_CLOSED`. */
  readonly code: typeof SampleErrorCode.MODULE_CLOSED = SampleErrorCode.MODULE_CLOSED;

  /** @param message - which module refused, and in which state. */
  constructor(message: string) {
    super(message);
  }

  static {
    this.prototype.name = 'ModuleClosedError';
  }
}

/** Thrown by open(), close() or destroy() called in a state that does not allow it. */
export class ModuleStateError extends Error {
  /** Always `ERR_MODULE_STATE`. */
  readonly code: typeof SampleErrorCode.MODULE_STATE = SampleErrorCode.MODULE_STATE;

  /** @param message - the call and the state it met. */
  constructor(message: string) {
    super(message);
  }

  static {
    this.prototype.name = 'ModuleStateError';
  }
}

/**
 * Reported (as the `error` of an `error` result) by a `write-file` whose data was detached (transferred to a worker,
 * structured-cloned with `transfer`) or shrunk while the job was writing it.
 *
 * @remarks The job stops before its next chunk: its file was never named, so nothing is left behind. Keep the data
 *   attached, and unchanged, until the callback.
 */
export class DataDetachedError extends Error {
  /** Always `ERR_DATA_DETACHED`. */
  readonly code: typeof SampleErrorCode.DATA_DETACHED = SampleErrorCode.DATA_DETACHED;

  /** @param message - which data, and how long it was. */
  constructor(message: string) {
    super(message);
  }

  static {
    this.prototype.name = 'DataDetachedError';
  }
}

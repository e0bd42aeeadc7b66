/**
 * The permanent error codes of the kit's errors. Messages may change; codes never do.
 *
 * @remarks Check `error.code` rather than `instanceof`: codes keep working across duplicate package copies. See
 *   docs/reference/error-codes.md.
 */
export const ModuleErrorCode = {
  /** start() was called on a module that is not open (created, closing, closed or destroyed). */
  MODULE_CLOSED: 'ERR_MODULE_CLOSED',
  /** A lifecycle call in the wrong state: open() twice, destroy() while open, anything after destroy(). */
  MODULE_STATE: 'ERR_MODULE_STATE',
  /** The data of a `write-file` job was detached (transferred away) or shrunk while the job was writing it. */
  DATA_DETACHED: 'ERR_DATA_DETACHED',
} as const;

/** One of the values of {@link ModuleErrorCode}. */
export type ModuleErrorCode = (typeof ModuleErrorCode)[keyof typeof ModuleErrorCode];

/**
 * Thrown by start() when the module does not accept new operations (it is not open).
 *
 * @remarks A start that throws this never calls its callback and leaves nothing behind.
 */
export class ModuleClosedError extends Error {
  /** Always `ERR_MODULE_CLOSED`. */
  readonly code: typeof ModuleErrorCode.MODULE_CLOSED = ModuleErrorCode.MODULE_CLOSED;

  /** @param message - which module refused, and in which state. */
  constructor(message: string) {
    super(message);
  }

  static {
    this.prototype.name = 'ModuleClosedError';
  }
}

/**
 * Thrown by a lifecycle call made in a state that does not allow it (open() twice, destroy() while open, anything
 * after destroy()), and by `ModuleLifecycle.end()` called more often than begin().
 *
 * @remarks It is thrown synchronously and changes nothing: the module stays in the state it was in.
 */
export class ModuleStateError extends Error {
  /** Always `ERR_MODULE_STATE`. */
  readonly code: typeof ModuleErrorCode.MODULE_STATE = ModuleErrorCode.MODULE_STATE;

  /** @param message - the call and the state it met. */
  constructor(message: string) {
    super(message);
  }

  static {
    this.prototype.name = 'ModuleStateError';
  }
}

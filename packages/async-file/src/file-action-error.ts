/** The permanent codes of {@link FileActionError}. Messages may change; codes never do. */
export const FileActionErrorCode = {
  /**
   * The engine threw instead of reporting through its callback (a bug in the engine, an engine closed under the
   * manager, an argument it could not take): the action failed without running; `cause` holds what was thrown.
   */
  ENGINE_FAILED: 'ERR_FILE_ENGINE_FAILED',
  /**
   * The buffer of a read, write or writeNewFile was detached (transferred, or a resizable buffer shrunk) after the
   * action was enqueued and before the engine could use it: the action failed without running.
   */
  BUFFER_DETACHED: 'ERR_FILE_BUFFER_DETACHED',
} as const;

/** One of the values of {@link FileActionErrorCode}. */
export type FileActionErrorCode = (typeof FileActionErrorCode)[keyof typeof FileActionErrorCode];

/**
 * An error delivered to a file action's callback (never thrown) when the action could not reach the engine: the engine
 * threw, or the action's buffer was detached while it waited.
 *
 * @remarks
 * Delivered exactly once, through the action's callback, on a later turn (never inside the call that enqueued the
 * action), like any engine error; the action's slot is freed and its handle takes the next action as usual. An engine
 * that throws an Error carrying a string `code` (Node's own errors, `ERR_IO_URING_CLOSED`, an errno name) has that
 * error delivered unchanged instead; only what carries no code is wrapped in a FileActionError. Check `code`, not the
 * message.
 */
export class FileActionError extends Error {
  /**
   * @param code - the permanent code.
   * @param message - what failed and why.
   * @param cause - what the engine threw, if anything.
   */
  constructor(
    readonly code: FileActionErrorCode,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }

  static {
    this.prototype.name = 'FileActionError';
  }
}

/** The permanent codes of {@link FileHandleError}. Messages may change; codes never do. */
export const FileErrorCode = {
  /** The handle already has an action pending (one at a time; chain the next one from the callback). */
  HANDLE_BUSY: 'ERR_FILE_HANDLE_BUSY',
  /** The handle was aborted and accepts no more actions. */
  HANDLE_ABORTED: 'ERR_FILE_HANDLE_ABORTED',
  /** The action needs an open file and the handle has none (never opened, or close already requested). */
  NOT_OPEN: 'ERR_FILE_NOT_OPEN',
  /** The handle already holds an open file; close it first. */
  ALREADY_OPEN: 'ERR_FILE_ALREADY_OPEN',
  /** The handle's manager was closed and accepts no more actions. */
  MANAGER_CLOSED: 'ERR_FILE_MANAGER_CLOSED',
  /** `cacheProbe` was asked for where the engine cannot make never-blocking calls (the native addon is missing). */
  CACHE_PROBE_UNAVAILABLE: 'ERR_FILE_CACHE_PROBE_UNAVAILABLE',
  /** `{ direct: true }` (O_DIRECT) was asked for where the engine or the native addon cannot do it. */
  DIRECT_IO_UNAVAILABLE: 'ERR_FILE_DIRECT_IO_UNAVAILABLE',
} as const;

/** One of the values of {@link FileErrorCode}. */
export type FileErrorCode = (typeof FileErrorCode)[keyof typeof FileErrorCode];

/**
 * Thrown synchronously by an AsyncFileHandle action that cannot be accepted in the handle's current state.
 *
 * @remarks
 * An action that throws never calls its callback and leaves nothing behind. Check `code`, not the message.
 */
export class FileHandleError extends Error {
  /** @param code - the permanent code. @param message - what was refused and why. */
  constructor(
    readonly code: FileErrorCode,
    message: string,
  ) {
    super(message);
  }

  static {
    this.prototype.name = 'FileHandleError';
  }
}

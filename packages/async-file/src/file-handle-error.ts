/** The permanent codes of FileStateError and FeatureUnavailableError. Messages may change; codes never do. */
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

/** The codes of FileStateError: a handle or manager whose state refuses the call. */
export type FileStateErrorCode =
  | typeof FileErrorCode.HANDLE_BUSY
  | typeof FileErrorCode.HANDLE_ABORTED
  | typeof FileErrorCode.NOT_OPEN
  | typeof FileErrorCode.ALREADY_OPEN
  | typeof FileErrorCode.MANAGER_CLOSED;

/** The codes of FeatureUnavailableError: an option or call that needs what is not here. */
export type FeatureUnavailableErrorCode =
  typeof FileErrorCode.CACHE_PROBE_UNAVAILABLE | typeof FileErrorCode.DIRECT_IO_UNAVAILABLE;

/**
 * The common class of FileStateError and FeatureUnavailableError: every synchronous refusal of
 * async-op-file that carries a {@link FileErrorCode}.
 *
 * @deprecated Catch FileStateError or FeatureUnavailableError (or, better, check `code`): the name said "handle", but
 *   the manager and allocateAlignedBuffer throw them too. Kept so that `instanceof FileHandleError` still holds.
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

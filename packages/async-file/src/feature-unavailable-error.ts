import { FileHandleError, type FeatureUnavailableErrorCode } from './file-handle-error.js';

/**
 * Thrown synchronously where an option or call needs what this engine or machine lacks: the cache probe or O_DIRECT
 * without the native addon (or on an engine without them); `allocateAlignedBuffer()` without the addon.
 *
 * @remarks
 * Thrown before anything is created or enqueued; the message says why (the engine's reason, the loader's). Check
 * `code`, not the message.
 */
export class FeatureUnavailableError extends FileHandleError {
  declare readonly code: FeatureUnavailableErrorCode;

  /** @param code - the permanent code. @param message - what was refused and why. */
  constructor(code: FeatureUnavailableErrorCode, message: string) {
    super(code, message);
  }

  static {
    this.prototype.name = 'FeatureUnavailableError';
  }
}

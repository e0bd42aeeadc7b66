import { FileHandleError, type FileStateErrorCode } from './file-handle-error.js';

/**
 * Thrown synchronously by a file action or a manager call that the handle's or manager's current state refuses: the
 * handle is busy, aborted, not open or already open, or the manager was closed.
 *
 * @remarks
 * An action that throws never calls its callback and leaves nothing behind. Check `code`, not the message.
 */
export class FileStateError extends FileHandleError {
  declare readonly code: FileStateErrorCode;

  /** @param code - the permanent code. @param message - what was refused and why. */
  constructor(code: FileStateErrorCode, message: string) {
    super(code, message);
  }

  static {
    this.prototype.name = 'FileStateError';
  }
}

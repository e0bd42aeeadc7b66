import { ModuleErrorCode } from '../module-errors.js';

/**
 * Reported (as the `error` of an `error` result) by a `write-file` job whose data was detached (transferred to a
 * worker, structured-cloned with `transfer`) or shrunk while the job was writing it.
 *
 * @remarks The job stops before its next chunk: its file was never named, so nothing is left behind. Keep the data
 *   attached, and unchanged, until the callback.
 */
export class DataDetachedError extends Error {
  /** Always `ERR_DATA_DETACHED`. */
  readonly code: typeof ModuleErrorCode.DATA_DETACHED = ModuleErrorCode.DATA_DETACHED;

  /** @param message - which data, and how long it was. */
  constructor(message: string) {
    super(message);
  }

  static {
    this.prototype.name = 'DataDetachedError';
  }
}

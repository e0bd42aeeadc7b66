import { CrossThreadErrorCode } from './cross-thread-error-codes.js';

/**
 * Thrown by any use of a {@link SharedCancel} after its release(), including a second release().
 *
 * @remarks Thrown before anything changes: the slot (maybe already given to another operation) is not touched.
 */
export class CancelSlotReleasedError extends Error {
  /** Always `ERR_CANCEL_SLOT_RELEASED`. */
  readonly code: typeof CrossThreadErrorCode.CANCEL_SLOT_RELEASED = CrossThreadErrorCode.CANCEL_SLOT_RELEASED;

  /** @param action - what was attempted on the released slot, e.g. `release()`. */
  constructor(action: string) {
    super(`Cannot ${action}: this SharedCancel was released (its slot may already belong to another operation)`);
  }

  static {
    this.prototype.name = 'CancelSlotReleasedError';
  }
}

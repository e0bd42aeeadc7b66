import { CrossThreadErrorCode } from './cross-thread-error-codes.js';

/**
 * Thrown by {@link CancelSlotTable.share} when every slot of the table is in use.
 *
 * @remarks
 * Synchronous, before anything changed: the op is not linked to any slot. Size a table for the most operations that
 * can be in flight at once (a pool: workers x tasks per worker), or release slots as reports come back.
 */
export class CancelSlotsExhaustedError extends Error {
  /** Always `ERR_CANCEL_SLOTS_EXHAUSTED`. */
  readonly code: typeof CrossThreadErrorCode.CANCEL_SLOTS_EXHAUSTED = CrossThreadErrorCode.CANCEL_SLOTS_EXHAUSTED;

  /** @param capacity - the table's number of slots, named in the message. */
  constructor(capacity: number) {
    super(`Every one of the ${capacity} cancel slots is in use; release one first or create a larger table`);
  }

  static {
    this.prototype.name = 'CancelSlotsExhaustedError';
  }
}

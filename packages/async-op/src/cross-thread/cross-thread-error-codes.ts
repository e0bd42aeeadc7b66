/**
 * The permanent error codes of async-op's cross-thread cancel. Messages may change between versions; codes never do.
 *
 * @remarks
 * Kept apart from {@link ErrorCode} so that the single-thread primitive's table stays what it is; check `error.code`,
 * which works across duplicate copies of the package and across threads (codes survive the trip, classes do not).
 */
export const CrossThreadErrorCode = {
  /** {@link CancelSlotTable.share} found every slot in use; see {@link CancelSlotsExhaustedError}. */
  CANCEL_SLOTS_EXHAUSTED: 'ERR_CANCEL_SLOTS_EXHAUSTED',
  /** A released {@link SharedCancel} was used or released again; see {@link CancelSlotReleasedError}. */
  CANCEL_SLOT_RELEASED: 'ERR_CANCEL_SLOT_RELEASED',
  /** The thread running a call exited (or its port closed) before reporting; see {@link CrossThreadExitError}. */
  CROSS_THREAD_EXITED: 'ERR_CROSS_THREAD_EXITED',
  /** The other thread answered a call with a message that breaks the protocol (a bug on that side). */
  CROSS_THREAD_PROTOCOL: 'ERR_CROSS_THREAD_PROTOCOL',
} as const;

/** One of the values of {@link CrossThreadErrorCode}. */
export type CrossThreadErrorCode = (typeof CrossThreadErrorCode)[keyof typeof CrossThreadErrorCode];

export { AsyncOp } from './async-op.js';
export type { AsyncOpOptions, AsyncOpState } from './async-op-options.js';
export { CancelRegistration } from './cancel-registration.js';
export type { CancelCallback } from './cancel-registration.js';
export {
  CanceledError,
  DeadlineExceededError,
  cancelKindOf,
  isCanceledError,
  isDeadlineError,
} from './canceled-error.js';
export type { CancelKind, CanceledErrorOptions } from './canceled-error.js';
export { AsyncOpReleasedError } from './async-op-released-error.js';
export { CancelCallbackError } from './cancel-callback-error.js';
export { ErrorCode } from './error-codes.js';
export { defineErrorCodes, isErrorCodeTable } from './error-code-table.js';
export type { ErrorCodeEntry, ErrorCodeTable } from './error-code-table.js';
export { asyncOpErrorCodes } from './error-registry.js';
export { describeValue } from './describe-value.js';
export { LeakTracker } from './leak-tracker.js';
export type { CollectedReference, LeakTrackerOptions, LiveReference } from './leak-tracker.js';
export { runAsPromise, runAsPromiseRejectingOnCancel } from './run-as-promise.js';
export type { NodeCallback, RunAsPromiseOptions, StartFunction } from './run-as-promise.js';
export { CancelSlotTable } from './cross-thread/cancel-slot-table.js';
export type { CancelSlotTableOptions } from './cross-thread/cancel-slot-table.js';
export { SharedCancel } from './cross-thread/shared-cancel.js';
export type { SharedCancelDescriptor } from './cross-thread/shared-cancel-descriptor.js';
export { SharedCancelFollower, SLOT_RELEASED_KIND } from './cross-thread/shared-cancel-follower.js';
export type { SharedCancelFollowerOptions } from './cross-thread/shared-cancel-follower.js';
export { CancelSlotsExhaustedError } from './cross-thread/cancel-slots-exhausted-error.js';
export { CancelSlotReleasedError } from './cross-thread/cancel-slot-released-error.js';
export { CrossThreadExitError } from './cross-thread/cross-thread-exit-error.js';
export { CrossThreadErrorCode } from './cross-thread/cross-thread-error-codes.js';
export { CrossThreadChannel } from './cross-thread/cross-thread-channel.js';
export type {
  CancelReport,
  CrossThreadCallOptions,
  CrossThreadChannelOptions,
  CrossThreadEndpoint,
} from './cross-thread/cross-thread-channel.js';
export { CrossThreadServer } from './cross-thread/cross-thread-server.js';
export type {
  CrossThreadHandler,
  CrossThreadPort,
  CrossThreadServerOptions,
} from './cross-thread/cross-thread-server.js';
export { MAX_TIMER_DELAY_MS, SystemClock, systemClock } from './clock.js';
export type { Clock, SystemClockOptions } from './clock.js';
export { ManualClock } from './manual-clock.js';
export type { ManualClockOptions, RunUntilIdleOptions } from './manual-clock.js';
export { formatOpTree, liveOpTree } from './op-tree.js';
export type { FormatOpTreeOptions, LiveOp } from './op-tree.js';
export { AsyncOpChannels } from './tracing.js';
export type { AsyncOpEvent } from './tracing.js';

export { AsyncOp } from './async-op.js';
export type { AsyncOpOptions, AsyncOpState } from './async-op.js';
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
export { describeValue } from './describe-value.js';
export { LeakTracker } from './leak-tracker.js';
export type { CollectedReference, LeakTrackerOptions, LiveReference } from './leak-tracker.js';
export { runAsPromise, runAsPromiseRejectingOnCancel } from './run-as-promise.js';
export type { NodeCallback, RunAsPromiseOptions, StartFunction } from './run-as-promise.js';
export { MAX_TIMER_DELAY_MS, SystemClock, systemClock } from './clock.js';
export type { Clock, SystemClockOptions } from './clock.js';
export { ManualClock } from './manual-clock.js';
export type { ManualClockOptions, RunUntilIdleOptions } from './manual-clock.js';
export { formatOpTree, liveOpTree } from './op-tree.js';
export type { FormatOpTreeOptions, LiveOp } from './op-tree.js';
export { AsyncOpChannels } from './tracing.js';
export type { AsyncOpEvent } from './tracing.js';

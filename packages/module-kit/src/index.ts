export { CancellableModuleBase } from './cancellable-module-base.js';
export { delay } from './delay.js';
export { deliverResult } from './deliver-result.js';
export type { DelayOptions } from './delay.js';
export { startForwarded } from './forward.js';
export type { ForwardContext, ForwardOptions } from './forward.js';
export { ModuleClosedError, ModuleErrorCode, ModuleStateError } from './module-errors.js';
export { followUpper, parentReasonOf, releaseLower } from './lower-op.js';
export { ModuleLifecycle } from './module-lifecycle.js';
export type { CancellableModule, ModuleState, Result, ResultStatus, StartCallback } from './module-types.js';
export { operationLabel } from './operation-label.js';
export { readOperationOptions } from './operation-options.js';
export type { OperationOptions, OperationSettings } from './operation-options.js';
export {
  MAX_TIMER_DELAY_MS,
  expectCallback,
  expectClock,
  expectInteger,
  expectLowerModule,
  expectObject,
  expectTimeoutMs,
} from './option-validators.js';
export { MAX_CHUNK_SIZE, expectBytes, expectChunkSize, expectPath, isDetached } from './request-validators.js';
export { isRetryableError, mapRetryableToError } from './retryable-error.js';
export { shutdownReason } from './shutdown-reason.js';
export { startTask } from './start-task.js';
export type { TaskBody, TaskOptions } from './start-task.js';
export { TrackingList } from './tracking-list.js';
export type { TrackingLinks } from './tracking-list.js';
export { createFileJob } from './file-jobs/create-file-job.js';
export { DataDetachedError } from './file-jobs/data-detached-error.js';
export { DEFAULT_CHUNK_SIZE, parseFileJobRequest, validateFileJobRequest } from './file-jobs/file-job-request.js';
export type { FileJobRequest, FileJobValue } from './file-jobs/file-job-request.js';
export { FileJob } from './file-jobs/file-job.js';
export type { Job, JobEnd } from './file-jobs/job.js';
export { expectLowLevelOptions } from './file-jobs/low-level-options.js';
export type { LowLevelModuleOptions } from './file-jobs/low-level-options.js';
export { LowLevelTestSettings, MAX_SCRIPTED_OUTCOMES } from './file-jobs/low-level-test-settings.js';
export type { LowLevelTestSettingsOptions, ScriptedOutcome } from './file-jobs/low-level-test-settings.js';

export { CancellableModuleBase } from './cancellable-module-base.js';
export { startForwarded } from './forward.js';
export type { ForwardContext, ForwardOptions } from './forward.js';
export { ModuleClosedError, ModuleErrorCode, ModuleStateError } from './module-errors.js';
export { ModuleLifecycle } from './module-lifecycle.js';
export type { CancellableModule, ModuleState, Result, ResultStatus, StartCallback } from './module-types.js';
export {
  MAX_TIMER_DELAY_MS,
  expectCallback,
  expectInteger,
  expectLowerModule,
  expectObject,
} from './option-validators.js';
export { MAX_CHUNK_SIZE, expectBytes, expectChunkSize, expectPath, isDetached } from './request-validators.js';
export { isRetryableError, mapRetryableToError } from './retryable-error.js';
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
export type { ScriptedOutcome } from './file-jobs/low-level-test-settings.js';

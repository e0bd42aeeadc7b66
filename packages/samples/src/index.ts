export { AtomicSaveModule } from './ml-chain.js';
export type { AtomicSaveModuleOptions, AtomicSaveRequest } from './ml-chain.js';
export { CancelAllModule } from './hl-cancel-all.js';
export type { CancelAllModuleOptions } from './hl-cancel-all.js';
export { FakeCancelFileModule } from './ll-fake-cancel.js';
export { HighLevelModule } from './hl.js';
export type { HighLevelModuleOptions, RunOptions } from './hl.js';
export { PassThroughModule } from './ml-pass-through.js';
export type { PassThroughModuleOptions } from './ml-pass-through.js';
export { RealCancelFileModule } from './ll-real-cancel.js';
export { RetryModule } from './ml-retries.js';
export type { RetryModuleOptions } from './ml-retries.js';
export { SAMPLES, sampleLabel, sampleNamed, stackLabel } from './sample-names.js';
export type { SampleId, SampleName } from './sample-names.js';
export { MAX_FAILED_STARTS, WorkerPoolModule } from './ll-worker-pool.js';
export type { WorkerPoolModuleOptions } from './ll-worker-pool.js';
export { MAX_PAUSE_MS, MAX_ROUNDS, validateHashRequest } from './hash-request.js';
export type { HashRequest, HashValue } from './hash-request.js';
export { startWorkerThread } from './pool-thread.js';
export type { PoolThread } from './pool-thread.js';
export { ScriptedPoolThread } from './scripted-pool-thread.js';
export type { ScriptedPoolThreadOptions } from './scripted-pool-thread.js';
export type { PoolTraceEvent, PoolTraceEventType, PoolTraceListener } from './worker-pool-trace.js';
// moved to async-op-module-kit; re-exported so that code importing them from here keeps working (see CHANGELOG.md)
export {
  DataDetachedError,
  DEFAULT_CHUNK_SIZE,
  isRetryableError,
  LowLevelTestSettings,
  ModuleClosedError,
  ModuleErrorCode as SampleErrorCode,
  ModuleStateError,
  validateFileJobRequest,
} from 'async-op-module-kit';
export type {
  CancellableModule,
  FileJobRequest,
  FileJobValue,
  LowLevelModuleOptions,
  ModuleState,
  Result,
  ResultStatus,
  ScriptedOutcome,
  StartCallback,
} from 'async-op-module-kit';
export { buildStack, createFileLowLevel, sampleLayers, writeRequest } from './stacks/build-stack.js';
export { SAMPLE_MODULES } from './stacks/sample-modules.js';
export type { BuildStackOptions, BuiltStack, LayerFactories, StackModule } from './stacks/build-stack.js';
export {
  FILE_LOW_LEVELS,
  FILE_STACKS,
  hasLayer,
  isCancelAll,
  POOL_LOW_LEVEL,
  POOL_STACKS,
  stackNamed,
  stackTitle,
} from './stacks/sample-stacks.js';
export type { FileLowLevelName, LowLevelName, SampleLayerName, SampleStack } from './stacks/sample-stacks.js';

export { AsyncFileManager } from './file-manager.js';
export type { AsyncFileManagerOptions, NewFileHandleOptions } from './file-manager-options.js';
export { CACHE_PROBE_ENV, ENGINE_ENV, SYNC_THRESHOLD_ENV } from './internal/environment.js';
export { BufferPool } from './buffer-pool.js';
export type { BufferAllocator, BufferPoolOptions } from './buffer-pool.js';
export { AsyncFileHandle } from './file-handle.js';
export type { OpenFileOptions } from './file-handle.js';
export type { EngineError, FileCallback } from './file-callback.js';
export { allocateAlignedBuffer } from './aligned-buffer.js';
export { FileErrorCode, FileHandleError } from './file-handle-error.js';
export type { FeatureUnavailableErrorCode, FileStateErrorCode } from './file-handle-error.js';
export { FileStateError } from './file-state-error.js';
export { FeatureUnavailableError } from './feature-unavailable-error.js';
export { FileActionError, FileActionErrorCode } from './file-action-error.js';
export { asyncFileErrorCodes } from './error-registry.js';
export type { ActionSettlement, ActionSettlementOutcome, ManagerActionOptions } from './action-settlement.js';
export { AsyncFileChannels } from './file-action-channels.js';
export type { FileActionEvent } from './file-action-channels.js';
export { FileTraceRecorder } from './file-trace.js';
export type { FileTraceEvent, FileTraceEventType, FileTraceListener } from './file-trace.js';
export { DescriptorEngine } from './engines/descriptor-engine.js';
export { NodeFsEngine } from './engines/node-fs-engine.js';
export { REQUIRED_ENGINE_METHODS, WOULD_BLOCK } from './file-engine.js';
export type {
  DirectIoAlignment,
  EngineCallback,
  EngineMethodName,
  EngineRequest,
  FileEngine,
  FileStats,
  OpenMode,
} from './file-engine.js';
export { ENGINE_CAPABILITIES } from './engine-capabilities.js';
export type { EngineCapabilities, EngineCapability, EngineSupport } from './engine-capabilities.js';
export { PromiseFileHandle } from './promise-file-handle.js';
export type { FileActionOptions } from './promise-file-handle.js';
export { PromiseFileManager } from './promise-file-manager.js';
export { ScriptedEngine } from './engines/scripted-engine.js';
export { ScriptedEngineControls } from './engines/scripted/scripted-engine-controls.js';
export { ScriptedCall } from './engines/scripted/scripted-call.js';
export type {
  CancelDelivery,
  CompletionPolicy,
  NowPolicy,
  NowRequest,
  ScriptedEngineOptions,
} from './engines/scripted/scripted-engine-options.js';
export type { ScriptedCallKind, ScriptedCallState } from './engines/scripted/scripted-call.js';
export { IoUringEngine } from './engines/io-uring-engine.js';
export { IoUringUnavailableError } from './engines/io-uring/engine-options.js';
export { NativeErrorCode } from './native-error-code.js';
export type { IoUringEngineOptions } from './engines/io-uring/engine-options.js';
export { createFileEngine, selectEngine } from './engines/select-engine.js';
export type { EngineChoice, EngineSelection } from './engines/select-engine.js';

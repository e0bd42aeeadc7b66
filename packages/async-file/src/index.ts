export { AsyncFileManager, CACHE_PROBE_ENV, ENGINE_ENV, SYNC_THRESHOLD_ENV } from './file-manager.js';
export type { AsyncFileManagerOptions, NewFileHandleOptions } from './file-manager.js';
export { BufferPool } from './buffer-pool.js';
export type { BufferAllocator, BufferPoolOptions } from './buffer-pool.js';
export { AsyncFileHandle } from './file-handle.js';
export type { FileCallback, OpenFileOptions } from './file-handle.js';
export { allocateAlignedBuffer } from './aligned-buffer.js';
export { FileErrorCode, FileHandleError } from './file-handle-error.js';
export { FileActionError, FileActionErrorCode } from './file-action-error.js';
export type { ActionSettlement, ActionSettlementOutcome, ManagerActionOptions } from './action-settlement.js';
export { FileTraceRecorder } from './file-trace.js';
export type { FileTraceEvent, FileTraceEventType, FileTraceListener } from './file-trace.js';
export { DescriptorEngine } from './engines/descriptor-engine.js';
export { NodeFsEngine } from './engines/node-fs-engine.js';
export { WOULD_BLOCK } from './file-engine.js';
export type {
  DirectIoAlignment,
  EngineCallback,
  EngineError,
  EngineRequest,
  FileEngine,
  FileStats,
  OpenMode,
} from './file-engine.js';
export { PromiseFileHandle } from './promise-file-handle.js';
export type { FileActionOptions } from './promise-file-handle.js';
export { PromiseFileManager } from './promise-file-manager.js';
export { ScriptedEngine } from './engines/scripted-engine.js';
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
export type { IoUringEngineOptions } from './engines/io-uring/engine-options.js';
export { createFileEngine, selectEngine } from './engines/select-engine.js';
export type { EngineChoice, EngineSelection } from './engines/select-engine.js';

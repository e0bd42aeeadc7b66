import type { EngineError } from '../file-callback.js';
import type { FileTraceEventType, FileTraceListener } from '../file-trace.js';
import type { FileAction } from './file-action.js';

/** Sends `trace` one event of `action`, timestamped now (for `finished`, with the engine's error code if any). */
export function traceEvent(
  trace: FileTraceListener,
  type: FileTraceEventType,
  action: FileAction,
  error: EngineError | null | undefined,
): void {
  trace({
    time: performance.now(),
    type,
    actionId: action.id,
    action: action.step.kind,
    handleId: action.handle === null ? undefined : action.handle.id,
    slot: action.slot,
    ...(error !== undefined && error !== null && error.code !== undefined ? { error: error.code } : {}),
  });
}

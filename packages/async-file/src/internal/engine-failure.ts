import type { EngineError } from '../file-engine.js';
import { FileActionError, FileActionErrorCode } from '../file-action-error.js';

/** Failures of the manager's own steps (a read buffer the allocator could not give) thrown from a fast path. */
const ownFailures = new WeakSet<Error>();

/**
 * Marks `failure` as the action's own (not the engine's), for a fast path that throws it: the callback then receives
 * it as the asynchronous path delivers it, unwrapped.
 */
export function ownFailure(failure: Error): Error {
  ownFailures.add(failure);
  return failure;
}

/**
 * What an action's callback receives for a value an engine threw: an Error with a string `code` as it is (Node's own
 * errors, an errno error, the addon's coded errors), anything else wrapped in a FileActionError
 * `ERR_FILE_ENGINE_FAILED` whose `cause` is the value.
 */
export function engineFailure(thrown: unknown, engineName: string, kind: string): EngineError {
  if (thrown instanceof Error && (typeof (thrown as EngineError).code === 'string' || ownFailures.has(thrown))) {
    return thrown as EngineError;
  }
  const detail = thrown instanceof Error ? thrown.message : String(thrown);
  return new FileActionError(
    FileActionErrorCode.ENGINE_FAILED,
    `The engine '${engineName}' threw from ${kind}: ${detail}`,
    thrown,
  ) as EngineError;
}

/** The error of an action whose buffer no longer has the length it was enqueued with (detached or shrunk). */
export function detachedBufferError(kind: string, expected: number, actual: number): EngineError {
  return new FileActionError(
    FileActionErrorCode.BUFFER_DETACHED,
    `Cannot ${kind}: the buffer was detached or resized after the action was enqueued (${expected} bytes expected, ${actual} left)`,
  ) as EngineError;
}

/**
 * Whether `buffer` is a view of a detached ArrayBuffer. A detached view reports length 0, so only empty views are
 * looked at (a view with bytes is never detached): ArrayBuffer#detached where the runtime has it (Node 22+), else a
 * zero-length view of the same memory, which V8 refuses to construct on a detached buffer.
 */
export function isDetached(buffer: Uint8Array): boolean {
  if (buffer.byteLength !== 0) return false;
  const memory = buffer.buffer as ArrayBufferLike & { readonly detached?: boolean };
  if (typeof memory.detached === 'boolean') return memory.detached;
  try {
    new Uint8Array(memory, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** A Node-style error from an engine or an action: `code` is the errno name (`ENOENT`, `EBADF`, ...), as Node's fs reports it. */
export type EngineError = NodeJS.ErrnoException;

/**
 * The one callback shape of async-op-file, for engine calls and file actions alike: Node-style, `error` null on success
 * (then `result` holds the value).
 *
 * @remarks Called exactly once per call or action that returned (never for one that threw): synchronously inside the
 *   call or later, as the engine or the action documents; a file action's callback never runs inside the call that
 *   enqueued it, nor after its cancel() returned.
 */
export type FileCallback<T> = (error: EngineError | null, result: T) => void;

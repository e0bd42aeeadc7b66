/** What happened to an action: the lifecycle that the ordering tests and the docs' diagrams are drawn from. */
export type FileTraceEventType = 'enqueued' | 'started' | 'finished' | 'callback' | 'canceled' | 'undone';

/** One trace event of one action. */
export interface FileTraceEvent {
  /** `performance.now()` when it happened, in milliseconds. */
  readonly time: number;
  readonly type: FileTraceEventType;
  /** Increasing per manager. */
  readonly actionId: number;
  /** The action: `openExistingFile`, `write`, `close`, `unlink`, ... */
  readonly action: string;
  /** The handle's id, or undefined for a manager-level action (stat(path), unlink, rename). */
  readonly handleId: number | undefined;
  /** The worker slot (0 .. concurrency - 1) running the action; -1 before it started. */
  readonly slot: number;
  /** For `finished`: the error code when the engine reported one. */
  readonly error?: string;
}

/** Receives every trace event, synchronously, as it happens. */
export type FileTraceListener = (event: FileTraceEvent) => void;

/**
 * Collects trace events in memory; pass its `listener` as the manager's `trace` option.
 *
 * @example
 * ```ts
 * const recorder = new FileTraceRecorder();
 * const manager = new AsyncFileManager({ concurrency: 1, trace: recorder.listener });
 * // ... run actions, then:
 * recorder.started(); // ['openExistingFile', 'write', 'close', ...]
 * ```
 */
export class FileTraceRecorder {
  /** Every event so far, in order. */
  readonly events: FileTraceEvent[] = [];
  /** The listener to pass as `trace`. */
  readonly listener: FileTraceListener = (event) => {
    this.events.push(event);
  };

  /** The action names of the `started` events, in order. */
  started(): string[] {
    return this.events.filter((event) => event.type === 'started').map((event) => event.action);
  }

  /** Forgets every event. */
  clear(): void {
    this.events.length = 0;
  }
}

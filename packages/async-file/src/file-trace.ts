import type { FileActionEvent } from './file-action-channels.js';

/**
 * What happened to an action: the lifecycle that the ordering tests and the docs' diagrams are drawn from.
 * - `enqueued`, `started`, `canceled`, `undone`, `settled`: as the {@link AsyncFileChannels} of those names
 *   (`enqueued` is `queued` there);
 * - `finished`: the engine reported (for a canceled action too): the system call is over;
 * - `callback`: the action's callback is about to run (the channels' `completed`, which an abort's close, having no
 *   callback, publishes too).
 */
export type FileTraceEventType = 'enqueued' | 'started' | 'finished' | 'callback' | 'canceled' | 'undone' | 'settled';

/**
 * One trace event of one action: the fields of a {@link FileActionEvent}, plus its type and time. `error` is also set
 * on `finished` (the engine's error code), and `transferredBytes` on `finished` and `callback`.
 */
export interface FileTraceEvent extends FileActionEvent {
  /** `performance.now()` when it happened, in milliseconds. */
  readonly time: number;
  readonly type: FileTraceEventType;
}

/**
 * Receives every trace event, synchronously, from inside the manager, as it happens (the manager's `trace` option).
 *
 * @remarks A call into the manager from inside it (enqueue, cancel, close) re-enters the manager in the middle of a
 *   step: defer such work with `queueMicrotask`. What it throws never reaches the manager (the action goes on, its
 *   callback still runs exactly once): it is reported as diagnostics_channel reports a subscriber's error, as an
 *   `'uncaughtException'` on the next tick.
 */
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

import type { FileTraceListener } from '../file-trace.js';
import type { ReadBufferSource } from './read-buffer-source.js';

/** What a scheduler runs with: checked by the manager (manager-settings.ts) and handed over once, at construction. */
export interface SchedulerSettings {
  /** Actions in flight at most (slots). */
  readonly concurrency: number;
  /** Receives every trace event, or undefined for none. */
  readonly trace: FileTraceListener | undefined;
  /** Reads and writes up to this many bytes take the fast path (0: off); a handle may override it. */
  readonly syncThreshold: number;
  /** Whether the fast path asks the engine never to block (the cache probe). */
  readonly noWait: boolean;
  /** Schedules the delivery of a batch of fast-path completions (the `fastPathDelivery` option). */
  readonly scheduleDelivery: (deliver: () => void) => void;
  /** Where read results come from and go back to. */
  readonly buffers: ReadBufferSource;
}

import type { FileTraceEvent } from 'async-op-file';

/** One line of a demo's timeline: when, which layer, what happened. */
export interface TimelineEntry {
  readonly time: number;
  readonly layer: string;
  readonly event: string;
}

/**
 * Collects what the layers of one demo did, in order, with times relative to its start.
 *
 * @remarks The file backend's events come from the manager's trace; the modules' events (start returned, cancel
 * called, callback) are added by the demo where it calls them.
 */
export class Timeline {
  private readonly start = performance.now();
  readonly entries: TimelineEntry[] = [];

  /** Adds an event of `layer` now. */
  add(layer: string, event: string): void {
    this.entries.push({ time: performance.now() - this.start, layer, event });
  }

  /** The manager's trace listener: every file action event becomes a `file` entry. */
  readonly fileTrace = (event: FileTraceEvent): void => {
    const slot = event.slot >= 0 ? ` [slot ${event.slot}]` : '';
    const error = event.error === undefined ? '' : ` (${event.error})`;
    this.entries.push({
      time: event.time - this.start,
      layer: 'file',
      event: `${event.action} #${event.actionId} ${event.type}${slot}${error}`,
    });
  };

  /** The timeline as aligned text lines; consecutive file events of one kind are folded past `maxFileRun`. */
  format(maxFileRun = 6): string[] {
    const lines: string[] = [];
    let folded = 0;
    let run = 0;
    for (const entry of this.entries) {
      run = entry.layer === 'file' ? run + 1 : 0;
      if (run > maxFileRun) {
        folded++;
        continue;
      }
      if (folded > 0) {
        lines.push(`${''.padStart(9)}  ${'file'.padEnd(15)}  ... ${folded} more file events`);
        folded = 0;
      }
      lines.push(`${entry.time.toFixed(2).padStart(7)} ms  ${entry.layer.padEnd(15)}  ${entry.event}`);
    }
    if (folded > 0) lines.push(`${''.padStart(9)}  ${'file'.padEnd(15)}  ... ${folded} more file events`);
    return lines;
  }
}

import type { FileTraceEvent } from 'async-op-file';

/**
 * Turns file-backend trace events (and module events interleaved with them) into a Mermaid sequence diagram.
 *
 * @remarks Only the ORDER of events is drawn, never their times, so a diagram regenerated from the same scripted run
 * is identical and a drift test can compare it whole.
 */
export class SequenceDiagram {
  private readonly lines: string[] = [];
  private readonly participants = new Map<string, string>();

  /** @param participants - id -> label, in the order they appear left to right. */
  constructor(participants: Record<string, string>) {
    for (const [id, label] of Object.entries(participants)) this.participants.set(id, label);
  }

  /** An arrow from `from` to `to`; `isReply` draws it dashed. */
  arrow(from: string, to: string, text: string, isReply = false): void {
    this.lines.push(`  ${from}${isReply ? '-->>' : '->>'}${to}: ${text}`);
  }

  /** A note over one or two participants. */
  note(over: string, text: string): void {
    this.lines.push(`  Note over ${over}: ${text}`);
  }

  /**
   * The manager-engine part of a trace event, drawn between `caller`, `manager` and `engine` (callbacks go back to
   * `caller`).
   */
  fileEvent(event: FileTraceEvent, caller = 'C'): void {
    const what = `${event.action} (h${event.handleId ?? '-'}#${event.actionId})`;
    switch (event.type) {
      case 'enqueued':
        this.arrow(caller, 'M', `enqueue ${what}`);
        break;
      case 'started':
        this.arrow('M', 'E', `start ${what} in slot ${event.slot}`);
        break;
      case 'finished':
        this.arrow('E', 'M', `${what} done${event.error === undefined ? '' : ` (${event.error})`}`, true);
        break;
      case 'callback':
        this.arrow('M', caller, `callback ${what}`, true);
        break;
      case 'canceled':
        this.note('M', `${what} canceled`);
        break;
      case 'undone':
        this.note('M,E', `${what} undone`);
        break;
    }
  }

  /** The diagram as a fenced Mermaid block. */
  toMarkdown(): string {
    const header = [...this.participants].map(([id, label]) => `  participant ${id} as ${label}`);
    return ['```mermaid', 'sequenceDiagram', ...header, ...this.lines, '```'].join('\n');
  }
}

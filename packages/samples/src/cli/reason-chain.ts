import diagnosticsChannel from 'node:diagnostics_channel';
import { AsyncOpChannels, cancelKindOf, isDeadlineError, type AsyncOpEvent } from 'async-op';
import type { Timeline } from './timeline.js';

/** The causes followed at most (a cycle of causes must not hang the demo). */
const MAX_DEPTH = 16;

/** One reason in a line: its name, kind and origin, and whether a deadline started it. */
export function describeReason(reason: unknown): string {
  const error = reason as { name?: unknown; origin?: unknown; message?: unknown } | null | undefined;
  const name = typeof error?.name === 'string' ? error.name : typeof reason;
  const origin = typeof error?.origin === 'string' ? `, origin "${error.origin}"` : '';
  const deadline = isDeadlineError(reason) ? ', a deadline' : '';
  return `${name}: kind ${String(cancelKindOf(reason))}${origin}${deadline}`;
}

/**
 * The chain of a cancel reason, one line per link: the reason, then what caused it, down to where the cancellation
 * started.
 */
export function reasonChain(reason: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = reason;
  for (let depth = 0; depth < MAX_DEPTH && current !== undefined; depth++) {
    lines.push(`${depth === 0 ? '' : '<- caused by '}${describeReason(current)}`);
    current = (current as { cause?: unknown } | null)?.cause;
  }
  return lines;
}

/**
 * Watches the ops canceled while it is on (the async-op lifecycle channel `cancelRequested`): each becomes a timeline
 * entry, and their reasons are kept for the report.
 */
export class CancelWatch {
  /** The ops canceled so far: label and reason, in the order their cancel was requested. */
  readonly canceled: { readonly label: string; readonly reason: unknown }[] = [];
  readonly #listener = (message: unknown): void => {
    const event = message as AsyncOpEvent;
    const label = event.label ?? `op #${event.id}`;
    this.canceled.push({ label, reason: event.reason });
    this.timeline.add('async-op', `"${label}" canceled: ${describeReason(event.reason)}`);
  };

  /** Subscribes now: only ops created from now on are seen (the channels' rule). */
  constructor(private readonly timeline: Timeline) {
    diagnosticsChannel.subscribe(AsyncOpChannels.cancelRequested, this.#listener);
  }

  /** Unsubscribes. */
  stop(): void {
    diagnosticsChannel.unsubscribe(AsyncOpChannels.cancelRequested, this.#listener);
  }
}

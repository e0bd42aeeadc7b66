import type { FileTraceEvent } from '../../src/index.js';

/** Ids of the actions a trace shows canceled, then started: none, by the contract (a close is exempt: it always runs). */
export function startedAfterCancel(events: readonly FileTraceEvent[]): number[] {
  const canceled = new Set<number>();
  return events
    .filter((event) => {
      if (event.type === 'canceled') canceled.add(event.actionId);
      return event.type === 'started' && canceled.has(event.actionId) && event.action !== 'close';
    })
    .map((event) => event.actionId);
}

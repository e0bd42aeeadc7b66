// Guide code: the file actions' lifecycle channels bridged to OpenTelemetry spans. Not part of async-op-file (which
// does not depend on OpenTelemetry): copy it into an application that has @opentelemetry/api. Compiled and run by
// test/otel-bridge.test.ts; shown in docs/guides/tracing-with-opentelemetry.md.
import diagnosticsChannel from 'node:diagnostics_channel';
import { SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncFileChannels, type FileActionEvent } from 'async-op-file';

// #region bridge
/**
 * Turns every file action into a span: started when it is queued, ended when it completed (OK, or ERROR with its
 * error code) or, canceled, when the engine was done with it (`settled`). A canceled action's span carries
 * `async_op_file.canceled: true` and its outcome, and keeps an UNSET status: an intentional cancel is not an error.
 *
 * @returns a function that unsubscribes the bridge.
 */
export function bridgeFileActionsToOpenTelemetry(tracer: Tracer): () => void {
  // action ids are per manager: the key names both
  const spans = new Map<string, Span>();
  const keyOf = (event: FileActionEvent): string => `${event.managerId}:${event.actionId}`;
  const onQueued = (message: unknown): void => {
    const event = message as FileActionEvent;
    const span = tracer.startSpan(`file ${event.action}`, {
      attributes: {
        'async_op_file.action': event.action,
        'async_op_file.manager_id': event.managerId,
        'async_op_file.action_id': event.actionId,
        'async_op_file.engine': event.engine,
        ...(event.handleId === undefined ? {} : { 'async_op_file.handle_id': event.handleId }),
        ...(event.requestedBytes === undefined ? {} : { 'async_op_file.requested_bytes': event.requestedBytes }),
      },
    });
    spans.set(keyOf(event), span);
  };
  const onStarted = (message: unknown): void => {
    const event = message as FileActionEvent;
    spans.get(keyOf(event))?.addEvent('started', { 'async_op_file.slot': event.slot });
  };
  const onCanceled = (message: unknown): void => {
    const event = message as FileActionEvent;
    spans.get(keyOf(event))?.addEvent('cancel requested');
  };
  const onUndone = (message: unknown): void => {
    const event = message as FileActionEvent;
    spans.get(keyOf(event))?.addEvent('undone');
  };
  /** Ends the span: `completed` (not canceled) or `settled` (canceled, once the engine was done with it). */
  const onEnd = (message: unknown): void => {
    const event = message as FileActionEvent;
    const span = spans.get(keyOf(event));
    if (span === undefined) return;
    spans.delete(keyOf(event));
    const isCanceled = event.outcome !== undefined;
    span.setAttribute('async_op_file.canceled', isCanceled);
    if (event.transferredBytes !== undefined) {
      span.setAttribute('async_op_file.transferred_bytes', event.transferredBytes);
    }
    if (event.error !== undefined) span.setAttribute('error.type', event.error);
    if (isCanceled) {
      span.setAttribute('async_op_file.outcome', event.outcome);
      // a cancel is the caller's intent, not a failure: the status stays UNSET
    } else if (event.error !== undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: event.error });
    } else {
      span.setStatus({ code: SpanStatusCode.OK });
    }
    span.end();
  };
  const subscriptions: [string, (message: unknown) => void][] = [
    [AsyncFileChannels.queued, onQueued],
    [AsyncFileChannels.started, onStarted],
    [AsyncFileChannels.canceled, onCanceled],
    [AsyncFileChannels.undone, onUndone],
    [AsyncFileChannels.completed, onEnd],
    [AsyncFileChannels.settled, onEnd],
  ];
  for (const [name, handler] of subscriptions) diagnosticsChannel.subscribe(name, handler);
  return () => {
    for (const [name, handler] of subscriptions) diagnosticsChannel.unsubscribe(name, handler);
  };
}
// #endregion

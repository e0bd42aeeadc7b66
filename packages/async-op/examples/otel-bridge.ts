// Guide code: AsyncOp's lifecycle channels bridged to OpenTelemetry spans. Not part of async-op (which depends on
// nothing): copy it into an application that has @opentelemetry/api. Compiled and run by test/otel-bridge.test.ts;
// shown in docs/guides/tracing-with-opentelemetry.md.
import diagnosticsChannel from 'node:diagnostics_channel';
import { SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncOpChannels, type AsyncOpEvent } from 'async-op';

// #region bridge
/**
 * Turns every AsyncOp into a span: started at create, ended when the op completes (or, never completed, when its last
 * reference is released). A canceled op ends with `async_op.canceled: true` and its cancel kind, and an UNSET status:
 * an intentional cancel is not an error.
 *
 * @returns a function that unsubscribes the bridge.
 */
export function bridgeAsyncOpToOpenTelemetry(tracer: Tracer): () => void {
  const spans = new Map<number, Span>();
  const onCreate = (message: unknown): void => {
    const event = message as AsyncOpEvent;
    const span = tracer.startSpan(event.label ?? 'async-op', {
      attributes: {
        'async_op.id': event.id,
        ...(event.deadline === undefined ? {} : { 'async_op.deadline': event.deadline }),
      },
    });
    spans.set(event.id, span);
  };
  const onCancelRequested = (message: unknown): void => {
    const event = message as AsyncOpEvent;
    spans.get(event.id)?.addEvent('cancel requested', { 'async_op.cancel_kind': event.cancelKind ?? 'explicit' });
  };
  const onEnd = (message: unknown): void => {
    const event = message as AsyncOpEvent;
    const span = spans.get(event.id);
    if (span === undefined) return;
    spans.delete(event.id);
    span.setAttribute('async_op.canceled', event.isCanceled);
    if (event.cancelKind !== undefined) span.setAttribute('async_op.cancel_kind', event.cancelKind);
    if (event.parentId !== undefined) span.setAttribute('async_op.parent_id', event.parentId);
    // a cancel is the caller's intent, not a failure: the status stays UNSET
    span.setStatus({ code: SpanStatusCode.UNSET });
    span.end();
  };
  const subscriptions: [string, (message: unknown) => void][] = [
    [AsyncOpChannels.create, onCreate],
    [AsyncOpChannels.cancelRequested, onCancelRequested],
    [AsyncOpChannels.canceled, onEnd],
    [AsyncOpChannels.completed, onEnd],
    [AsyncOpChannels.released, onEnd],
  ];
  for (const [name, handler] of subscriptions) diagnosticsChannel.subscribe(name, handler);
  return () => {
    for (const [name, handler] of subscriptions) diagnosticsChannel.unsubscribe(name, handler);
  };
}
// #endregion

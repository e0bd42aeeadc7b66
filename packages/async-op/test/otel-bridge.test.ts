import { SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { AsyncOp, ManualClock } from '../src/index.js';
import { bridgeAsyncOpToOpenTelemetry } from '../examples/otel-bridge.js';

describe('the OpenTelemetry bridge (examples/otel-bridge.ts)', () => {
  it('should make a canceled op a span with the canceled attribute and NOT an error status', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const unsubscribe = bridgeAsyncOpToOpenTelemetry(provider.getTracer('async-op-test'));
    try {
      const clock = new ManualClock();
      const done = AsyncOp.create({ context: null, label: 'done' });
      done.complete();
      done.release();
      const canceled = AsyncOp.create({ context: null, label: 'canceled' });
      canceled.cancel();
      canceled.complete();
      canceled.release();
      const late = AsyncOp.create({ context: null, label: 'late', clock, timeoutMs: 5 });
      clock.advance(5);
      late.release();
      await provider.forceFlush();
      const spans = new Map(exporter.getFinishedSpans().map((span) => [span.name, span]));
      expect([...spans.keys()]).to.have.members(['done', 'canceled', 'late']);
      expect(spans.get('done')?.attributes['async_op.canceled']).to.equal(false);
      for (const name of ['canceled', 'late']) {
        const span = spans.get(name);
        expect(span?.attributes['async_op.canceled'], name).to.equal(true);
        expect(span?.status.code, name).to.equal(SpanStatusCode.UNSET);
        expect(
          span?.events.map((event) => event.name),
          name,
        ).to.deep.equal(['cancel requested']);
      }
      expect(spans.get('late')?.attributes['async_op.cancel_kind']).to.equal('deadline');
      expect(spans.get('canceled')?.attributes['async_op.cancel_kind']).to.equal('explicit');
    } finally {
      unsubscribe();
      await provider.shutdown();
    }
  });
});

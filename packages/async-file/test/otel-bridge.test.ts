import { SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { bridgeFileActionsToOpenTelemetry } from '../examples/otel-bridge.js';
import { AsyncFileManager } from '../src/index.js';
import { DEFAULT_ENGINE } from './support/default-engine.js';
import { EXPECTED_CALLS, idOf, runScenario, type ScenarioAction } from './support/lifecycle-scenario.js';
import { useTempDir } from './support/temp-dir.js';

describe(`AsyncFileManager actions as OpenTelemetry spans (examples/otel-bridge.ts, ${DEFAULT_ENGINE}, real files)`, () => {
  const tmp = useTempDir();

  it('should make a read a span with its bytes, a canceled action one with canceled and NOT an error status, ENOENT an error', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const unsubscribe = bridgeFileActionsToOpenTelemetry(provider.getTracer('async-op-file-test'));
    const manager = new AsyncFileManager({ concurrency: 1 });
    try {
      expect(await runScenario(manager, tmp.path)).to.deep.equal(EXPECTED_CALLS);
    } finally {
      unsubscribe();
    }
    await provider.forceFlush();
    const spans = exporter
      .getFinishedSpans()
      .filter((span) => span.attributes['async_op_file.manager_id'] === manager.id);
    const spanOf = (action: ScenarioAction): ReadableSpan => {
      const found = spans.filter((span) => span.attributes['async_op_file.action_id'] === idOf(action));
      expect(found, action).to.have.length(1);
      return found[0] as ReadableSpan;
    };
    // every action of the scenario became one span, ended
    expect(spans.map((span) => span.attributes['async_op_file.action_id']).sort()).to.deep.equal([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);

    const read = spanOf('read');
    expect(read.name).to.equal('file read');
    expect(read.status.code).to.equal(SpanStatusCode.OK);
    expect(read.attributes).to.include({
      'async_op_file.canceled': false,
      'async_op_file.requested_bytes': 5,
      'async_op_file.transferred_bytes': 5,
      'async_op_file.engine': manager.engineName,
    });
    expect(read.events.map((event) => event.name)).to.deep.equal(['started']);

    for (const action of ['canceledRead', 'canceledOpen', 'queuedOpen'] as const) {
      const canceled = spanOf(action);
      expect(canceled.attributes['async_op_file.canceled'], action).to.equal(true);
      expect(canceled.status.code, action).to.equal(SpanStatusCode.UNSET);
      expect(canceled.events.map((event) => event.name)).to.include('cancel requested');
    }
    expect(spanOf('queuedOpen').attributes['async_op_file.outcome']).to.equal('not-run');
    expect(spanOf('queuedOpen').events.map((event) => event.name)).to.deep.equal(['cancel requested']);
    if (DEFAULT_ENGINE !== 'io_uring') {
      // node-fs cannot stop the open: it ran, then its descriptor was closed
      expect(spanOf('canceledOpen').attributes['async_op_file.outcome']).to.equal('undone');
      expect(spanOf('canceledOpen').events.map((event) => event.name)).to.deep.equal([
        'started',
        'cancel requested',
        'undone',
      ]);
    }

    const failed = spanOf('failedOpen');
    expect(failed.status).to.deep.equal({ code: SpanStatusCode.ERROR, message: 'ENOENT' });
    expect(failed.attributes).to.include({ 'async_op_file.canceled': false, 'error.type': 'ENOENT' });
    await provider.shutdown();
  });
});

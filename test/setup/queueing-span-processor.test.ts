import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';

import { QueueingExporter } from '../../src/setup/queueing-exporter.js';
import { QueueingSpanProcessor } from '../../src/setup/queueing-span-processor.js';

/** A backend that takes requests and answers only when told to. */
class HeldBackend implements SpanExporter {
  readonly requests: {
    spans: ReadableSpan[];
    answer: (r: ExportResult) => void;
  }[] = [];

  export(spans: ReadableSpan[], answer: (result: ExportResult) => void): void {
    this.requests.push({ spans, answer });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function setUp(sampled = true): {
  backend: HeldBackend;
  exporter: QueueingExporter;
  provider: BasicTracerProvider;
} {
  const backend = new HeldBackend();
  const exporter = new QueueingExporter(backend, {
    maxQueuedSpans: 8192,
    maxBatchSize: 512,
    maxConcurrentRequests: 2,
    scheduledDelayMillis: 1000,
    destination: 'http://127.0.0.1:1/v1/traces',
  });
  const provider = new BasicTracerProvider({
    spanProcessors: [new QueueingSpanProcessor(exporter)],
    ...(sampled ? {} : { sampler: new AlwaysOffSampler() }),
  });
  return { backend, exporter, provider };
}

describe('QueueingSpanProcessor', () => {
  it('accounts for every span of a synchronous burst: exported, dropped or pending', async () => {
    const { backend, exporter, provider } = setUp();
    const tracer = provider.getTracer('burst');
    for (let i = 0; i < 20_000; i++) tracer.startSpan(`s${i}`).end();

    // Two full batches went out at once; the queue holds its bound; the
    // rest, and only the rest, was dropped.
    expect(backend.requests.map((r) => r.spans.length)).toEqual([512, 512]);
    expect(exporter.stats).toMatchObject({
      exportedSpans: 0,
      pendingSpans: 1024 + 8192,
      droppedSpans: 20_000 - 1024 - 8192,
    });

    // The backend takes everything from here on.
    const answerAll = (): void => {
      for (const request of backend.requests.splice(0)) {
        request.answer({ code: ExportResultCode.SUCCESS });
      }
    };
    const flushed = exporter.forceFlush();
    while (exporter.stats.pendingSpans > 0) {
      answerAll();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await flushed;
    const { exportedSpans, droppedSpans, pendingSpans } = exporter.stats;
    expect(exportedSpans).toBe(1024 + 8192);
    expect(exportedSpans + droppedSpans + pendingSpans).toBe(20_000);
  });

  it('waits for a full batch or the delay before sending', () => {
    const { backend, provider } = setUp();
    provider.getTracer('few').startSpan('one').end();
    expect(backend.requests).toHaveLength(0);
  });

  it('leaves out spans that were not sampled', () => {
    const { exporter, provider } = setUp(false);
    provider.getTracer('off').startSpan('dropped by the sampler').end();
    expect(exporter.stats.pendingSpans).toBe(0);
  });
});

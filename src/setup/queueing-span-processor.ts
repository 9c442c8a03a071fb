import { TraceFlags } from '@opentelemetry/api';
import type {
  ReadableSpan,
  SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

import type { QueueingExporter } from './queueing-exporter.js';

/**
 * The batch span processor of the set-up helper: every sampled span that
 * ends goes straight into the {@link QueueingExporter}'s bounded queue,
 * which batches, sends and retries. It stands in for the SDK's
 * BatchSpanProcessor, which keeps a second queue in front of the exporter:
 * that one drains one batch per turn of the event loop, so a burst of
 * synchronous executions overflows it, and what it drops can be neither
 * counted nor reported. With one queue, exported + dropped + pending
 * always adds up to the spans that ended.
 */
export class QueueingSpanProcessor implements SpanProcessor {
  constructor(private readonly _exporter: QueueingExporter) {}

  /** Nothing to do until the span ends. */
  onStart(): void {
    // The SDK calls it with the span and its parent context; unused here.
  }

  /** Queues a sampled span for export. */
  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this._exporter.export([span], () => undefined);
  }

  /** Sends everything queued; see {@link QueueingExporter.forceFlush}. */
  forceFlush(): Promise<void> {
    return this._exporter.forceFlush();
  }

  /** Flushes, then shuts the exporter down. */
  shutdown(): Promise<void> {
    return this._exporter.shutdown();
  }
}

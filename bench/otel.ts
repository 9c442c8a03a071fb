import type { Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

/** An exporter that does nothing but count and call back success. */
export class CountingExporter implements SpanExporter {
  exported = 0;

  export(
    spans: ReadableSpan[],
    resultCallback: (result: ExportResult) => void,
  ): void {
    this.exported += spans.length;
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * A recording SDK as an application would set it up: a
 * `BasicTracerProvider` with a `BatchSpanProcessor` at its defaults, over
 * an exporter that does nothing. It is not registered globally: the
 * tracker is given its tracer, and the raw side uses the same one.
 */
export class RecordingSdk {
  readonly exporter = new CountingExporter();
  readonly provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(this.exporter)],
  });
  readonly tracer: Tracer = this.provider.getTracer('bench');

  /** Exports what the batch processor holds. */
  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

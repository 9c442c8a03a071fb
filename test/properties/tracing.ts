// A real SDK for the property tests: a BasicTracerProvider exporting to
// memory through a SimpleSpanProcessor, with a processor that counts how
// often each span was started and ended, and a diag logger that catches
// what the SDK says when it is called wrongly.
import { diag, DiagLogLevel } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** Counts how often each started span was ended. */
export class SpanLedger implements SpanProcessor {
  readonly started = new Map<string, string>();
  readonly ends = new Map<string, number>();

  onStart(span: Span): void {
    this.started.set(span.spanContext().spanId, span.name);
  }

  onEnd(span: ReadableSpan): void {
    const id = span.spanContext().spanId;
    this.ends.set(id, (this.ends.get(id) ?? 0) + 1);
  }

  /** Ids of the spans started and not ended. */
  open(): string[] {
    return [...this.started.keys()].filter((id) => !this.ends.has(id));
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A real provider that exports to memory and counts starts and ends. */
export function createTracing(spanLimits: { eventCountLimit?: number } = {}) {
  const exporter = new InMemorySpanExporter();
  const ledger = new SpanLedger();
  const provider = new BasicTracerProvider({
    spanProcessors: [ledger, new SimpleSpanProcessor(exporter)],
    spanLimits,
  });
  return {
    tracer: provider.getTracer('properties'),
    ledger,
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
  };
}

/**
 * What the SDK says when it is called wrongly, and what the tracker says
 * when its own span work failed: each one is a fault of the tracker.
 */
const COMPLAINTS =
  /ended Span|end\(\) on a span once|Inconsistent start and end time|Invalid attribute|invalid status|the tracer threw|unexpected failure/;

/** Collects complaints that reach `diag`, until `stop()`. */
export function watchComplaints(): { complaints: string[]; stop(): void } {
  const complaints: string[] = [];
  // Component loggers pass their namespace first, the message after it.
  const note = (...args: unknown[]): void => {
    const message = args.map(String).join(' ');
    if (COMPLAINTS.test(message)) complaints.push(message);
  };
  diag.setLogger(
    {
      error: note,
      warn: note,
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  return {
    complaints,
    stop: () => {
      diag.disable();
    },
  };
}

import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll } from 'vitest';

/** A real SDK tracer provider that keeps every finished span in memory. */
export interface InMemoryTracing {
  readonly provider: BasicTracerProvider;
  readonly exporter: InMemorySpanExporter;
  /** A tracer of the provider, to hand to an ExecutionTracker. */
  readonly tracer: ReturnType<BasicTracerProvider['getTracer']>;
  /** The finished spans, in the order they ended. */
  spans(): ReadableSpan[];
  /** The one finished span named `name`; fails if there is not exactly one. */
  span(name: string): ReadableSpan;
}

/** Builds an in-memory provider; `sampler` defaults to the SDK's. */
export function createInMemoryTracing(
  options: {
    sampler?: Sampler;
    eventCountLimit?: number;
    attributeCountLimit?: number;
  } = {},
): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(options.sampler === undefined ? {} : { sampler: options.sampler }),
    spanLimits: {
      eventCountLimit: options.eventCountLimit ?? 1000,
      ...(options.attributeCountLimit === undefined
        ? {}
        : { attributeCountLimit: options.attributeCountLimit }),
    },
  });
  const tracer = provider.getTracer('test');
  return {
    provider,
    exporter,
    tracer,
    spans: () => exporter.getFinishedSpans(),
    span(name) {
      const found = exporter.getFinishedSpans().filter((s) => s.name === name);
      if (found.length !== 1) {
        throw new Error(
          `expected one span named ${name}, found ${found.length}`,
        );
      }
      return found[0] as ReadableSpan;
    },
  };
}

/** A sampler that drops every span. */
export const dropEverything = (): Sampler => new AlwaysOffSampler();

/**
 * Installs an AsyncLocalStorage context manager before the tests of the
 * calling file and removes it after them.
 */
export function useAsyncContextInThisFile(): void {
  let undo: () => void = () => undefined;
  beforeAll(() => {
    undo = useAsyncContext();
  });
  afterAll(() => {
    undo();
  });
}

/**
 * Installs an AsyncLocalStorage context manager for the duration of a test
 * file, as an application with an OpenTelemetry SDK has; returns the undo.
 */
export function useAsyncContext(): () => void {
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  return () => {
    manager.disable();
    context.disable();
  };
}

/** The parent span id of a finished span, or undefined for a root. */
export function parentId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

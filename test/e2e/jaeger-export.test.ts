import { createServer } from 'node:net';

import { beforeAll, describe, expect, it } from 'vitest';

import { ExecutionTracker } from '../../src/index.js';
import { setupTracing } from '../../src/setup/index.js';
import {
  getTraces,
  serviceOf,
  startJaeger,
  tagValue,
  waitForTrace,
  waitForTraces,
  type JaegerSpan,
  type JaegerTrace,
  useJaegerInThisFile,
} from '../support/jaeger.js';

const jaeger = useJaegerInThisFile();

const tracesUrl = (): string => `${jaeger().otlpHttpEndpoint}/v1/traces`;

function spanNamed(trace: JaegerTrace, name: string): JaegerSpan {
  const found = trace.spans.filter((span) => span.operationName === name);
  expect(found, name).toHaveLength(1);
  return found[0] as JaegerSpan;
}

function parentOf(span: JaegerSpan): string | undefined {
  return span.references.find((ref) => ref.refType === 'CHILD_OF')?.spanID;
}

function logFields(
  span: JaegerSpan,
  event: string,
): Record<string, unknown> | undefined {
  const log = span.logs.find((entry) =>
    entry.fields.some((f) => f.key === 'event' && f.value === event),
  );
  if (log === undefined) return undefined;
  return Object.fromEntries(log.fields.map((f) => [f.key, f.value]));
}

/** A run with causality, nesting, concurrency, a failure and a secret. */
async function runOrderFlow(tracker: ExecutionTracker): Promise<void> {
  const extract = tracker.recordRoutineStart('extract', {
    source: 'orders.csv',
    password: 'hunter2',
    options: { apiKey: 'k-123', batch: 2 },
  });
  tracker.recordEvent('extract', 'batch', 'transform', {
    size: 2,
    token: 't-1',
  });
  extract.end('completed', { rows: 4 });

  const first = tracker.recordRoutineStart('transform', { index: 0 });
  const second = tracker.recordRoutineStart('transform', { index: 1 });
  tracker.recordEvent('transform', 'rows', 'load', { count: 2 });
  second.end('failed', undefined, new RangeError('row 7 out of range'));
  first.end('completed', { rows: 2 });

  await tracker.trackRoutine('load', { table: 'orders' }, async () => {
    await Promise.resolve();
    tracker.trackRoutine('index', {}, () => 'ok');
  });
  tracker.end();
}

describe('a flow run exported to a real Jaeger', () => {
  let trace: JaegerTrace;
  let tracker: ExecutionTracker;

  beforeAll(async () => {
    const tracing = setupTracing({
      serviceName: 'e2e-orders',
      endpoint: tracesUrl(),
      exitHooks: false,
    });
    tracker = new ExecutionTracker('order-42');
    await runOrderFlow(tracker);
    await tracing.shutdown();
    expect(tracing.stats).toMatchObject({ exportedSpans: 6, droppedSpans: 0 });

    const [found] = await waitForTraces(jaeger().queryUrl, 'e2e-orders');
    trace = await waitForTrace(jaeger().queryUrl, found?.traceID ?? '', {
      spans: 6,
    });
  });

  it('is one trace of the service, rooted in the flow span', async () => {
    const traces = await getTraces(jaeger().queryUrl, 'e2e-orders');
    expect(traces).toHaveLength(1);
    expect(trace.spans).toHaveLength(6);
    const root = spanNamed(trace, 'flow order-42');
    expect(root.references).toEqual([]);
    expect(serviceOf(trace, root)).toBe('e2e-orders');
    expect(tagValue(root, 'flow.id')).toBe('order-42');
    for (const span of trace.spans) {
      expect(span.traceID).toBe(trace.traceID);
      expect(serviceOf(trace, span)).toBe('e2e-orders');
    }
  });

  it('links every routine span to its parent by the parent rules', () => {
    const id = (name: string): string => spanNamed(trace, name).spanID;
    expect(parentOf(spanNamed(trace, 'extract'))).toBe(id('flow order-42'));
    // Causality: extract sent a batch to transform.
    const transforms = trace.spans.filter(
      (s) => s.operationName === 'transform',
    );
    expect(transforms).toHaveLength(2);
    for (const span of transforms) expect(parentOf(span)).toBe(id('extract'));
    // Causality: the second transform, running newest, sent rows to load.
    const sender = transforms.find(
      (s) => tagValue(s, 'flow.routine.params.index') === 1,
    );
    expect(parentOf(spanNamed(trace, 'load'))).toBe(sender?.spanID);
    // Nesting through trackRoutine wins over causality.
    expect(parentOf(spanNamed(trace, 'index'))).toBe(id('load'));
  });

  it('carries events as span logs with their fields', () => {
    const fields = logFields(spanNamed(trace, 'extract'), 'batch');
    expect(fields).toMatchObject({
      'flow.event.source': 'extract',
      'flow.event.target': 'transform',
      'flow.event.data.size': 2,
      'flow.event.data.token': '[REDACTED]',
    });
  });

  it('marks the failed execution as an error with an exception log', () => {
    const failed = trace.spans.find(
      (s) =>
        s.operationName === 'transform' &&
        tagValue(s, 'flow.routine.status') === 'failed',
    ) as JaegerSpan;
    expect(tagValue(failed, 'error')).toBe(true);
    expect(tagValue(failed, 'otel.status_code')).toBe('ERROR');
    expect(tagValue(failed, 'otel.status_description')).toBe(
      'row 7 out of range',
    );
    expect(logFields(failed, 'exception')).toMatchObject({
      'exception.type': 'RangeError',
      'exception.message': 'row 7 out of range',
    });
    const ok = trace.spans.find(
      (s) =>
        s.operationName === 'transform' &&
        tagValue(s, 'flow.routine.status') === 'completed',
    ) as JaegerSpan;
    expect(tagValue(ok, 'error')).toBeUndefined();
  });

  it('carries the captured attributes with secrets redacted', () => {
    const extract = spanNamed(trace, 'extract');
    expect(tagValue(extract, 'flow.routine.id')).toBe('extract');
    expect(tagValue(extract, 'flow.routine.params.source')).toBe('orders.csv');
    expect(tagValue(extract, 'flow.routine.params.password')).toBe(
      '[REDACTED]',
    );
    expect(tagValue(extract, 'flow.routine.params.options.apiKey')).toBe(
      '[REDACTED]',
    );
    expect(tagValue(extract, 'flow.routine.params.options.batch')).toBe(2);
    expect(tagValue(extract, 'flow.routine.result.rows')).toBe(4);
    expect(JSON.stringify(trace)).not.toMatch(/hunter2|k-123|t-1/);
  });

  it('has the mirror untouched by export', () => {
    expect(tracker.getRoutinePerformance('transform')).toMatchObject({
      total_executions: 2,
      completed: 1,
      failed: 1,
    });
  });
});

/** A port nothing listens on, found by binding and releasing it. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(
          typeof address === 'object' && address !== null ? address.port : 0,
        );
      });
    });
  });
}

describe('a collector that is down at first', () => {
  it('receives everything the queue held once it comes up', async () => {
    const port = await freePort();
    const tracing = setupTracing({
      serviceName: 'e2e-late-collector',
      endpoint: `http://127.0.0.1:${port}/v1/traces`,
      exitHooks: false,
      exportTimeoutMillis: 2000,
    });

    const tracker = new ExecutionTracker('late');
    expect(() => {
      for (let i = 0; i < 40; i++) {
        const execution = tracker.recordRoutineStart('step', { i });
        tracker.recordEvent('step', 'next', 'step', { i });
        execution.end('completed', i);
      }
      tracker.end();
    }).not.toThrow();

    // Nothing listens yet: the export fails and the spans stay queued.
    await tracing.forceFlush();
    expect(tracing.stats.exportedSpans).toBe(0);
    expect(tracing.stats.pendingSpans).toBe(41);
    expect(tracing.stats.failedRequests).toBeGreaterThanOrEqual(1);

    const late = await startJaeger({ ports: { otlpHttp: port } });
    try {
      await tracing.shutdown();
      expect(tracing.stats).toMatchObject({
        exportedSpans: 41,
        droppedSpans: 0,
        pendingSpans: 0,
      });
      const [found] = await waitForTraces(late.queryUrl, 'e2e-late-collector');
      const trace = await waitForTrace(late.queryUrl, found?.traceID ?? '', {
        spans: 41,
      });
      expect(trace.spans).toHaveLength(41);
      expect(tracker.getRoutinePerformance('step')?.completed).toBe(40);
    } finally {
      await late.stop();
    }
  });
});

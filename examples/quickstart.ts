/**
 * The smallest complete use of the tracker: an application registers an
 * OpenTelemetry SDK, runs a three-routine flow through the tracker, and
 * reads back the in-process metrics, the trace that was produced and the
 * serialized run.
 *
 *   npx tsx examples/quickstart.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';

import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

import { ExecutionTracker } from '../src/index.js';

// What an application with OpenTelemetry already does at start-up. The
// in-memory exporter stands in for OTLP so that this example needs nothing
// running.
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
trace.setGlobalTracerProvider(provider);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** extract → transform (once per batch, concurrently) → load. */
async function runFlow(tracker: ExecutionTracker): Promise<void> {
  const batches = await tracker.trackRoutine(
    'extract',
    { source: 'orders.csv' },
    async () => {
      await sleep(20);
      const found = [[1, 2, 3], [4, 5], [], [6]];
      for (const batch of found) {
        tracker.recordEvent('extract', 'batch', 'transform', {
          size: batch.length,
        });
      }
      return found;
    },
  );

  // The same routine runs several times at once: each execution is ended
  // through its own handle, so results never pair with the wrong start.
  const transformed = await Promise.all(
    batches.map(async (batch, index) => {
      const execution = tracker.recordRoutineStart('transform', { index });
      await sleep(5 + 10 * batch.length);
      if (batch.length === 0) {
        execution.end(
          'failed',
          undefined,
          new Error(`batch ${index} is empty`),
        );
        return [];
      }
      const rows = batch.map((n) => n * 10);
      tracker.recordEvent('transform', 'rows', 'load', { count: rows.length });
      execution.end('completed', { rows: rows.length });
      return rows;
    }),
  );

  tracker.trackRoutine(
    'load',
    { table: 'orders', password: 'not-exported' },
    () => transformed.flat().length,
  );
}

const tracker = new ExecutionTracker('quickstart');
await runFlow(tracker);
tracker.end();

console.log(`flow ${tracker.flowId}\n`);
console.log('routine      runs  failed  avg ms  p95 ms');
for (const routineId of tracker.routineExecutions.keys()) {
  const perf = tracker.getRoutinePerformance(routineId);
  if (perf === null) continue;
  console.log(
    [
      routineId.padEnd(11),
      String(perf.total_executions).padStart(5),
      String(perf.failed).padStart(7),
      (perf.avg_execution_time * 1000).toFixed(1).padStart(7),
      (perf.p95_execution_time * 1000).toFixed(1).padStart(7),
    ].join(' '),
  );
}
const metrics = tracker.getPerformanceMetrics();
console.log(
  `\n${metrics.total_executions} executions, ${metrics.total_events} events, ` +
    `bottleneck: ${metrics.bottlenecks[0]?.routine_id ?? 'none'}\n`,
);

// The trace as a backend would show it: children under their parents.
const spans = exporter.getFinishedSpans();
const childrenOf = (parent: string | undefined): ReadableSpan[] =>
  spans
    .filter((span) => span.parentSpanContext?.spanId === parent)
    .sort(
      (a, b) =>
        a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1],
    );
const printTree = (span: ReadableSpan, depth: number): void => {
  const status = String(span.attributes['flow.routine.status'] ?? '');
  const events = span.events.map((event) => event.name).join(', ');
  const label = [span.name, status, events === '' ? '' : `[${events}]`]
    .filter((part) => part !== '')
    .join(' ');
  console.log(`${'  '.repeat(depth)}${label}`);
  for (const child of childrenOf(span.spanContext().spanId)) {
    printTree(child, depth + 1);
  }
};
for (const root of childrenOf(undefined)) printTree(root, 0);

mkdirSync('out', { recursive: true });
writeFileSync('out/quickstart.json', `${JSON.stringify(tracker, null, 2)}\n`);
console.log('\nserialized run written to out/quickstart.json');
await provider.shutdown();

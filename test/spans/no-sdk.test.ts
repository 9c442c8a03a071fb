// A tracer with no SDK behind it: no bookkeeping, the mirror whole; and an
// SDK registered in the middle of a run that began without one.
import { context, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';

import { ExecutionTracker } from '../../src/index.js';
import {
  createInMemoryTracing,
  parentId,
  useAsyncContextInThisFile,
} from '../support/in-memory-tracing.js';

useAsyncContextInThisFile();

afterEach(() => {
  trace.disable();
});

function run(tracker: ExecutionTracker): void {
  const a = tracker.recordRoutineStart('a', { k: 1 });
  a.recordEvent('out', 'b', { rows: 1 });
  tracker.recordEvent('a', 'out', 'c');
  const b = tracker.recordRoutineStart('b');
  context.with(b.context, () => {
    tracker.recordRoutineStart('c').end('failed', undefined, 'x');
  });
  b.end('completed', { r: 1 });
  tracker.recordRoutineEnd('a', 'skipped');
  tracker.recordRoutineStart('d');
  tracker.end();
  tracker.recordRoutineEnd('d');
}

function shape(tracker: ExecutionTracker) {
  const metrics = tracker.getPerformanceMetrics();
  return {
    statuses: metrics.status_counts,
    total: metrics.total_executions,
    events: metrics.total_events,
    records: [...tracker.routineExecutions].map(([id, list]) => [
      id,
      list.map((r) => [r.status, r.params, r.result, r.error]),
    ]),
  };
}

describe('no SDK, and one registered mid-run', () => {
  it('the mirror answers the same with no SDK, a dropping sampler and a real one', () => {
    const none = new ExecutionTracker('f');
    run(none);
    const off = createInMemoryTracing({
      sampler: {
        shouldSample: () => ({ decision: SamplingDecision.NOT_RECORD }),
        toString: () => 'off',
      },
    });
    const dropped = new ExecutionTracker({ flowId: 'f', tracer: off.tracer });
    run(dropped);
    const on = createInMemoryTracing();
    const live = new ExecutionTracker({ flowId: 'f', tracer: on.tracer });
    run(live);
    expect(shape(dropped)).toStrictEqual(shape(none));
    expect(shape(live)).toStrictEqual(shape(none));
    expect(off.spans()).toHaveLength(0);
    expect(on.spans()).toHaveLength(5);
    expect(none.recordRoutineStart('e').spanContext.traceId).toBe(
      '00000000000000000000000000000000',
    );
  });

  it('an SDK registered after the first record: later executions get spans, causality still holds', () => {
    const tracker = new ExecutionTracker('f');
    const early = tracker.recordRoutineStart('early');
    const tracing = createInMemoryTracing();
    expect(trace.setGlobalTracerProvider(tracing.provider)).toBe(true);
    const a = tracker.recordRoutineStart('a');
    a.recordEvent('out', 'b');
    early.recordEvent('out', 'c');
    const b = tracker.recordRoutineStart('b');
    const c = tracker.recordRoutineStart('c');
    b.end();
    c.end();
    a.end();
    early.end();
    tracker.end();
    const spanA = tracing.span('a');
    expect(parentId(tracing.span('b'))).toBe(spanA.spanContext().spanId);
    expect(tracker.getPerformanceMetrics().finished_executions).toBe(4);
  });

  it('an execution started where tracing is suppressed: its event goes to the root; its target hangs under the root', () => {
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'f',
      tracer: tracing.tracer,
    });
    tracker.recordRoutineStart('first').end();
    const quiet = context.with(suppressTracing(context.active()), () =>
      tracker.recordRoutineStart('quiet'),
    );
    expect(quiet.spanContext.traceId).toBe('00000000000000000000000000000000');
    quiet.recordEvent('out', 'next', { n: 1 });
    tracker.recordRoutineStart('next').end();
    quiet.end();
    tracker.end();
    const root = tracing.span('flow f');
    expect(root.events.map((e) => e.name)).toStrictEqual(['out']);
    expect(parentId(tracing.span('next'))).toBe(root.spanContext().spanId);
    expect(tracker.getRoutinePerformance('quiet')?.completed).toBe(1);
  });
});

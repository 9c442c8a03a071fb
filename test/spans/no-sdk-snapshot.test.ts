import { context, ProxyTracer, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { ExecutionTracker } from '../../src/index.js';
import { NoSdkSnapshot } from '../../src/spans/no-sdk.js';
import {
  createInMemoryTracing,
  parentId,
  useAsyncContextInThisFile,
} from '../support/in-memory-tracing.js';

useAsyncContextInThisFile();

afterEach(() => {
  trace.disable();
  vi.restoreAllMocks();
});

describe('NoSdkSnapshot', () => {
  it('stays unchanged until an SDK registers with the provider taken', () => {
    const snapshot = NoSdkSnapshot.take(trace.getTracerProvider());
    expect(snapshot?.unchanged()).toBe(true);
    expect(snapshot?.unchanged()).toBe(true);
    trace.setGlobalTracerProvider(createInMemoryTracing().provider);
    expect(snapshot?.unchanged()).toBe(false);
  });

  it('stays unchanged when an SDK registers after the provider taken stopped being the global one', () => {
    const provider = trace.getTracerProvider();
    const tracer = provider.getTracer('t');
    const snapshot = NoSdkSnapshot.take(provider);
    trace.disable();
    trace.setGlobalTracerProvider(createInMemoryTracing().provider);
    // Its tracers never get the SDK either: the snapshot is right to stay.
    expect(snapshot?.unchanged()).toBe(true);
    expect(tracer.startSpan('s').isRecording()).toBe(false);
  });

  it('takes nothing from a provider with an SDK behind it', () => {
    trace.setGlobalTracerProvider(createInMemoryTracing().provider);
    expect(NoSdkSnapshot.take(trace.getTracerProvider())).toBeUndefined();
  });

  it('takes nothing from a provider without a delegate', () => {
    const { provider } = createInMemoryTracing();
    expect(NoSdkSnapshot.take(provider)).toBeUndefined();
  });
});

describe('the default tracer with no SDK registered', () => {
  it('is asked for the root span only, and again for every execution once an SDK registers', () => {
    const startSpan = vi.spyOn(ProxyTracer.prototype, 'startSpan');
    const tracker = new ExecutionTracker('f');
    for (let i = 0; i < 5; i++) {
      const execution = tracker.recordRoutineStart('a', { i });
      execution.recordEvent('out', 'b', { i });
      expect(execution.spanContext.traceId).toBe(
        '00000000000000000000000000000000',
      );
      execution.end();
    }
    expect(startSpan.mock.calls.map((call) => call[0])).toStrictEqual([
      'flow f',
    ]);
    expect(tracker.getRoutinePerformance('a')?.completed).toBe(5);

    const tracing = createInMemoryTracing();
    trace.setGlobalTracerProvider(tracing.provider);
    tracker.recordRoutineStart('b').end('failed');
    tracker.recordRoutineStart('c').end();
    expect(startSpan.mock.calls.map((call) => call[0])).toStrictEqual([
      'flow f',
      'b',
      'c',
    ]);
    expect(tracing.span('b').attributes['flow.routine.status']).toBe('failed');
    expect(tracker.getPerformanceMetrics().finished_executions).toBe(7);
  });

  it('a tracer passed in is asked for every execution, SDK or not', () => {
    const startSpan = vi.spyOn(ProxyTracer.prototype, 'startSpan');
    const tracker = new ExecutionTracker({
      flowId: 'f',
      tracer: trace.getTracer('mine'),
    });
    tracker.recordRoutineStart('a').end();
    tracker.recordRoutineStart('a').end();
    expect(startSpan.mock.calls.map((call) => call[0])).toStrictEqual([
      'flow f',
      'a',
      'a',
    ]);
  });

  it('an SDK registered and then disabled: the tracer keeps the SDK it found, and executions their spans', () => {
    const tracker = new ExecutionTracker('f');
    tracker.recordRoutineStart('a').end();
    const tracing = createInMemoryTracing();
    trace.setGlobalTracerProvider(tracing.provider);
    tracker.recordRoutineStart('b').end();
    trace.disable();
    const late = tracker.recordRoutineStart('c');
    late.end();
    tracker.end();
    expect(tracing.spans().map((span) => span.name)).toStrictEqual(['b', 'c']);
    expect(late.spanContext).toStrictEqual(tracing.span('c').spanContext());
    expect(tracker.getPerformanceMetrics().finished_executions).toBe(3);
  });

  it('an SDK registered and the first record made with tracing suppressed: later executions get spans, parented by causality', () => {
    const tracing = createInMemoryTracing();
    trace.setGlobalTracerProvider(tracing.provider);
    const tracker = new ExecutionTracker('f');
    context.with(suppressTracing(context.active()), () => {
      tracker.recordRoutineStart('quiet').end();
    });
    const sender = tracker.recordRoutineStart('loud');
    sender.recordEvent('out', 'next');
    sender.end();
    tracker.recordRoutineStart('next').end();
    tracker.end();
    expect(tracing.spans().map((span) => span.name)).toStrictEqual([
      'loud',
      'next',
    ]);
    expect(parentId(tracing.span('next'))).toBe(
      tracing.span('loud').spanContext().spanId,
    );
  });

  it('an SDK registered mid-run: an event from no running execution makes its target start a trace of its own', () => {
    const tracker = new ExecutionTracker('f');
    tracker.recordRoutineStart('boot').end();
    const tracing = createInMemoryTracing();
    trace.setGlobalTracerProvider(tracing.provider);
    const sender = tracker.recordRoutineStart('a');
    sender.recordEvent('out', 'b');
    sender.end();
    tracker.recordRoutineStart('b').end();
    // The latest event to c comes from a source with no running execution.
    tracker.recordRoutineStart('a').recordEvent('out', 'c');
    tracker.recordEvent('scheduler', 'tick', 'c');
    tracker.recordRoutineStart('c').end();
    tracker.end();
    const [first] = tracing.spans().filter((span) => span.name === 'a');
    expect(parentId(tracing.span('b'))).toBe(first?.spanContext().spanId);
    expect(parentId(tracing.span('c'))).toBeUndefined();
  });

  it('a tracker made before trace.disable() keeps the tracer of the provider it was made with, which a later SDK never reaches', () => {
    const tracker = new ExecutionTracker('f');
    tracker.recordRoutineStart('before').end();
    trace.disable();
    const tracing = createInMemoryTracing();
    trace.setGlobalTracerProvider(tracing.provider);
    tracker.recordRoutineStart('after').end();
    new ExecutionTracker('g').recordRoutineStart('fresh').end();
    expect(tracing.spans().map((span) => span.name)).toStrictEqual(['fresh']);
  });
});

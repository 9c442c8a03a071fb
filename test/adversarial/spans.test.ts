// Adversarial tests of the span side, with a real SDK
// (BasicTracerProvider + InMemorySpanExporter + SimpleSpanProcessor) and
// an AsyncLocalStorage context manager.
import vm from 'node:vm';

import type { Span, Tracer } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';

import { ExecutionTracker } from '../../src/index.js';
import {
  createInMemoryTracing,
  useAsyncContextInThisFile,
} from '../support/in-memory-tracing.js';

useAsyncContextInThisFile();

function routineSpans(spans: ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((span) => span.name === name);
}

describe('spans end even when the values recorded are hostile', () => {
  const hostileErrors: [string, () => Error][] = [
    [
      'an Error whose stack getter throws',
      () => {
        const error = new Error('boom');
        Object.defineProperty(error, 'stack', {
          get() {
            throw new Error('no stack for you');
          },
        });
        return error;
      },
    ],
    [
      'an Error whose message getter throws (the case readText() guards)',
      () => {
        const error = new Error('boom');
        Object.defineProperty(error, 'message', {
          get() {
            throw new Error('no message for you');
          },
        });
        return error;
      },
    ],
    [
      'an Error whose code has no toString',
      () =>
        Object.assign(new Error('boom'), {
          code: Object.create(null) as object,
        }),
    ],
  ];

  it.each(hostileErrors)(
    'a routine failing with %s still gets its span ended and exported',
    (_label, makeError) => {
      const tracing = createInMemoryTracing();
      const tracker = new ExecutionTracker({
        flowId: 'hostile-error',
        tracer: tracing.tracer,
      });
      try {
        tracker.trackRoutine('fails', {}, () => {
          throw makeError();
        });
      } catch {
        // rethrown, as documented
      }
      tracker.end();
      // span.recordException() in the SDK reads code/name/message/stack and
      // throws; endRoutine() has already set routineSpan.ended = true and
      // never reaches span.end().
      expect(routineSpans(tracing.spans(), 'fails')).toHaveLength(1);
    },
  );
});

describe('a tracer whose spans throw from setAttributes', () => {
  function flakyTracer(real: Tracer): Tracer {
    const wrap = (span: Span): Span =>
      new Proxy(span, {
        get(target, key) {
          if (key === 'setAttributes') {
            return () => {
              throw new Error('attribute processor hiccup');
            };
          }
          const value: unknown = Reflect.get(target, key);
          return typeof value === 'function'
            ? (value as (...args: unknown[]) => unknown).bind(target)
            : value;
        },
      });
    return {
      startSpan: (name, options, ctx) =>
        wrap(real.startSpan(name, options, ctx)),
      startActiveSpan: real.startActiveSpan.bind(real),
    };
  }

  it('still ends the span of an execution that ended', () => {
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'flaky-ended',
      tracer: flakyTracer(tracing.tracer),
    });
    tracker.recordRoutineStart('done').end('completed', { rows: 1 });
    tracker.end();
    expect(routineSpans(tracing.spans(), 'done')).toHaveLength(1);
  });

  it('still ends the span of an execution running at end()', () => {
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'flaky-running',
      tracer: flakyTracer(tracing.tracer),
    });
    tracker.recordRoutineStart('still-running');
    tracker.end();
    expect(routineSpans(tracing.spans(), 'still-running')).toHaveLength(1);
  });
});

describe('concurrent executions of one routine', () => {
  it('an event emitted inside execution A (its span active) goes on A, and its target becomes A\u2019s child', async () => {
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'concurrent',
      tracer: tracing.tracer,
    });
    let markBRunning: () => void = () => undefined;
    const bRunning = new Promise<void>((resolve) => {
      markBRunning = resolve;
    });
    let releaseB: () => void = () => undefined;
    const bReleased = new Promise<void>((resolve) => {
      releaseB = resolve;
    });

    const a = tracker.trackRoutine('worker', { n: 'A' }, async () => {
      await bRunning;
      tracker.recordEvent('worker', 'out', 'sink', { from: 'A' });
    });
    const b = tracker.trackRoutine('worker', { n: 'B' }, async () => {
      markBRunning();
      await bReleased;
    });
    await a;
    releaseB();
    await b;
    tracker.recordRoutineStart('sink').end();
    tracker.end();

    const spans = tracing.spans();
    const spanA = spans.find(
      (s) => s.attributes['flow.routine.params.n'] === 'A',
    );
    const sink = spans.find((s) => s.name === 'sink');
    expect(spanA?.events.map((e) => e.name)).toEqual(['out']);
    expect(sink?.parentSpanContext?.spanId).toBe(spanA?.spanContext().spanId);
  });
});

describe('after end()', () => {
  it('an event recorded after end() by an execution end() closed stays in the mirror only', () => {
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'late-event',
      tracer: tracing.tracer,
    });
    const execution = tracker.recordRoutineStart('a');
    tracker.end();
    // Its span and the root were closed by end(): no span can take the
    // event (README, end()), so only the mirror has it.
    tracker.recordEvent('a', 'late', null, { n: 1 });
    execution.end();
    const names = tracing.spans().flatMap((s) => s.events.map((e) => e.name));
    expect(names).not.toContain('late');
    expect(tracker.eventFlow.map((e) => e.event_name)).toEqual(['late']);
  });
});

describe('errors from another realm', () => {
  it('an Error created in a vm context is recorded as an Error', () => {
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'vm-error',
      tracer: tracing.tracer,
    });
    const error = vm.runInNewContext('new TypeError("sandbox boom")') as Error;
    try {
      tracker.trackRoutine('sandboxed', {}, () => {
        throw error;
      });
    } catch {
      // rethrown
    }
    tracker.end();
    // `error instanceof Error` is false across realms: the record keeps
    // String(error) ("TypeError: sandbox boom"), and the exception event
    // lacks exception.type and exception.stacktrace.
    expect(tracker.routineExecutions.get('sandboxed')?.[0]?.error).toBe(
      'sandbox boom',
    );
    const exception = tracing
      .span('sandboxed')
      .events.find((e) => e.name === 'exception');
    expect(exception?.attributes?.['exception.type']).toBe('TypeError');
  });
});

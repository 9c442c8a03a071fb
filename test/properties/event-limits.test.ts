// README: the mirror keeps `maxEvents` events (100,000 by default) and
// drops the oldest past it, counting them; a span keeps what the SDK's
// `spanLimits.eventCountLimit` allows (1024 with `setupTracing`, "flows
// emit many; the SDK's default is 128"), and the SDK counts the rest in
// the span's droppedEventsCount, which OTLP carries.
import fc from 'fast-check';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';

import { ExecutionTracker } from '../../src/index.js';
import { resolveTracingConfig } from '../../src/setup/config.js';
import { SEED } from './arbitraries.js';
import { otlpPayload } from './span-checks.js';
import { createTracing } from './tracing.js';

/** One execution emitting `count` events, half through its handle. */
function emit(count: number, eventCountLimit: number, maxEvents?: number) {
  const tracing = createTracing({ eventCountLimit });
  const tracker = new ExecutionTracker({
    flowId: 'events',
    tracer: tracing.tracer,
    ...(maxEvents === undefined ? {} : { maxEvents }),
  });
  const execution = tracker.recordRoutineStart('emitter');
  for (let seq = 0; seq < count; seq++) {
    if (seq % 2 === 0) execution.recordEvent('tick', 'sink', { seq });
    else tracker.recordEvent('emitter', 'tick', 'sink', { seq });
  }
  execution.end('failed', undefined, new Error('after the events'));
  tracker.end();
  const span = tracing.spans().find((s) => s.name === 'emitter');
  return { tracker, span: span as ReadableSpan, spans: tracing.spans() };
}

const seqs = (span: ReadableSpan): unknown[] =>
  span.events
    .filter((event) => event.name === 'tick')
    .map((event) => event.attributes?.['flow.event.data.seq']);

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

describe('one execution that emits 10,000 events', () => {
  const { eventCountLimit = 128 } = resolveTracingConfig(
    {},
    {},
    'events',
  ).spanLimits;

  it('leaves all of them in the mirror and the newest on the span, with the rest counted', () => {
    const { tracker, span, spans } = emit(10_000, eventCountLimit);
    expect(eventCountLimit).toBe(1024);

    expect(tracker.eventFlow.map((event) => event.data.seq)).toEqual(
      range(0, 10_000),
    );
    const metrics = tracker.getPerformanceMetrics();
    expect(metrics.total_events).toBe(10_000);
    expect(metrics.dropped_events).toBe(0);

    // The failure's exception event came last, and is kept with the newest.
    expect(span.events).toHaveLength(eventCountLimit);
    expect(span.events.at(-1)?.name).toBe('exception');
    expect(seqs(span)).toEqual(range(10_000 - eventCountLimit + 1, 10_000));
    expect(span.droppedEventsCount).toBe(10_001 - eventCountLimit);

    const body = JSON.parse(otlpPayload(spans)) as {
      resourceSpans: {
        scopeSpans: {
          spans: {
            name: string;
            events: unknown[];
            droppedEventsCount: number;
          }[];
        }[];
      }[];
    };
    const wire = body.resourceSpans[0]?.scopeSpans[0]?.spans.find(
      (s) => s.name === 'emitter',
    );
    expect(wire?.events).toHaveLength(eventCountLimit);
    expect(wire?.droppedEventsCount).toBe(10_001 - eventCountLimit);
  });

  it('keeps only the newest maxEvents in the mirror, and counts every event', () => {
    const { tracker } = emit(10_000, eventCountLimit, 2_500);
    expect(tracker.eventFlow.map((event) => event.data.seq)).toEqual(
      range(7_500, 10_000),
    );
    const metrics = tracker.getPerformanceMetrics();
    expect(metrics.total_events).toBe(10_000);
    expect(metrics.dropped_events).toBe(7_500);
  });
});

describe('any number of events against any limits', () => {
  it('keeps the newest on the span and in the mirror, and counts the rest', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 300 }),
        fc.nat({ max: 64 }),
        fc.nat({ max: 64 }),
        (count, eventCountLimit, maxEvents) => {
          const { tracker, span } = emit(count, eventCountLimit, maxEvents);
          const onSpan = Math.min(count + 1, eventCountLimit);
          expect(span.events).toHaveLength(onSpan);
          expect(span.droppedEventsCount).toBe(count + 1 - onSpan);
          expect(seqs(span)).toEqual(range(count - onSpan + 1, count));
          expect(tracker.eventFlow.map((event) => event.data.seq)).toEqual(
            range(Math.max(0, count - maxEvents), count),
          );
          expect(tracker.getPerformanceMetrics().dropped_events).toBe(
            Math.max(0, count - maxEvents),
          );
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
  });
});

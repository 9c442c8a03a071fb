import { SpanStatusCode } from '@opentelemetry/api';
import { hrTimeToMicroseconds } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';

import {
  ExecutionTracker,
  TrackerFormatError,
  replayTracker,
} from '../../src/index.js';
import { parseTimestamp } from '../../src/format/timestamps.js';
import {
  createInMemoryTracing,
  parentId,
} from '../support/in-memory-tracing.js';
import { routiluxDump } from '../support/routilux-vectors.js';

describe('replayTracker', () => {
  it("replays routilux's multi-routine flow with its own timestamps and parents", () => {
    const tracing = createInMemoryTracing();
    const data = routiluxDump('multi_routine_flow');
    const summary = replayTracker(data, { tracer: tracing.tracer });

    expect(summary).toMatchObject({
      flowId: 'f9',
      spans: 4,
      events: 2,
      incomplete: 0,
    });
    const span = (name: string) => tracing.span(name);
    const root = span('flow f9');
    expect(parentId(root)).toBeUndefined();
    expect(parentId(span('extract'))).toBe(root.spanContext().spanId);
    // extract emitted to transform while running, transform to load.
    expect(parentId(span('transform'))).toBe(
      span('extract').spanContext().spanId,
    );
    expect(parentId(span('load'))).toBe(span('transform').spanContext().spanId);
    for (const s of tracing.spans()) {
      expect(s.spanContext().traceId).toBe(summary.spanContext?.traceId);
    }

    const record = data.routine_executions.transform?.[0];
    expect(hrTimeToMicroseconds(span('transform').startTime)).toBe(
      parseTimestamp(record?.start_time ?? ''),
    );
    expect(hrTimeToMicroseconds(span('transform').endTime)).toBe(
      parseTimestamp(record?.end_time ?? ''),
    );
    const event = span('extract').events[0];
    expect(event?.name).toBe('output');
    expect(hrTimeToMicroseconds(event?.time ?? [0, 0])).toBe(
      parseTimestamp(data.event_flow[0]?.timestamp ?? ''),
    );
    expect(span('load').status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'disk full',
    });
    expect(span('extract').attributes['flow.routine.params.source']).toBe('db');
    // The root spans the run, from its first start to its last instant.
    expect(hrTimeToMicroseconds(root.startTime)).toBe(
      parseTimestamp(data.routine_executions.extract?.[0]?.start_time ?? ''),
    );
    expect(hrTimeToMicroseconds(root.endTime)).toBe(
      parseTimestamp(data.routine_executions.load?.[0]?.end_time ?? ''),
    );
  });

  it('ends an execution still running in the dump as incomplete, at the last instant', () => {
    const tracing = createInMemoryTracing();
    const data = routiluxDump('running_left_open');
    const summary = replayTracker(data, { tracer: tracing.tracer });

    expect(summary.incomplete).toBe(1);
    const spans = tracing.spans().filter((s) => s.name === 'a');
    expect(spans).toHaveLength(2);
    const open = spans.find((s) => s.attributes['flow.routine.incomplete']);
    expect(open?.attributes['flow.routine.status']).toBe('running');
    expect(open?.attributes['flow.routine.params.second']).toBe(true);
    const root = tracing.span('flow f5');
    expect(hrTimeToMicroseconds(open?.endTime ?? [0, 0])).toBe(
      hrTimeToMicroseconds(root.endTime),
    );
  });

  it('replays the real routilux chain, whose events name Python object ids', () => {
    const tracing = createInMemoryTracing();
    const summary = replayTracker(routiluxDump('routilux_chain'), {
      tracer: tracing.tracer,
    });
    expect(summary).toMatchObject({ spans: 2, events: 6, incomplete: 1 });
    // No execution of routine 0x7f… ran: the events go on the root span.
    expect(tracing.span('flow routilux_chain').events).toHaveLength(6);
    const [first] = tracing.span('flow routilux_chain').events;
    expect(first?.attributes?.['flow.event.data.data']).toBe('hello-0');
    expect(first?.attributes?.['flow.event.data.job_state.flow_id']).toBe(
      'routilux_chain',
    );
  });

  it('gives the same tree as the live run that wrote the dump', () => {
    const live = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'live',
      tracer: live.tracer,
    });
    const a = tracker.recordRoutineStart('a', { n: 1 });
    tracker.recordEvent('a', 'out', 'b', { k: 'v' });
    a.end('completed', 1);
    tracker.recordRoutineStart('b').end('failed', undefined, new Error('x'));
    tracker.end();

    const replayed = createInMemoryTracing();
    replayTracker(JSON.parse(JSON.stringify(tracker)), {
      tracer: replayed.tracer,
    });
    const shape = (tracing: typeof live) => {
      const byId = new Map(
        tracing.spans().map((s) => [s.spanContext().spanId, s.name]),
      );
      return tracing
        .spans()
        .map((s) => ({
          name: s.name,
          parent: byId.get(parentId(s) ?? '') ?? null,
          start: hrTimeToMicroseconds(s.startTime),
          // A dump does not say when end() was called: the replayed root
          // ends at the run's last record instead.
          end:
            s.name === 'flow live' ? 'root' : hrTimeToMicroseconds(s.endTime),
          // A dump keeps an error's message only, not its type and stack.
          events: s.events.map((e) => [
            e.name,
            Object.fromEntries(
              Object.entries(e.attributes ?? {}).filter(
                ([key]) =>
                  key !== 'exception.type' && key !== 'exception.stacktrace',
              ),
            ),
          ]),
          status: s.status.code,
        }))
        .sort((x, y) => x.name.localeCompare(y.name));
    };
    expect(shape(replayed)).toEqual(shape(live));
  });

  it('rejects a dump that is not a tracker, naming the field', () => {
    const tracing = createInMemoryTracing();
    expect(() =>
      replayTracker({ flow_id: 1 }, { tracer: tracing.tracer }),
    ).toThrow(TrackerFormatError);
    expect(tracing.spans()).toEqual([]);
  });
});

// Attacks that held up: these pass, and guard the behaviour the README
// promises against regressions.
import { context } from '@opentelemetry/api';
import { isAttributeValue } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';

import {
  ExecutionTracker,
  TrackerFormatError,
  type ExecutionHandle,
} from '../../src/index.js';
import {
  createInMemoryTracing,
  dropEverything,
  useAsyncContextInThisFile,
} from '../support/in-memory-tracing.js';

useAsyncContextInThisFile();

function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

function nanos(time: readonly [number, number]): bigint {
  return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
}

describe('span invariants under hundreds of interleaved async executions', () => {
  it('one trace per tracker, parents in the same trace, no span ends before it starts, every span ended, valid attributes', async () => {
    const tracing = createInMemoryTracing();
    const random = lcg(42);
    const trackers = Array.from(
      { length: 4 },
      (_, i) =>
        new ExecutionTracker({ flowId: `f${i}`, tracer: tracing.tracer }),
    );
    const routines = ['a', 'b', 'c', '__proto__'];
    const pick = <T>(items: readonly T[]): T =>
      items[Math.floor(random() * items.length)] as T;

    async function work(depth: number): Promise<void> {
      const tracker = pick(trackers);
      const routine = pick(routines);
      const kind = random();
      if (kind < 0.4) {
        await tracker
          .trackRoutine(routine, { depth, big: 10n }, async () => {
            await sleep(random() * 3);
            tracker.recordEvent(routine, 'out', pick(routines), { depth });
            if (depth < 3 && random() < 0.5) await work(depth + 1);
            if (random() < 0.1) throw new Error('x');
            return { depth, nested: { deeper: [1, 'mixed'] } };
          })
          .catch(() => undefined);
      } else if (kind < 0.8) {
        const execution: ExecutionHandle = tracker.recordRoutineStart(routine, {
          depth,
        });
        await sleep(random() * 3);
        if (depth < 3 && random() < 0.5) {
          await context.with(execution.context, () => work(depth + 1));
        }
        execution.end(random() < 0.2 ? 'failed' : 'completed', { ok: true });
        if (random() < 0.05) execution.end();
      } else {
        tracker.recordEvent(routine, 'ping', null, { x: [1, 'a'] });
      }
    }

    const jobs: Promise<void>[] = [];
    for (let i = 0; i < 400; i++) {
      jobs.push(work(0));
      if (i === 300) trackers[1]?.end();
      if (i % 50 === 0) await sleep(1);
    }
    await Promise.all(jobs);
    trackers[2]?.recordRoutineStart('hanging');
    for (const tracker of trackers) tracker.end();

    const spans: ReadableSpan[] = tracing.spans();
    const traceOf = new Map(
      spans.map((s) => [s.spanContext().spanId, s.spanContext().traceId]),
    );
    const tracesByFlow = new Map<unknown, Set<string>>();
    for (const span of spans) {
      const flow = span.attributes['flow.id'];
      const set = tracesByFlow.get(flow) ?? new Set<string>();
      set.add(span.spanContext().traceId);
      tracesByFlow.set(flow, set);
      const parent = span.parentSpanContext?.spanId;
      if (parent !== undefined) {
        expect(traceOf.get(parent)).toBe(span.spanContext().traceId);
      }
      expect(nanos(span.endTime) >= nanos(span.startTime)).toBe(true);
      for (const value of Object.values(span.attributes)) {
        expect(isAttributeValue(value)).toBe(true);
      }
    }
    for (const traces of tracesByFlow.values()) expect(traces.size).toBe(1);
    const started = trackers.reduce(
      (sum, tracker) => sum + tracker.getPerformanceMetrics().total_executions,
      0,
    );
    expect(spans.filter((s) => !s.name.startsWith('flow ')).length).toBe(
      started,
    );
  }, 30_000);
});

describe('deserialize of hostile JSON', () => {
  it('prototype-pollution keys at every level stay plain data', () => {
    // Written as text: in an object literal `__proto__:` would set the
    // prototype instead of making a key.
    const text = `{
      "__proto__": { "polluted": 4 },
      "_type": "ExecutionTracker",
      "flow_id": "f",
      "routine_executions": {
        "__proto__": [{
          "routine_id": "__proto__",
          "start_time": "2026-01-01T00:00:00Z",
          "status": "__proto__",
          "params": { "__proto__": { "polluted": 1 }, "constructor": { "prototype": { "polluted": 2 } } }
        }],
        "constructor": [],
        "toString": []
      },
      "event_flow": [{
        "timestamp": "2026-01-01T00:00:00+14:00",
        "source_routine_id": "__proto__",
        "event_name": "constructor",
        "target_routine_id": "hasOwnProperty",
        "data": { "__proto__": { "polluted": 3 } }
      }]
    }`;
    const loaded = ExecutionTracker.deserialize(JSON.parse(text) as unknown);
    const again = ExecutionTracker.deserialize(
      JSON.parse(JSON.stringify(loaded)) as unknown,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Routines listed with no records make no routine, as before.
    expect([...again.routineExecutions.keys()]).toEqual(['__proto__']);
    expect(again.eventFlow[0]?.target_routine_id).toBe('hasOwnProperty');
    expect(again.getPerformanceMetrics().status_counts).toEqual(
      JSON.parse('{"__proto__":1}'),
    );
  });

  it.each<[string, unknown, string]>([
    ['top-level null', null, ''],
    [
      '_type',
      { _type: 'X', flow_id: 'f', routine_executions: {}, event_flow: [] },
      '_type',
    ],
    [
      'a bad offset',
      {
        flow_id: 'f',
        routine_executions: {
          'a b': [
            {
              routine_id: 'a',
              start_time: '2026-01-01T00:00:00+24:00',
              status: 'x',
            },
          ],
        },
        event_flow: [],
      },
      'routine_executions["a b"][0].start_time',
    ],
    [
      'a negative execution_time',
      {
        flow_id: 'f',
        routine_executions: {
          a: [
            {
              routine_id: 'a',
              start_time: '2026-01-01T00:00:00Z',
              status: 'x',
              execution_time: -1,
            },
          ],
        },
        event_flow: [],
      },
      'routine_executions.a[0].execution_time',
    ],
    [
      'Feb 29 of a non-leap year',
      {
        flow_id: 'f',
        routine_executions: {},
        event_flow: [
          {
            timestamp: '2027-02-29T00:00:00Z',
            source_routine_id: 's',
            event_name: 'e',
          },
        ],
      },
      'event_flow[0].timestamp',
    ],
  ])('rejects %s with the right path', (_label, input, path) => {
    let caught: unknown;
    try {
      ExecutionTracker.deserialize(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TrackerFormatError);
    expect((caught as TrackerFormatError).path).toBe(path);
  });
});

describe('odd values', () => {
  it('100k-level nesting, cycles, BigInt and symbols record, read and serialize without throwing', () => {
    const tracker = new ExecutionTracker('odd');
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 100_000; i++) deep = { n: deep };
    const cycle: Record<string, unknown> = { name: 'c' };
    cycle.self = cycle;
    const execution = tracker.recordRoutineStart('r', {
      deep,
      cycle,
      big: 2n ** 70n,
      [Symbol('s')]: 1,
      fn: () => 1,
    });
    execution.end('completed', Object.freeze({ cycle }));
    tracker.recordEvent('r', 'e', null, { deep });
    expect(() => tracker.routineExecutions).not.toThrow();
    expect(() => JSON.stringify(tracker)).not.toThrow();
    expect(() =>
      ExecutionTracker.deserialize(
        JSON.parse(JSON.stringify(tracker)) as unknown,
      ),
    ).not.toThrow();
  });

  it('with a sampler that drops everything the mirror answers the same', () => {
    const dropped = createInMemoryTracing({ sampler: dropEverything() });
    const tracker = new ExecutionTracker({
      flowId: 's',
      tracer: dropped.tracer,
    });
    tracker.recordRoutineStart('a').end();
    tracker.recordEvent('a', 'e');
    expect(tracker.getPerformanceMetrics().total_executions).toBe(1);
    expect(tracker.eventFlow).toHaveLength(1);
    expect(dropped.spans()).toEqual([]);
  });
});

describe('bounds', () => {
  it.each([0, 1, 2])('with bound %i the counts stay exact', (bound) => {
    const random = lcg(7 + bound);
    const tracker = new ExecutionTracker({
      flowId: 'b',
      maxExecutionsPerRoutine: bound,
      maxEvents: bound,
    });
    const running: ExecutionHandle[] = [];
    let total = 0;
    let failed = 0;
    let events = 0;
    for (let i = 0; i < 2000; i++) {
      const x = random();
      if (x < 0.45) {
        running.push(tracker.recordRoutineStart('r'));
        total++;
      } else if (x < 0.85 && running.length > 0) {
        const [execution] = running.splice(
          Math.floor(random() * running.length),
          1,
        );
        const fail = random() < 0.3;
        if (fail) failed++;
        execution?.end(fail ? 'failed' : 'completed');
      } else {
        tracker.recordEvent('r', 'e');
        events++;
      }
    }
    const perf = tracker.getRoutinePerformance('r');
    const metrics = tracker.getPerformanceMetrics();
    expect(perf?.total_executions).toBe(total);
    expect(perf?.failed).toBe(failed);
    expect(metrics.running_executions).toBe(running.length);
    expect(metrics.total_events).toBe(events);
    expect(tracker.routineExecutions.get('r')?.length ?? 0).toBeLessThanOrEqual(
      bound,
    );
    expect(tracker.eventFlow.length).toBeLessThanOrEqual(bound);
  });

  it('percentiles stay within 1% of numpy linear interpolation', () => {
    const random = lcg(3);
    const values = Array.from({ length: 5000 }, () =>
      Math.exp(10 * (random() - 0.5)),
    );
    const loaded = ExecutionTracker.deserialize(
      {
        flow_id: 'p',
        routine_executions: {
          r: values.map((execution_time) => ({
            routine_id: 'r',
            start_time: '2026-01-01T00:00:00Z',
            status: 'completed',
            execution_time,
          })),
        },
        event_flow: [],
      },
      { maxExecutionsPerRoutine: 1 },
    );
    const sorted = [...values].sort((a, b) => a - b);
    const exact = (q: number): number => {
      const rank = q * (sorted.length - 1);
      const low = Math.floor(rank);
      const high = Math.min(low + 1, sorted.length - 1);
      return (
        (sorted[low] ?? 0) +
        (rank - low) * ((sorted[high] ?? 0) - (sorted[low] ?? 0))
      );
    };
    const perf = loaded.getRoutinePerformance('r');
    for (const [q, got] of [
      [0.5, perf?.p50_execution_time],
      [0.95, perf?.p95_execution_time],
      [0.99, perf?.p99_execution_time],
    ] as const) {
      expect(Math.abs((got ?? 0) - exact(q)) / exact(q)).toBeLessThanOrEqual(
        0.01,
      );
    }
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  ExecutionTracker,
  TrackerFormatError,
  type ExecutionRecord,
  type SerializedTracker,
} from '../../src/index.js';
import { spyOnDiag, type DiagSpy } from '../support/diag-spy.js';
import { createInMemoryTracing } from '../support/in-memory-tracing.js';

const START = new Date('2026-12-03T10:00:00.000Z');
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;

/** Moves the fake clock on by `ms` milliseconds. */
const advance = (ms: number): void => {
  vi.advanceTimersByTime(ms);
};

let diagSpy: DiagSpy;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'performance'], now: START });
  diagSpy = spyOnDiag();
});

afterEach(() => {
  vi.useRealTimers();
  diagSpy.restore();
});

function recordsOf(
  tracker: ExecutionTracker,
  routineId: string,
): readonly ExecutionRecord[] {
  return tracker.routineExecutions.get(routineId) ?? [];
}

describe('construction', () => {
  it('takes a flow id string and reads it back', () => {
    expect(new ExecutionTracker('nightly').flowId).toBe('nightly');
  });

  it('takes an options object', () => {
    const tracker = new ExecutionTracker({ flowId: 'f', maxEvents: 5 });
    expect(tracker.flowId).toBe('f');
  });

  it('generates a distinct flow id when none is given', () => {
    const a = new ExecutionTracker().flowId;
    const b = new ExecutionTracker({}).flowId;
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it('keeps an empty flow id, as routilux allows', () => {
    expect(new ExecutionTracker('').flowId).toBe('');
  });

  it('throws on invalid options, naming the option', () => {
    expect(() => new ExecutionTracker({ flowId: 7 as never })).toThrow(
      /flowId: expected a string, received number 7/,
    );
    expect(() => new ExecutionTracker({ maxExecutionsPerRoutine: -1 })).toThrow(
      RangeError,
    );
    expect(() => new ExecutionTracker({ maxEvents: -5 })).toThrow(/maxEvents/);
    expect(() => new ExecutionTracker(42 as never)).toThrow(TypeError);
  });

  it('refuses a second argument rather than ignoring the options in it', () => {
    const construct = ExecutionTracker as unknown as new (
      ...args: unknown[]
    ) => ExecutionTracker;
    expect(() => new construct('f', { maxEvents: 1 })).toThrow(
      /takes one argument.*flowId option/,
    );
  });
});

/* eslint-disable @typescript-eslint/unbound-method -- these tests detach methods on purpose */
describe('methods passed as callbacks', () => {
  it("work detached from the tracker, as a tracker's own", async () => {
    const tracker = new ExecutionTracker('callbacks');
    const { recordRoutineStart, recordRoutineEnd, recordEvent, end } = tracker;
    recordRoutineStart('a', { n: 1 });
    recordEvent('a', 'out', 'b');
    recordRoutineEnd('a', 'completed', 2);
    ['x', 'y'].forEach((id) => {
      recordRoutineStart(id).end();
    });
    await new Promise<void>((resolve) => {
      setImmediate(() => {
        end();
        resolve();
      });
      vi.runAllTimers();
    });

    expect(tracker.ended).toBe(true);
    expect(recordsOf(tracker, 'a')[0]).toMatchObject({
      status: 'completed',
      result: 2,
    });
    expect(tracker.getFlowPerformance()).toMatchObject({
      total_routines: 3,
      total_events: 1,
    });
    const { getPerformanceMetrics, serialize } = tracker;
    expect(getPerformanceMetrics().finished_executions).toBe(3);
    expect(serialize().flow_id).toBe('callbacks');
  });

  it('of a handle do nothing and warn once when called without it', () => {
    const tracker = new ExecutionTracker('detached-handle');
    const handle = tracker.recordRoutineStart('a');
    const { end, recordEvent } = handle;
    expect(() => {
      recordEvent('out');
      end('failed');
      end('failed');
    }).not.toThrow();
    expect(handle.ended).toBe(false);
    expect(tracker.eventFlow).toEqual([]);
    expect(
      diagSpy.warnings.filter((w) => w.includes('without its handle')),
    ).toHaveLength(2);

    // A handle of a start that could not be recorded behaves the same.
    const detached = tracker.recordRoutineStart(Symbol('not an id') as never);
    const { end: endDetached } = detached;
    expect(() => {
      endDetached();
    }).not.toThrow();
    handle.end('completed');
    expect(handle.ended).toBe(true);
  });
}); /* eslint-enable @typescript-eslint/unbound-method */

describe('recordRoutineStart', () => {
  it('opens a running record with UTC timestamps and the given params', () => {
    const tracker = new ExecutionTracker('f');
    const handle = tracker.recordRoutineStart('load', { path: 'in.csv' });

    expect(recordsOf(tracker, 'load')).toEqual([
      {
        routine_id: 'load',
        start_time: '2026-12-03T10:00:00.000000+00:00',
        params: { path: 'in.csv' },
        status: 'running',
      },
    ]);
    expect(handle.routineId).toBe('load');
    expect(handle.ended).toBe(false);
    expect(handle.record.status).toBe('running');
  });

  it('records {} when no params are given', () => {
    const tracker = new ExecutionTracker('f');
    tracker.recordRoutineStart('a');
    expect(recordsOf(tracker, 'a')[0]?.params).toEqual({});
  });
});

describe('recordRoutineEnd', () => {
  it('closes the execution with end time, status, result and duration', () => {
    const tracker = new ExecutionTracker('f');
    tracker.recordRoutineStart('load');
    advance(250);
    tracker.recordRoutineEnd('load', 'completed', { rows: 3 });

    expect(recordsOf(tracker, 'load')).toEqual([
      {
        routine_id: 'load',
        start_time: '2026-12-03T10:00:00.000000+00:00',
        params: {},
        status: 'completed',
        end_time: '2026-12-03T10:00:00.250000+00:00',
        result: { rows: 3 },
        execution_time: 0.25,
      },
    ]);
  });

  it('defaults the status to completed', () => {
    const tracker = new ExecutionTracker('f');
    tracker.recordRoutineStart('a');
    tracker.recordRoutineEnd('a');
    expect(recordsOf(tracker, 'a')[0]?.status).toBe('completed');
  });

  it('keeps the message of an Error, a string error as given, and any status', () => {
    const tracker = new ExecutionTracker('f');
    tracker.recordRoutineStart('a');
    tracker.recordRoutineEnd('a', 'failed', undefined, new Error('disk full'));
    tracker.recordRoutineStart('b');
    tracker.recordRoutineEnd('b', 'error_continued', null, 'bad row 7');
    tracker.recordRoutineStart('c');
    tracker.recordRoutineEnd('c', 'cancelled_by_user');

    expect(recordsOf(tracker, 'a')[0]).toMatchObject({
      status: 'failed',
      error: 'disk full',
    });
    expect(recordsOf(tracker, 'a')[0]).not.toHaveProperty('result');
    expect(recordsOf(tracker, 'b')[0]).toMatchObject({
      status: 'error_continued',
      error: 'bad row 7',
    });
    expect(recordsOf(tracker, 'c')[0]?.status).toBe('cancelled_by_user');
  });

  it('closes the most recent running execution of the routine', () => {
    const tracker = new ExecutionTracker('f');
    tracker.recordRoutineStart('w', { i: 0 });
    advance(10);
    tracker.recordRoutineStart('w', { i: 1 });
    advance(10);
    tracker.recordRoutineEnd('w', 'completed', 'second');
    advance(10);
    tracker.recordRoutineEnd('w', 'completed', 'first');

    const [first, second] = recordsOf(tracker, 'w');
    expect(first).toMatchObject({ params: { i: 0 }, result: 'first' });
    expect(first?.execution_time).toBe(0.03);
    expect(second).toMatchObject({ params: { i: 1 }, result: 'second' });
    expect(second?.execution_time).toBe(0.01);
  });

  it('changes nothing when no execution of the routine is running, and warns once', () => {
    const tracker = new ExecutionTracker('f');
    tracker.recordRoutineEnd('ghost');
    tracker.recordRoutineStart('a');
    advance(5);
    tracker.recordRoutineEnd('a', 'completed', 1);
    advance(5);
    tracker.recordRoutineEnd('a', 'failed', 2, 'late');
    tracker.recordRoutineEnd('a', 'failed');

    expect(tracker.routineExecutions.has('ghost')).toBe(false);
    expect(recordsOf(tracker, 'a')).toEqual([
      expect.objectContaining({
        status: 'completed',
        result: 1,
        execution_time: 0.005,
      }),
    ]);
    expect(recordsOf(tracker, 'a')[0]).not.toHaveProperty('error');
    const noRunning = diagSpy.warnings.filter((w) =>
      w.includes('no running execution'),
    );
    expect(noRunning).toHaveLength(1);
  });
});

describe('execution handles', () => {
  it('pair overlapping executions closed out of order with their own results', () => {
    const tracker = new ExecutionTracker('f');
    const handles = [0, 1, 2, 3].map((i) => {
      const handle = tracker.recordRoutineStart('fetch', { i });
      advance(1);
      return handle;
    });
    for (const i of [2, 0, 3, 1]) {
      advance(10);
      handles[i]?.end('completed', `page ${i}`);
    }

    const records = recordsOf(tracker, 'fetch');
    expect(records.map((r) => r.params)).toEqual([
      { i: 0 },
      { i: 1 },
      { i: 2 },
      { i: 3 },
    ]);
    expect(records.map((r) => r.result)).toEqual([
      'page 0',
      'page 1',
      'page 2',
      'page 3',
    ]);
    // Started 1 ms apart at 0..3 ms, ended 10 ms apart from 14 ms in the
    // order 2, 0, 3, 1.
    expect(records.map((r) => r.execution_time)).toEqual([
      0.024, 0.043, 0.012, 0.031,
    ]);
  });

  it('ignore a second end and warn once', () => {
    const tracker = new ExecutionTracker('f');
    const handle = tracker.recordRoutineStart('a');
    handle.end('completed', 1);
    handle.end('failed', 2, 'again');

    expect(handle.ended).toBe(true);
    expect(handle.record).toMatchObject({ status: 'completed', result: 1 });
    expect(
      diagSpy.warnings.filter((w) => w.includes('ended twice')),
    ).toHaveLength(1);
  });

  it('carry the span context of the execution', () => {
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'f',
      tracer: tracing.tracer,
    });
    const handle = tracker.recordRoutineStart('a');
    handle.end();
    expect(handle.spanContext.spanId).toBe(
      tracing.span('a').spanContext().spanId,
    );
  });
});

describe('recordEvent', () => {
  it('appends events with routilux defaults', () => {
    const tracker = new ExecutionTracker('f');
    tracker.recordEvent('src', 'output', 'dst', {
      result: 'processed',
      count: 10,
    });
    advance(1);
    tracker.recordEvent('src', 'output');
    tracker.recordEvent('dst', 'error', null, null);

    expect(tracker.eventFlow).toEqual([
      {
        timestamp: '2026-12-03T10:00:00.000000+00:00',
        source_routine_id: 'src',
        event_name: 'output',
        target_routine_id: 'dst',
        data: { result: 'processed', count: 10 },
      },
      {
        timestamp: '2026-12-03T10:00:00.001000+00:00',
        source_routine_id: 'src',
        event_name: 'output',
        target_routine_id: null,
        data: {},
      },
      expect.objectContaining({ event_name: 'error', data: {} }),
    ]);
  });
});

describe('readers', () => {
  it('get copies: changing them changes nothing in the tracker', () => {
    const tracker = new ExecutionTracker('f');
    tracker.recordRoutineStart('a', { nested: { n: 1 } });
    tracker.recordEvent('a', 'out', null, { list: [1, 2] });

    const executions = tracker.routineExecutions as Map<
      string,
      ExecutionRecord[]
    >;
    const record = executions.get('a')?.[0] as ExecutionRecord;
    record.status = 'tampered';
    (record.params.nested as { n: number }).n = 99;
    executions.get('a')?.push(record);
    executions.delete('a');
    (tracker.eventFlow[0]?.data.list as number[]).push(3);

    expect(recordsOf(tracker, 'a')).toEqual([
      expect.objectContaining({
        status: 'running',
        params: { nested: { n: 1 } },
      }),
    ]);
    expect(tracker.eventFlow[0]?.data).toEqual({ list: [1, 2] });
  });

  it('keep raw values in the mirror, secrets included', () => {
    const tracker = new ExecutionTracker('f');
    tracker.recordRoutineStart('login', { user: 'ann', password: 'hunter2' });
    expect(recordsOf(tracker, 'login')[0]?.params).toEqual({
      user: 'ann',
      password: 'hunter2',
    });
  });
});

describe('getRoutinePerformance', () => {
  it('is null for a routine never recorded', () => {
    expect(new ExecutionTracker('f').getRoutinePerformance('nope')).toBeNull();
  });

  it('counts running executions and averages the finished ones', () => {
    const tracker = new ExecutionTracker('f');
    for (const [ms, status] of [
      [10, 'completed'],
      [20, 'completed'],
      [30, 'failed'],
      [40, 'skipped'],
    ] as const) {
      tracker.recordRoutineStart('w');
      advance(ms);
      tracker.recordRoutineEnd('w', status);
    }
    tracker.recordRoutineStart('w');

    const perf = tracker.getRoutinePerformance('w');
    expect(perf).toMatchObject({
      total_executions: 5,
      completed: 2,
      failed: 1,
      success_rate: 0.4,
      min_execution_time: 0.01,
      max_execution_time: 0.04,
    });
    expect(perf?.avg_execution_time).toBeCloseTo(0.025, 12);
    expect(perf?.total_execution_time).toBeCloseTo(0.1, 12);
    // Linear interpolation between ranks: halfway from 0.02 to 0.03.
    expect(perf?.p50_execution_time).toBeGreaterThanOrEqual(0.025 * 0.99);
    expect(perf?.p50_execution_time).toBeLessThanOrEqual(0.025 * 1.01);
    // Linear interpolation between ranks: 0.03 + 0.97 * (0.04 - 0.03).
    expect(perf?.p99_execution_time).toBeGreaterThanOrEqual(0.0397 * 0.99);
    expect(perf?.p99_execution_time).toBeLessThanOrEqual(0.0397 * 1.01);
  });

  it('is 0 for the times while nothing has finished', () => {
    const tracker = new ExecutionTracker('f');
    tracker.recordRoutineStart('a');
    expect(tracker.getRoutinePerformance('a')).toEqual({
      total_executions: 1,
      completed: 0,
      failed: 0,
      success_rate: 0,
      avg_execution_time: 0,
      min_execution_time: 0,
      max_execution_time: 0,
      total_execution_time: 0,
      p50_execution_time: 0,
      p95_execution_time: 0,
      p99_execution_time: 0,
    });
  });
});

describe('getFlowPerformance', () => {
  it('sums the durations of every finished execution', () => {
    const tracker = new ExecutionTracker('f');
    for (const ms of [10, 20, 30]) {
      tracker.recordRoutineStart('a');
      advance(ms);
      tracker.recordRoutineEnd('a');
    }
    tracker.recordRoutineStart('b');
    advance(40);
    tracker.recordRoutineEnd('b');
    tracker.recordEvent('a', 'out', 'b');

    const flow = tracker.getFlowPerformance();
    expect(flow.total_routines).toBe(2);
    expect(flow.total_events).toBe(1);
    // Not routilux 0.11's sum of per-routine averages (0.02 + 0.04).
    expect(flow.total_execution_time).toBeCloseTo(0.1, 12);
    expect(flow.avg_routine_time).toBeCloseTo(0.05, 12);
  });

  it('is all zeros for an empty tracker', () => {
    expect(new ExecutionTracker('f').getFlowPerformance()).toEqual({
      total_routines: 0,
      total_events: 0,
      total_execution_time: 0,
      avg_routine_time: 0,
    });
  });
});

describe('getPerformanceMetrics', () => {
  function sampleRun(): ExecutionTracker {
    const tracker = new ExecutionTracker('metrics');
    tracker.recordRoutineStart('fast');
    advance(100);
    tracker.recordRoutineEnd('fast');
    tracker.recordRoutineStart('slow');
    advance(300);
    tracker.recordRoutineEnd('slow', 'failed', undefined, 'boom');
    tracker.recordRoutineStart('slow');
    advance(100);
    return tracker;
  }

  it('has the flow figures, counts per status, throughput and bottlenecks', () => {
    const metrics = sampleRun().getPerformanceMetrics();

    expect(metrics).toMatchObject({
      flow_id: 'metrics',
      total_executions: 3,
      finished_executions: 2,
      running_executions: 1,
      status_counts: { completed: 1, failed: 1, running: 1 },
      total_routines: 2,
      total_events: 0,
      dropped_executions: 0,
      dropped_events: 0,
    });
    expect(metrics.total_execution_time).toBeCloseTo(0.4, 12);
    // From the first start (0 ms) to the last end (400 ms).
    expect(metrics.wall_time).toBeCloseTo(0.4, 12);
    expect(metrics.throughput).toBeCloseTo(5, 9);
    expect(metrics.routines.slow?.failed).toBe(1);
    expect(metrics.bottlenecks.map((b) => b.routine_id)).toEqual([
      'slow',
      'fast',
    ]);
    expect(metrics.bottlenecks[0]?.share).toBeCloseTo(0.75, 12);
  });

  it('is stable between calls and equals performanceMetrics', () => {
    const tracker = sampleRun();
    const first = tracker.getPerformanceMetrics();
    advance(5000);
    expect(tracker.getPerformanceMetrics()).toEqual(first);
    expect(tracker.performanceMetrics).toEqual(first);
  });
});

describe('bounds', () => {
  it('drop the oldest finished records and keep every figure exact', () => {
    const tracker = new ExecutionTracker({
      flowId: 'f',
      maxExecutionsPerRoutine: 3,
      maxEvents: 2,
    });
    for (let i = 1; i <= 10; i++) {
      tracker.recordRoutineStart('w', { i });
      advance(i);
      tracker.recordRoutineEnd('w', i % 5 === 0 ? 'failed' : 'completed');
      tracker.recordEvent('w', 'out', null, { i });
    }

    expect(recordsOf(tracker, 'w').map((r) => r.params.i)).toEqual([8, 9, 10]);
    expect(tracker.eventFlow.map((e) => e.data.i)).toEqual([9, 10]);

    const perf = tracker.getRoutinePerformance('w');
    expect(perf).toMatchObject({
      total_executions: 10,
      completed: 8,
      failed: 2,
      min_execution_time: 0.001,
      max_execution_time: 0.01,
    });
    expect(perf?.total_execution_time).toBeCloseTo(0.055, 12);
    const metrics = tracker.getPerformanceMetrics();
    expect(metrics.dropped_executions).toBe(7);
    expect(metrics.dropped_events).toBe(8);
    expect(metrics.total_events).toBe(10);
  });

  it('keep a running record while finished ones can go', () => {
    const tracker = new ExecutionTracker({
      flowId: 'f',
      maxExecutionsPerRoutine: 2,
    });
    const longRunning = tracker.recordRoutineStart('w', { long: true });
    for (let i = 0; i < 5; i++) {
      tracker.recordRoutineStart('w', { i });
      tracker.recordRoutineEnd('w');
    }
    // recordRoutineEnd closed the newest running each time, never the long one.
    expect(longRunning.ended).toBe(false);
    expect(recordsOf(tracker, 'w').map((r) => r.params)).toEqual([
      { long: true },
      { i: 4 },
    ]);
    longRunning.end('completed');
    expect(tracker.getRoutinePerformance('w')?.completed).toBe(6);
  });

  it('keep everything with Infinity', () => {
    const tracker = new ExecutionTracker({
      flowId: 'f',
      maxExecutionsPerRoutine: Infinity,
      maxEvents: Infinity,
    });
    for (let i = 0; i < 20_000; i++) {
      tracker.recordRoutineStart('w');
      tracker.recordRoutineEnd('w');
    }
    expect(recordsOf(tracker, 'w')).toHaveLength(20_000);
  });

  it('default to 10,000 records per routine', () => {
    const tracker = new ExecutionTracker('f');
    for (let i = 0; i < 10_005; i++) {
      tracker.recordRoutineStart('w', { i });
      tracker.recordRoutineEnd('w');
    }
    const records = recordsOf(tracker, 'w');
    expect(records).toHaveLength(10_000);
    expect(records[0]?.params.i).toBe(5);
    expect(tracker.getRoutinePerformance('w')?.total_executions).toBe(10_005);
  });
});

describe('clock', () => {
  it('never gives a negative duration when the wall clock steps back', () => {
    const tracker = new ExecutionTracker('f');
    tracker.recordRoutineStart('a');
    vi.setSystemTime(new Date('2026-12-03T09:00:00.000Z'));
    advance(20);
    tracker.recordRoutineEnd('a');

    const [record] = recordsOf(tracker, 'a');
    expect(record?.execution_time).toBe(0.02);
    expect(record?.end_time).toBe('2026-12-03T10:00:00.020000+00:00');
  });

  it('writes timestamps that are UTC with an explicit offset', () => {
    vi.useRealTimers();
    const tracker = new ExecutionTracker('f');
    tracker.recordRoutineStart('a');
    tracker.recordRoutineEnd('a');
    tracker.recordEvent('a', 'e');
    const [record] = recordsOf(tracker, 'a');
    expect(record?.start_time).toMatch(ISO_UTC);
    expect(record?.end_time).toMatch(ISO_UTC);
    expect(tracker.eventFlow[0]?.timestamp).toMatch(ISO_UTC);
  });
});

describe('trackRoutine', () => {
  it('records a sync result and returns it', () => {
    const tracker = new ExecutionTracker('f');
    const value = tracker.trackRoutine('sum', { a: 1, b: 2 }, () => {
      advance(3);
      return 3;
    });
    expect(value).toBe(3);
    expect(recordsOf(tracker, 'sum')[0]).toMatchObject({
      status: 'completed',
      result: 3,
      execution_time: 0.003,
    });
  });

  it('records a sync failure and rethrows the very same error', () => {
    const tracker = new ExecutionTracker('f');
    const error = new Error('nope');
    let caught: unknown;
    try {
      tracker.trackRoutine('bad', undefined, () => {
        throw error;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(error);
    expect(recordsOf(tracker, 'bad')[0]).toMatchObject({
      status: 'failed',
      error: 'nope',
    });
  });

  it('records an async result once the promise settles', async () => {
    const tracker = new ExecutionTracker('f');
    const pending = tracker.trackRoutine('fetch', { url: 'u' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return 'body';
    });
    expect(recordsOf(tracker, 'fetch')[0]?.status).toBe('running');
    await vi.advanceTimersByTimeAsync(50);
    await expect(pending).resolves.toBe('body');
    expect(recordsOf(tracker, 'fetch')[0]).toMatchObject({
      status: 'completed',
      result: 'body',
      execution_time: 0.05,
    });
  });

  it('records an async rejection and rejects with the very same error', async () => {
    const tracker = new ExecutionTracker('f');
    const error = new TypeError('bad input');
    const pending = tracker.trackRoutine('parse', undefined, () =>
      Promise.reject(error),
    );
    await expect(pending).rejects.toBe(error);
    expect(recordsOf(tracker, 'parse')[0]).toMatchObject({
      status: 'failed',
      error: 'bad input',
    });
  });

  it('hands the execution handle to the function', () => {
    const tracker = new ExecutionTracker('f');
    const seen = tracker.trackRoutine(
      'a',
      { x: 1 },
      (execution) => execution.record,
    );
    expect(seen).toMatchObject({
      routine_id: 'a',
      params: { x: 1 },
      status: 'running',
    });
  });
});

describe('serialize and deserialize', () => {
  function sampleRun(): ExecutionTracker {
    const tracker = new ExecutionTracker('round-trip');
    tracker.recordRoutineStart('extract', { source: 'db' });
    advance(4);
    tracker.recordEvent('extract', 'output', 'transform', { rows: 100 });
    tracker.recordRoutineEnd('extract', 'completed', { rows: 100 });
    tracker.recordRoutineStart('transform');
    advance(6);
    tracker.recordRoutineEnd(
      'transform',
      'failed',
      undefined,
      new Error('bad row'),
    );
    tracker.recordRoutineStart('load', { target: 'warehouse' });
    return tracker;
  }

  it('writes routilux format, and JSON.stringify gives the same', () => {
    const tracker = sampleRun();
    const data = tracker.serialize();

    expect(data._type).toBe('ExecutionTracker');
    expect(data.flow_id).toBe('round-trip');
    expect(Object.keys(data.routine_executions)).toEqual([
      'extract',
      'transform',
      'load',
    ]);
    expect(data.routine_executions.transform?.[0]).toEqual({
      routine_id: 'transform',
      start_time: '2026-12-03T10:00:00.004000+00:00',
      params: {},
      status: 'failed',
      end_time: '2026-12-03T10:00:00.010000+00:00',
      error: 'bad row',
      execution_time: 0.006,
    });
    expect(data.event_flow).toHaveLength(1);
    expect(data.performance_metrics).toMatchObject({ total_executions: 3 });
    expect(JSON.parse(JSON.stringify(tracker))).toEqual(
      JSON.parse(JSON.stringify(data)),
    );
  });

  it('writes the same dump again from a loaded one, results JSON has no form for included', () => {
    const tracker = new ExecutionTracker('no-form');
    tracker.recordRoutineStart('nan').end('completed', Number.NaN);
    tracker.recordRoutineStart('infinite').end('completed', Infinity);
    tracker.recordRoutineStart('date').end('completed', new Date(Number.NaN));
    tracker.recordRoutineStart('kept').end('completed', { rows: Number.NaN });

    const first = JSON.stringify(tracker);
    const again = JSON.stringify(
      ExecutionTracker.deserialize(JSON.parse(first)),
    );
    expect(again).toBe(first);
    const records = (JSON.parse(first) as SerializedTracker).routine_executions;
    expect(records.nan?.[0]).not.toHaveProperty('result');
    expect(records.kept?.[0]?.result).toEqual({ rows: null });
  });

  it('round-trips every record, event and figure', () => {
    const tracker = sampleRun();
    const copy = ExecutionTracker.deserialize(
      JSON.parse(JSON.stringify(tracker)),
    );

    expect(copy.flowId).toBe('round-trip');
    expect([...copy.routineExecutions]).toEqual([...tracker.routineExecutions]);
    expect(copy.eventFlow).toEqual(tracker.eventFlow);
    expect(copy.getPerformanceMetrics()).toEqual(
      tracker.getPerformanceMetrics(),
    );
    expect(copy.serialize()).toEqual(tracker.serialize());
  });

  it('lets a running execution of a loaded dump be ended', () => {
    const copy = ExecutionTracker.deserialize(sampleRun().serialize());
    advance(10);
    copy.recordRoutineEnd('load', 'completed', 'done');
    expect(copy.routineExecutions.get('load')?.[0]).toMatchObject({
      status: 'completed',
      result: 'done',
    });
    expect(copy.getRoutinePerformance('load')?.completed).toBe(1);
  });

  it('makes JSON-ready output from values JSON cannot hold', () => {
    const tracker = new ExecutionTracker('f');
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    tracker.recordRoutineStart('a', { big: 10n, circular, fn: () => 1 });
    tracker.recordRoutineEnd('a', 'completed', new Map([['k', 1]]));

    const text = JSON.stringify(tracker);
    const record = (
      JSON.parse(text) as ReturnType<ExecutionTracker['serialize']>
    ).routine_executions.a?.[0];
    expect(record?.params).toEqual({
      big: '10',
      circular: { name: 'loop', self: '[Circular]' },
    });
    expect(record?.result).toEqual({ k: 1 });
  });

  it('takes the flow id from the dump, and refuses another', () => {
    const data = sampleRun().serialize();
    expect(() =>
      ExecutionTracker.deserialize(data, { flowId: 'other' } as never),
    ).toThrow(/the flow id comes from the dump/);
    expect(ExecutionTracker.deserialize(data, { maxEvents: 1 }).flowId).toBe(
      'round-trip',
    );
  });

  it('warns that a dump whose writer dropped records cannot give the whole figures', () => {
    const bounded = new ExecutionTracker({
      flowId: 'bounded',
      maxExecutionsPerRoutine: 2,
    });
    for (let i = 0; i < 5; i++) {
      bounded.recordRoutineStart('w').end(i < 3 ? 'failed' : 'completed');
      bounded.recordEvent('w', 'out');
    }
    const bound = { maxEvents: 4 };
    const small = new ExecutionTracker({ flowId: 'events', ...bound });
    for (let i = 0; i < 6; i++) small.recordEvent('w', 'out');
    const copy = ExecutionTracker.deserialize(bounded.serialize());
    const events = ExecutionTracker.deserialize(small.serialize());

    expect(bounded.getPerformanceMetrics()).toMatchObject({
      total_executions: 5,
      dropped_executions: 3,
    });
    // The figures are the records'; the dropped counts say what they miss,
    // and a dump of the copy says so again.
    expect(copy.getPerformanceMetrics()).toMatchObject({
      total_executions: 2,
      status_counts: { completed: 2 },
      dropped_executions: 3,
      dropped_events: 0,
    });
    expect(
      ExecutionTracker.deserialize(copy.serialize()).getPerformanceMetrics()
        .dropped_executions,
    ).toBe(3);
    expect(events.getPerformanceMetrics()).toMatchObject({
      total_events: 6,
      dropped_events: 2,
    });
    // Once per load: the copy, and the copy of the copy.
    expect(
      diagSpy.warnings.filter((w) =>
        w.includes('3 execution and 0 event records had been dropped'),
      ),
    ).toHaveLength(2);
  });

  it('throws TrackerFormatError naming the bad field', () => {
    const data = sampleRun().serialize() as unknown as {
      routine_executions: Record<string, Record<string, unknown>[]>;
    };
    const record = data.routine_executions.extract?.[0];
    if (record !== undefined) record.start_time = 12;

    expect(() => ExecutionTracker.deserialize(data)).toThrow(
      TrackerFormatError,
    );
    expect(() => ExecutionTracker.deserialize(data)).toThrow(
      'routine_executions.extract[0].start_time: expected an ISO-8601 timestamp string, received number 12',
    );
    expect(() => ExecutionTracker.deserialize('nope')).toThrow(
      TrackerFormatError,
    );
  });
});

describe('misuse', () => {
  it('never throws, warns once per kind, and records nothing harmful', () => {
    const tracker = new ExecutionTracker('f');
    const call = tracker as unknown as Record<
      string,
      (...args: unknown[]) => unknown
    >;

    expect(() => {
      call.recordRoutineStart?.call(tracker, undefined);
      call.recordRoutineStart?.call(tracker, { id: 1 });
      call.recordRoutineEnd?.call(tracker, null, 5);
      call.recordEvent?.call(tracker, undefined, undefined);
      call.recordEvent?.call(tracker, 'a', Symbol('e'));
      tracker
        .recordRoutineStart('n', 'not an object' as never)
        .end(42 as never);
    }).not.toThrow();

    expect([...tracker.routineExecutions.keys()]).toEqual(['n']);
    expect(recordsOf(tracker, 'n')[0]?.status).toBe('42');
    expect(tracker.eventFlow).toEqual([]);
    const badIds = diagSpy.warnings.filter((w) =>
      w.includes('ids must be strings'),
    );
    // Once for each method that was misused.
    expect(badIds).toHaveLength(3);
  });

  it('takes numeric ids as their text, in queries too', () => {
    const tracker = new ExecutionTracker('f');
    tracker.recordRoutineStart(7 as never);
    tracker.recordRoutineEnd(7 as never);
    expect(recordsOf(tracker, '7')[0]?.status).toBe('completed');
    expect(tracker.getRoutinePerformance(7 as never)?.completed).toBe(1);
    expect(tracker.getRoutinePerformance({} as never)).toBeNull();
  });

  it('keeps params and data that are not objects under value, so the dump loads', () => {
    const tracker = new ExecutionTracker('f');
    tracker.recordRoutineStart('a', 'str' as never).end();
    tracker.recordRoutineStart('b', [1, 2] as never).end();
    tracker.recordEvent('a', 'e', 'b', 5 as never);

    expect(recordsOf(tracker, 'a')[0]?.params).toEqual({ value: 'str' });
    expect(recordsOf(tracker, 'b')[0]?.params).toEqual({ value: [1, 2] });
    expect(tracker.eventFlow[0]?.data).toEqual({ value: 5 });
    const copy = ExecutionTracker.deserialize(
      JSON.parse(JSON.stringify(tracker)),
    );
    expect(copy.serialize()).toEqual(tracker.serialize());
    expect(
      diagSpy.warnings.filter((w) => w.includes('recorded as { value }')),
    ).toHaveLength(2);
  });

  it('says what kind of value such params were, never what they held', () => {
    const tracker = new ExecutionTracker('f');
    tracker
      .recordRoutineStart('login', 'password=hunter2-s3cr3t' as never)
      .end();
    expect(recordsOf(tracker, 'login')[0]?.params).toEqual({
      value: 'password=hunter2-s3cr3t',
    });
    const warning = diagSpy.warnings.find((w) => w.includes('{ value }'));
    expect(warning).toContain('received a string of 23 characters');
    expect(diagSpy.warnings.join('\n')).not.toContain('hunter2');
  });

  it('runs trackRoutine without params, and ignores a missing function', () => {
    const tracker = new ExecutionTracker('f');
    expect(tracker.trackRoutine('short', () => 'done')).toBe('done');
    expect(recordsOf(tracker, 'short')[0]).toMatchObject({
      params: {},
      status: 'completed',
      result: 'done',
    });

    let returned: unknown = 'not called';
    expect(() => {
      returned = tracker.trackRoutine('broken', {}, 'x' as never);
    }).not.toThrow();
    expect(returned).toBeUndefined();
    expect(tracker.routineExecutions.has('broken')).toBe(false);
    expect(diagSpy.warnings.some((w) => w.includes('no function to run'))).toBe(
      true,
    );
  });

  it('keeps recording when the tracer throws', () => {
    const broken = {
      startSpan: () => {
        throw new Error('tracer down');
      },
      startActiveSpan: () => {
        throw new Error('tracer down');
      },
    };
    const tracker = new ExecutionTracker({
      flowId: 'f',
      tracer: broken,
    });
    const handle = tracker.recordRoutineStart('a');
    tracker.recordEvent('a', 'out');
    handle.end('completed', 1);
    tracker.end();

    expect(recordsOf(tracker, 'a')[0]).toMatchObject({
      status: 'completed',
      result: 1,
    });
    expect(tracker.eventFlow).toHaveLength(1);
    expect(
      diagSpy.warnings.filter((w) => w.includes('tracer down')),
    ).toHaveLength(1);
  });
});

// Adversarial tests of the mirror: copies for readers, status counts, the
// clock, and memory.
import { afterEach, describe, expect, it, vi } from 'vitest';

import { ExecutionTracker } from '../../src/index.js';
import { createInMemoryTracing } from '../support/in-memory-tracing.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('readers get copies', () => {
  // README: "Readers get copies: changing them changes nothing in the
  // tracker."
  it('changing a Map or a Buffer in a read record changes nothing in the tracker', () => {
    const tracker = new ExecutionTracker('copies');
    tracker
      .recordRoutineStart('a', {
        lookup: new Map([['k', 1]]),
        bytes: Buffer.from('abc'),
      })
      .end();
    const before = JSON.stringify(tracker.serialize().routine_executions);

    const record = tracker.routineExecutions.get('a')?.[0];
    (record?.params.lookup as Map<string, number>).set('k', 999);
    (record?.params.bytes as Buffer).fill(0);

    expect(JSON.stringify(tracker.serialize().routine_executions)).toBe(before);
  });

  it('hands over an instance of a class as it is, as the README says', () => {
    class Point {
      constructor(public x: number) {}
    }
    const point = new Point(1);
    const tracker = new ExecutionTracker('shared');
    tracker.recordRoutineStart('a', { point }).end();
    expect(tracker.routineExecutions.get('a')?.[0]?.params.point).toBe(point);
  });
});

describe('status counts', () => {
  it('an execution ended with the status "running" counts under that status but as finished', () => {
    const tracker = new ExecutionTracker('running-status');
    tracker.recordRoutineStart('a').end('running');
    const metrics = tracker.getPerformanceMetrics();
    // status_counts counts records by status; running_executions counts
    // executions not yet ended (README, getPerformanceMetrics).
    expect(metrics.status_counts).toEqual({ running: 1 });
    expect(metrics.running_executions).toBe(0);
    expect(metrics.finished_executions).toBe(1);
  });
});

describe('the clock', () => {
  // README: "timestamps are UTC ... durations never negative"; the clock
  // "cannot step backwards". It anchors performance.now() at construction
  // and trusts it to be monotonic; fake timers installed after the tracker
  // was built restart performance.now() at 0.
  it('an end recorded after the performance clock is faked is not earlier than its start', () => {
    const tracker = new ExecutionTracker('fake-clock');
    const execution = tracker.recordRoutineStart('a');
    vi.useFakeTimers({ toFake: ['Date', 'performance'] });
    vi.advanceTimersByTime(5);
    execution.end();
    const record = execution.record;
    // Same format, same year: the strings order as the instants do. The
    // 5 ms of the replaced clock cannot be told from its jump back.
    expect((record.end_time ?? '') >= record.start_time).toBe(true);
    expect(record.execution_time).toBeGreaterThanOrEqual(0);
  });
});

describe('memory stays bounded', () => {
  it('events to ever new target ids do not keep a span reference per target', () => {
    // A recording SDK: without one there are no spans to remember.
    const tracker = new ExecutionTracker({
      flowId: 'causes',
      maxEvents: 10,
      tracer: createInMemoryTracing().tracer,
    });
    tracker.recordRoutineStart('dispatcher');
    for (let i = 0; i < 20_000; i++) {
      tracker.recordEvent('dispatcher', 'job', `job-${i}`, {});
    }
    // SpanBridge._causes remembers the latest sender of at most 10,000
    // targets, the ones that heard something most recently.
    const causes = (
      tracker as unknown as { _spans: { _causes: Map<string, unknown> } }
    )._spans._causes;
    expect(causes.size).toBe(10_000);
    expect(causes.has('job-19999')).toBe(true);
    expect(causes.has('job-0')).toBe(false);
  });
});

// What the mirror must answer after any sequence of calls: its figures
// agree with each other, with the calls that were made, and, when nothing
// was dropped, with the figures recomputed from its own full record list.
import { expect } from 'vitest';

import type {
  ExecutionRecord,
  ExecutionTracker,
  RoutinePerformance,
} from '../../src/index.js';
import { expectPercentiles } from '../support/percentiles.js';
import type { OperationRunner } from './operations.js';

/** Epoch microseconds of a timestamp in the tracker's own format. */
export function microsOf(timestamp: string): number {
  const match =
    /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})(\d{3})\+00:00$/.exec(
      timestamp,
    );
  if (match === null) throw new Error(`not a tracker timestamp: ${timestamp}`);
  return Date.parse(`${match[1] ?? ''}Z`) * 1000 + Number(match[2]);
}

// The tracker sums with compensation, a plain loop does not: the two agree
// to far better than this, but not always to the last bit.
function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
    1e-12 + 1e-9 * Math.abs(expected),
  );
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function checkRoutine(
  perf: RoutinePerformance,
  records: readonly ExecutionRecord[],
): void {
  const count = (status: string): number =>
    records.filter((record) => record.status === status).length;
  expect(perf.total_executions).toBe(records.length);
  expect(perf.completed).toBe(count('completed'));
  expect(perf.failed).toBe(count('failed'));
  expect(perf.success_rate).toBe(count('completed') / records.length);

  const times: number[] = [];
  for (const record of records) {
    if (record.end_time === undefined) {
      expect(record.execution_time).toBeUndefined();
      continue;
    }
    const micros = microsOf(record.end_time) - microsOf(record.start_time);
    expect(micros).toBeGreaterThanOrEqual(0);
    expect(record.execution_time).toBe(micros / 1e6);
    times.push(micros / 1e6);
  }
  if (times.length === 0) {
    expect(perf.total_execution_time).toBe(0);
    expect(perf.max_execution_time).toBe(0);
    expect(perf.p50_execution_time).toBe(0);
    return;
  }
  const sorted = [...times].sort((a, b) => a - b);
  expect(perf.min_execution_time).toBe(sorted[0]);
  expect(perf.max_execution_time).toBe(sorted.at(-1));
  expectClose(perf.total_execution_time, sum(times));
  expectClose(perf.avg_execution_time, sum(times) / times.length);
  // README: the percentiles are "within 1% relative error" past 64 timed
  // executions, and exact up to them.
  expectPercentiles(perf, sorted, 0.01);
}

/** Checks every figure the mirror gives; `runner` adds what the calls say. */
export function checkMirror(
  tracker: ExecutionTracker,
  runner?: OperationRunner,
): void {
  const metrics = tracker.getPerformanceMetrics();
  const flow = tracker.getFlowPerformance();
  expect(sum(Object.values(metrics.status_counts))).toBe(
    metrics.total_executions,
  );
  expect(metrics.finished_executions + metrics.running_executions).toBe(
    metrics.total_executions,
  );
  expect(flow).toEqual({
    total_routines: metrics.total_routines,
    total_events: metrics.total_events,
    total_execution_time: metrics.total_execution_time,
    avg_routine_time: metrics.avg_routine_time,
  });
  for (const [id, perf] of Object.entries(metrics.routines)) {
    expect(tracker.getRoutinePerformance(id)).toEqual(perf);
  }
  const shares = metrics.bottlenecks.map((b) => b.share);
  expect(shares).toEqual([...shares].sort((a, b) => b - a));

  if (runner !== undefined) {
    expect(metrics.total_executions).toBe(runner.expected.length);
    expect(metrics.status_counts).toEqual(runner.statusCounts());
    expect(metrics.total_events).toBe(runner.expectedEvents);
    expect(metrics.running_executions).toBe(
      runner.expected.filter((e) => e.status === undefined).length,
    );
    // Each execution, not just each count: an end closes the right one.
    expect(runner.expected.map((e) => e.handle.record.status)).toEqual(
      runner.expected.map((e) => e.status ?? 'running'),
    );
    expect(runner.expected.map((e) => e.handle.ended)).toEqual(
      runner.expected.map((e) => e.status !== undefined),
    );
  }
  if (metrics.dropped_executions === 0 && metrics.dropped_events === 0) {
    checkRecomputed(tracker);
  }
}

function checkRecomputed(tracker: ExecutionTracker): void {
  const metrics = tracker.getPerformanceMetrics();
  const executions = tracker.routineExecutions;
  const all = [...executions.values()].flat();
  expect(metrics.total_executions).toBe(all.length);
  expect(metrics.running_executions).toBe(
    all.filter((record) => record.end_time === undefined).length,
  );
  const counts: Record<string, number> = {};
  for (const { status } of all) {
    Object.defineProperty(counts, status, {
      value: (Object.hasOwn(counts, status) ? (counts[status] ?? 0) : 0) + 1,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  expect(metrics.status_counts).toEqual(counts);
  expect(Object.keys(metrics.routines).sort()).toEqual(
    [...executions.keys()].sort(),
  );
  for (const [id, records] of executions) {
    checkRoutine(metrics.routines[id] as RoutinePerformance, records);
  }

  const times = all.flatMap((record) => record.execution_time ?? []);
  expect(metrics.total_routines).toBe(executions.size);
  expect(metrics.total_events).toBe(tracker.eventFlow.length);
  expectClose(metrics.total_execution_time, sum(times));
  expectClose(
    metrics.avg_routine_time,
    executions.size === 0 ? 0 : sum(times) / executions.size,
  );
  const starts = all.map((record) => microsOf(record.start_time));
  const ends = all.flatMap((record) =>
    record.end_time === undefined ? [] : [microsOf(record.end_time)],
  );
  const wall =
    ends.length === 0 ? 0 : (Math.max(...ends) - Math.min(...starts)) / 1e6;
  expect(metrics.wall_time).toBe(wall);
  expect(metrics.throughput).toBe(
    wall > 0 ? metrics.finished_executions / wall : 0,
  );
  for (const bottleneck of metrics.bottlenecks) {
    const total = metrics.routines[bottleneck.routine_id]?.total_execution_time;
    expect(bottleneck.total_execution_time).toBe(total);
    expect(bottleneck.share).toBe(
      metrics.total_execution_time > 0
        ? (total ?? 0) / metrics.total_execution_time
        : 0,
    );
  }
}

import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { parseSerializedTracker } from '../../src/format/deserialize.js';
import { Mirror } from '../../src/mirror/mirror.js';
import { StoredEvent, type StoredExecution } from '../../src/mirror/stored.js';
import type {
  RoutinePerformance,
  SerializedTracker,
} from '../../src/records.js';
import { expectPercentiles } from '../support/percentiles.js';
import { seededRandom } from '../support/seeded-random.js';

function pick<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('empty list');
  return item;
}

/** Asserts that `actual` equals `expected` up to floating-point summation order. */
function expectSame(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
    Math.abs(expected) * 1e-12,
  );
}

function event(micros: number, source: string): StoredEvent {
  return new StoredEvent(micros, source, 'output', null, {});
}

const T0 = 1_764_798_363_000_000;

interface Generated {
  readonly routineId: string;
  readonly startMicros: number;
  status: string;
  endMicros?: number;
}

/**
 * Runs a seeded random flow of `count` executions over three routines,
 * with up to 20 running at once, ending them out of order, and leaves the
 * last few running. Returns the full list of what was recorded.
 */
function runRandomFlow(
  mirror: Mirror,
  count: number,
  seed: number,
): Generated[] {
  const random = seededRandom(seed);
  const routines = ['extract', 'transform', 'load'];
  const statuses = ['completed', 'completed', 'completed', 'failed', 'skipped'];
  const all: Generated[] = [];
  const open: [StoredExecution, Generated][] = [];
  let now = T0;

  const endOne = (): void => {
    const index = Math.floor(random() * open.length);
    const [entry] = open.splice(index, 1);
    if (entry === undefined) return;
    const [stored, generated] = entry;
    generated.status = pick(statuses, random);
    generated.endMicros = now;
    mirror.end(
      stored,
      generated.status,
      { ok: true },
      generated.status === 'failed' ? 'boom' : undefined,
      now,
    );
  };

  for (let i = 0; i < count; i++) {
    now += 1 + Math.floor(random() * 5000);
    const routineId = pick(routines, random);
    const generated: Generated = {
      routineId,
      startMicros: now,
      status: 'running',
    };
    all.push(generated);
    open.push([mirror.start(routineId, { i }, now), generated]);
    while (open.length > 20 || (open.length > 0 && random() < 0.6)) {
      now += Math.floor(random() * 20_000);
      endOne();
    }
  }
  while (open.length > 5) {
    now += Math.floor(random() * 20_000);
    endOne();
  }
  return all;
}

/** The figures of one routine, recomputed from every generated execution. */
function recompute(all: readonly Generated[], routineId: string) {
  const mine = all.filter((execution) => execution.routineId === routineId);
  const durations = mine
    .filter((execution) => execution.endMicros !== undefined)
    .map(
      (execution) =>
        Math.max(0, (execution.endMicros ?? 0) - execution.startMicros) / 1e6,
    );
  const total = durations.reduce((sum, value) => sum + value, 0);
  return {
    count: mine.length,
    completed: mine.filter((execution) => execution.status === 'completed')
      .length,
    failed: mine.filter((execution) => execution.status === 'failed').length,
    running: mine.filter((execution) => execution.status === 'running').length,
    durations: durations.sort((a, b) => a - b),
    total,
  };
}

describe('Mirror: aggregates', () => {
  it('answers null for a routine never recorded', () => {
    const mirror = new Mirror('f', {
      maxExecutionsPerRoutine: 10,
      maxEvents: 10,
    });
    expect(mirror.routinePerformance('missing')).toBeNull();
    expect(mirror.retainedExecutions('missing')).toEqual([]);
  });

  it('keeps every figure exact while the bound drops records', () => {
    const mirror = new Mirror('random-flow', {
      maxExecutionsPerRoutine: 10,
      maxEvents: 100,
    });
    const all = runRandomFlow(mirror, 6000, 42);

    let flowTotal = 0;
    for (const routineId of ['extract', 'transform', 'load']) {
      const expected = recompute(all, routineId);
      const performance = mirror.routinePerformance(routineId);
      if (performance === null) throw new Error(`no figures for ${routineId}`);

      expect(expected.count).toBeGreaterThan(1000);
      expect(mirror.retainedExecutions(routineId)).toHaveLength(10);
      expect(performance.total_executions).toBe(expected.count);
      expect(performance.completed).toBe(expected.completed);
      expect(performance.failed).toBe(expected.failed);
      expect(performance.success_rate).toBe(
        expected.completed / expected.count,
      );
      expect(performance.min_execution_time).toBe(expected.durations[0]);
      expect(performance.max_execution_time).toBe(expected.durations.at(-1));
      expectSame(performance.total_execution_time, expected.total);
      expectSame(
        performance.avg_execution_time,
        expected.total / expected.durations.length,
      );
      expectPercentiles(performance, expected.durations, 0.01);
      flowTotal += expected.total;
    }

    const flow = mirror.flowPerformance();
    expect(flow.total_routines).toBe(3);
    expectSame(flow.total_execution_time, flowTotal);
    expectSame(flow.avg_routine_time, flowTotal / 3);
  });

  it('reports performanceMetrics recomputed from the full list', () => {
    const mirror = new Mirror('random-flow', {
      maxExecutionsPerRoutine: 25,
      maxEvents: 100,
    });
    const all = runRandomFlow(mirror, 3000, 7);
    const metrics = mirror.performanceMetrics();

    const statusCounts: Record<string, number> = {};
    for (const execution of all) {
      statusCounts[execution.status] =
        (statusCounts[execution.status] ?? 0) + 1;
    }
    const finished = all.filter(
      (execution) => execution.endMicros !== undefined,
    );
    const firstStart = Math.min(
      ...all.map((execution) => execution.startMicros),
    );
    const lastEnd = Math.max(
      ...finished.map((execution) => execution.endMicros ?? 0),
    );
    const wallTime = (lastEnd - firstStart) / 1e6;

    expect(metrics.flow_id).toBe('random-flow');
    expect(metrics.total_executions).toBe(3000);
    expect(metrics.finished_executions).toBe(finished.length);
    const stillRunning = all.length - finished.length;
    expect(stillRunning).toBeGreaterThan(0);
    expect(metrics.running_executions).toBe(stillRunning);
    expect(metrics.status_counts).toEqual(statusCounts);
    expect(metrics.status_counts.running).toBe(stillRunning);
    expect(metrics.wall_time).toBe(wallTime);
    expect(metrics.throughput).toBe(finished.length / wallTime);

    const routines = ['extract', 'transform', 'load'];
    const totals = routines.map((id) => recompute(all, id));
    const flowTotal = totals.reduce((sum, routine) => sum + routine.total, 0);
    expectSame(metrics.total_execution_time, flowTotal);
    expect(metrics.total_routines).toBe(3);
    expect(metrics.dropped_executions).toBe(
      totals.reduce((sum, routine) => sum + routine.count - 25, 0),
    );
    expect(metrics.dropped_events).toBe(0);
    expect(Object.keys(metrics.routines)).toEqual([...mirror.routineIds()]);
    for (const id of routines) {
      expect(metrics.routines[id]).toEqual(mirror.routinePerformance(id));
    }

    const expectedBottlenecks = routines
      .map((id, index) => ({
        routine_id: id,
        total: totals[index]?.total ?? 0,
      }))
      .sort((a, b) => b.total - a.total);
    expect(metrics.bottlenecks.map((b) => b.routine_id)).toEqual(
      expectedBottlenecks.map((b) => b.routine_id),
    );
    for (const bottleneck of metrics.bottlenecks) {
      const routine = metrics.routines[bottleneck.routine_id];
      expect(bottleneck.total_execution_time).toBe(
        routine?.total_execution_time,
      );
      expect(bottleneck.share).toBe(
        bottleneck.total_execution_time / metrics.total_execution_time,
      );
    }
    const shares = metrics.bottlenecks.map((b) => b.share);
    expect([...shares].sort((a, b) => b - a)).toEqual(shares);
    expectSame(
      shares.reduce((sum, share) => sum + share, 0),
      1,
    );
  });

  it('keeps the running records retained while older finished ones are dropped', () => {
    const mirror = new Mirror('f', {
      maxExecutionsPerRoutine: 3,
      maxEvents: 10,
    });
    const longRunning = mirror.start('w', {}, T0);
    for (let i = 1; i <= 10; i++) {
      const execution = mirror.start('w', { i }, T0 + i * 1000);
      mirror.end(
        execution,
        'completed',
        undefined,
        undefined,
        T0 + i * 1000 + 500,
      );
    }
    expect(mirror.retainedExecutions('w')).toEqual([
      longRunning,
      expect.objectContaining({ params: { i: 9 } }),
      expect.objectContaining({ params: { i: 10 } }),
    ]);
    expect(mirror.performanceMetrics().dropped_executions).toBe(8);
    expect(mirror.routinePerformance('w')?.total_executions).toBe(11);
  });

  it('gives wall_time and throughput 0 until an execution ends', () => {
    const mirror = new Mirror('f', {
      maxExecutionsPerRoutine: 10,
      maxEvents: 10,
    });
    expect(mirror.performanceMetrics()).toMatchObject({
      wall_time: 0,
      throughput: 0,
      total_executions: 0,
      status_counts: {},
      routines: {},
      bottlenecks: [],
    });
    const execution = mirror.start('a', {}, T0);
    expect(mirror.performanceMetrics()).toMatchObject({
      wall_time: 0,
      throughput: 0,
      running_executions: 1,
      status_counts: { running: 1 },
    });
    mirror.end(execution, 'completed', undefined, undefined, T0 + 2_000_000);
    expect(mirror.performanceMetrics()).toMatchObject({
      wall_time: 2,
      throughput: 0.5,
      running_executions: 0,
      finished_executions: 1,
      status_counts: { completed: 1 },
    });
  });

  it('measures wall time from the first start to the last end', () => {
    const mirror = new Mirror('f', {
      maxExecutionsPerRoutine: 10,
      maxEvents: 10,
    });
    const long = mirror.start('a', {}, T0);
    const short = mirror.start('b', {}, T0 + 1_000_000);
    mirror.end(short, 'completed', undefined, undefined, T0 + 2_000_000);
    mirror.end(long, 'completed', undefined, undefined, T0 + 4_000_000);
    mirror.start('c', {}, T0 + 9_000_000); // starts after the last end
    const metrics = mirror.performanceMetrics();
    expect(metrics.wall_time).toBe(4);
    expect(metrics.throughput).toBe(0.5);
    expect(metrics.bottlenecks).toEqual([
      { routine_id: 'a', total_execution_time: 4, share: 0.8 },
      { routine_id: 'b', total_execution_time: 1, share: 0.2 },
      { routine_id: 'c', total_execution_time: 0, share: 0 },
    ]);
  });

  it('gives every bottleneck a share of 0 when no time was recorded', () => {
    const mirror = new Mirror('f', {
      maxExecutionsPerRoutine: 10,
      maxEvents: 10,
    });
    const a = mirror.start('a', {}, T0);
    mirror.end(a, 'completed', undefined, undefined, T0);
    expect(mirror.performanceMetrics().bottlenecks).toEqual([
      { routine_id: 'a', total_execution_time: 0, share: 0 },
    ]);
  });

  it('records a duration of 0 when the end stamp is before the start stamp', () => {
    const mirror = new Mirror('f', {
      maxExecutionsPerRoutine: 10,
      maxEvents: 10,
    });
    const execution = mirror.start('a', {}, T0 + 5000);
    mirror.end(execution, 'completed', undefined, undefined, T0);
    expect(execution.executionTime).toBe(0);
    expect(mirror.routinePerformance('a')?.min_execution_time).toBe(0);
  });

  it('stores the end: status, stamp, duration, result and error message', () => {
    const mirror = new Mirror('f', {
      maxExecutionsPerRoutine: 10,
      maxEvents: 10,
    });
    const failed = mirror.start('a', { x: 1 }, T0);
    mirror.end(failed, 'failed', { partial: 2 }, 'disk full', T0 + 1500);
    expect(failed).toMatchObject({
      status: 'failed',
      endMicros: T0 + 1500,
      executionTime: 0.0015,
      result: { partial: 2 },
      error: 'disk full',
      params: { x: 1 },
    });

    const noResult = mirror.start('a', {}, T0);
    mirror.end(noResult, 'completed', null, undefined, T0 + 1);
    expect(noResult.result).toBeUndefined();
    expect(noResult.error).toBeUndefined();
  });
});

describe('Mirror: events', () => {
  it('drops the oldest events past the bound and counts them', () => {
    const mirror = new Mirror('f', {
      maxExecutionsPerRoutine: 10,
      maxEvents: 3,
    });
    for (let i = 0; i < 10; i++) mirror.addEvent(event(T0 + i, `s${i}`));
    expect(mirror.retainedEvents().map((e) => e.sourceRoutineId)).toEqual([
      's7',
      's8',
      's9',
    ]);
    expect(mirror.flowPerformance().total_events).toBe(10);
    expect(mirror.performanceMetrics().dropped_events).toBe(7);
  });

  it('keeps no events with a bound of 0, and all with Infinity', () => {
    const none = new Mirror('f', { maxExecutionsPerRoutine: 10, maxEvents: 0 });
    const all = new Mirror('f', {
      maxExecutionsPerRoutine: 10,
      maxEvents: Infinity,
    });
    for (let i = 0; i < 5000; i++) {
      none.addEvent(event(T0 + i, 's'));
      all.addEvent(event(T0 + i, 's'));
    }
    expect(none.retainedEvents()).toEqual([]);
    expect(none.performanceMetrics()).toMatchObject({
      total_events: 5000,
      dropped_events: 5000,
    });
    expect(all.retainedEvents()).toHaveLength(5000);
    expect(all.performanceMetrics()).toMatchObject({
      total_events: 5000,
      dropped_events: 0,
    });
  });

  it('does not count events as routines or as wall time', () => {
    const mirror = new Mirror('f', {
      maxExecutionsPerRoutine: 10,
      maxEvents: 10,
    });
    mirror.addEvent(event(T0, 'src'));
    mirror.addEvent(event(T0 + 1_000_000, 'src'));
    expect(mirror.flowPerformance()).toEqual({
      total_routines: 0,
      total_events: 2,
      total_execution_time: 0,
      avg_routine_time: 0,
    });
    expect(mirror.performanceMetrics().wall_time).toBe(0);
  });
});

describe('Mirror: hostile routine ids', () => {
  it('keeps __proto__ and constructor routine ids and statuses as own data', () => {
    const mirror = new Mirror('f', {
      maxExecutionsPerRoutine: 10,
      maxEvents: 10,
    });
    const a = mirror.start('__proto__', {}, T0);
    mirror.end(a, '__proto__', undefined, undefined, T0 + 1_000_000);
    const b = mirror.start('constructor', {}, T0);
    mirror.end(b, 'constructor', undefined, undefined, T0 + 3_000_000);
    mirror.start('hasOwnProperty', {}, T0);

    const metrics = mirror.performanceMetrics();
    expect(Object.getPrototypeOf(metrics.routines)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(metrics.status_counts)).toBe(Object.prototype);
    expect(Object.keys(metrics.routines)).toEqual([
      '__proto__',
      'constructor',
      'hasOwnProperty',
    ]);
    const proto = Object.getOwnPropertyDescriptor(metrics.routines, '__proto__')
      ?.value as RoutinePerformance | undefined;
    expect(proto?.total_executions).toBe(1);
    expect(proto?.total_execution_time).toBe(1);
    expect(
      Object.getOwnPropertyDescriptor(metrics.status_counts, '__proto__')
        ?.value,
    ).toBe(1);
    expect(metrics.status_counts.constructor).toBe(1);
    expect(metrics.status_counts.running).toBe(1);
    expect(Object.keys(metrics.status_counts).sort()).toEqual([
      '__proto__',
      'constructor',
      'running',
    ]);
    expect(metrics.bottlenecks.map((b) => b.routine_id)).toEqual([
      'constructor',
      '__proto__',
      'hasOwnProperty',
    ]);
    expect(JSON.stringify(metrics.routines)).toContain(
      '{"__proto__":{"total_executions":1,',
    );
    expect(({} as Record<string, unknown>).total_executions).toBeUndefined();
    expect(mirror.routinePerformance('__proto__')?.total_executions).toBe(1);
    expect(mirror.routinePerformance('toString')).toBeNull();
  });
});

describe('Mirror: loaded records', () => {
  interface Vector {
    readonly name: string;
    readonly serialized: SerializedTracker;
    readonly reference: {
      readonly routine_performance: Record<
        string,
        Partial<RoutinePerformance> | null
      >;
      readonly flow_performance: {
        readonly total_routines: number;
        readonly total_events: number;
      };
    };
  }
  const fixture = JSON.parse(
    readFileSync(
      new URL('../fixtures/routilux/routilux-0.11.0.json', import.meta.url),
      'utf8',
    ),
  ) as { vectors: Vector[] };

  function loadVector(vector: Vector): Mirror {
    const parsed = parseSerializedTracker(vector.serialized);
    const mirror = new Mirror(parsed.flowId, {
      maxExecutionsPerRoutine: Infinity,
      maxEvents: Infinity,
    });
    for (const [routineId, records] of parsed.routines) {
      for (const record of records) mirror.load(routineId, record);
    }
    for (const loaded of parsed.events) mirror.addEvent(loaded);
    return mirror;
  }

  it.each(fixture.vectors.map((vector) => [vector.name, vector] as const))(
    "reproduces routilux's routine figures for the %s vector",
    (_name, vector) => {
      const mirror = loadVector(vector);
      for (const [routineId, reference] of Object.entries(
        vector.reference.routine_performance,
      )) {
        const performance = mirror.routinePerformance(routineId);
        if (reference === null) {
          expect(performance).toBeNull();
          continue;
        }
        if (performance === null)
          throw new Error(`no figures for ${routineId}`);
        expect(performance.total_executions).toBe(reference.total_executions);
        expect(performance.completed).toBe(reference.completed);
        expect(performance.failed).toBe(reference.failed);
        expect(performance.success_rate).toBe(reference.success_rate);
        expectSame(
          performance.avg_execution_time,
          reference.avg_execution_time ?? NaN,
        );
        expect(performance.min_execution_time).toBe(
          reference.min_execution_time,
        );
        expect(performance.max_execution_time).toBe(
          reference.max_execution_time,
        );
      }
      const flow = mirror.flowPerformance();
      expect(flow.total_routines).toBe(
        vector.reference.flow_performance.total_routines,
      );
      expect(flow.total_events).toBe(
        vector.reference.flow_performance.total_events,
      );

      // Documented: the sum of the durations of every execution that ended.
      let total = 0;
      for (const records of Object.values(
        vector.serialized.routine_executions,
      )) {
        for (const record of records) total += record.execution_time ?? 0;
      }
      expectSame(flow.total_execution_time, total);
    },
  );

  it('continues the start order after loaded records', () => {
    const mirror = new Mirror('f', {
      maxExecutionsPerRoutine: 10,
      maxEvents: 10,
    });
    const parsed = parseSerializedTracker({
      flow_id: 'f',
      routine_executions: {
        w: [
          {
            routine_id: 'w',
            start_time: '2026-12-03T21:46:03.000000+00:00',
            status: 'running',
          },
        ],
      },
      event_flow: [],
    });
    const loaded = parsed.routines[0]?.[1][0];
    if (loaded === undefined) throw new Error('nothing loaded');
    mirror.load('w', loaded);
    const started = mirror.start('w', {}, T0);
    expect(started.seq).toBeGreaterThan(loaded.seq);
    // A loaded running record is held as a record of the mirror's own.
    const [first, second] = mirror.retainedExecutions('w');
    expect(first).toMatchObject({
      seq: loaded.seq,
      startMicros: loaded.startMicros,
      status: 'running',
    });
    expect(second).toBe(started);
  });

  it('ends a loaded running record in the routine it was loaded under', () => {
    // A dump whose record names another routine than the key it sits under.
    const parsed = parseSerializedTracker({
      flow_id: 'f',
      routine_executions: {
        a: [
          {
            routine_id: 'b',
            start_time: '2026-12-03T21:46:03.000000+00:00',
            status: 'running',
          },
        ],
      },
      event_flow: [],
    });
    const loaded = parsed.routines[0]?.[1][0];
    if (loaded === undefined) throw new Error('nothing loaded');
    const mirror = new Mirror('f', {
      maxExecutionsPerRoutine: 10,
      maxEvents: 10,
    });
    mirror.load('a', loaded);
    mirror.end(
      loaded,
      'completed',
      undefined,
      undefined,
      loaded.startMicros + 1000,
    );

    expect(mirror.routinePerformance('a')?.completed).toBe(1);
    const metrics = mirror.performanceMetrics();
    expect(metrics.status_counts).toEqual({ completed: 1 });
    expect(metrics.total_routines).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';

import {
  EXACT_DURATIONS,
  RoutineStats,
} from '../../src/mirror/routine-stats.js';
import { expectPercentiles } from '../support/percentiles.js';
import { seededRandom } from '../support/seeded-random.js';

/** Starts and ends one execution with `status` and `seconds`, as the store does. */
function record(stats: RoutineStats, status: string, seconds: number): void {
  stats.add('running', false);
  stats.end('running', status);
  stats.addDuration(seconds);
}

describe('RoutineStats', () => {
  it('gives zeros for a routine with no executions', () => {
    expect(new RoutineStats().performance()).toEqual({
      total_executions: 0,
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

  it("computes routilux's figures for repeated executions with a failure", () => {
    // The repeated_with_failure vector of the routilux fixture.
    const stats = new RoutineStats();
    record(stats, 'completed', 0.005238);
    record(stats, 'completed', 0.010398);
    record(stats, 'completed', 0.015222);
    record(stats, 'failed', 9e-6);

    const performance = stats.performance();
    expect(performance.total_executions).toBe(4);
    expect(performance.completed).toBe(3);
    expect(performance.failed).toBe(1);
    expect(performance.success_rate).toBe(0.75);
    expect(performance.avg_execution_time).toBeCloseTo(0.00771675, 15);
    expect(performance.min_execution_time).toBe(9e-6);
    expect(performance.max_execution_time).toBe(0.015222);
    expect(performance.total_execution_time).toBeCloseTo(0.030867, 15);
  });

  it('counts running executions in total_executions but not in the durations', () => {
    // routilux: success_rate = completed / all executions; the average is
    // over the executions that have an execution_time.
    const stats = new RoutineStats();
    record(stats, 'completed', 0.002287);
    stats.add('running', false);

    const performance = stats.performance();
    expect(performance.total_executions).toBe(2);
    expect(performance.completed).toBe(1);
    expect(performance.success_rate).toBe(0.5);
    expect(performance.avg_execution_time).toBe(0.002287);
    expect(performance.total_execution_time).toBe(0.002287);
    expect(stats.total).toBe(2);
    expect(stats.ended).toBe(1);
  });

  it('counts only "completed" as completed and only "failed" as failed', () => {
    const stats = new RoutineStats();
    record(stats, 'skipped', 0.002173);
    record(stats, 'error_continued', 0.002187);
    record(stats, 'Completed', 0.001);

    const performance = stats.performance();
    expect(performance.total_executions).toBe(3);
    expect(performance.completed).toBe(0);
    expect(performance.failed).toBe(0);
    expect(performance.success_rate).toBe(0);
    expect(stats.count('skipped')).toBe(1);
    expect(stats.count('error_continued')).toBe(1);
    expect(stats.count('Completed')).toBe(1);
  });

  it('moves an execution between statuses as it ends and keeps no zero counts', () => {
    const stats = new RoutineStats();
    stats.add('running', false);
    stats.add('running', false);
    expect([...stats.statusCounts()]).toEqual([['running', 2]]);

    stats.end('running', 'completed');
    expect(Object.fromEntries(stats.statusCounts())).toEqual({
      running: 1,
      completed: 1,
    });
    stats.end('running', 'failed');
    expect(Object.fromEntries(stats.statusCounts())).toEqual({
      completed: 1,
      failed: 1,
    });
    expect(stats.count('running')).toBe(0);
    expect(stats.ended).toBe(2);
  });

  it('counts an execution added as already ended', () => {
    const stats = new RoutineStats();
    stats.add('completed', true);
    stats.addDuration(0.5);
    expect(stats.total).toBe(1);
    expect(stats.ended).toBe(1);
    expect(stats.performance().completed).toBe(1);
    expect(stats.performance().avg_execution_time).toBe(0.5);
  });

  it('keeps an ending whose status does not change counted once', () => {
    const stats = new RoutineStats();
    stats.add('running', false);
    stats.end('running', 'running');
    expect(stats.ended).toBe(1);
    expect(stats.count('running')).toBe(1);
  });

  it('keeps the exact minimum, maximum and sum', () => {
    const stats = new RoutineStats();
    // Binary fractions, so that the exact sum is known: 13.4375 + 2^-20.
    const values = [0.25, 0.125, 0.5, 2 ** -20, 12.5, 0.0625];
    for (const value of values) stats.addDuration(value);
    const performance = stats.performance();
    expect(performance.min_execution_time).toBe(2 ** -20);
    expect(performance.max_execution_time).toBe(12.5);
    expect(stats.totalTime).toBe(13.4375 + 2 ** -20);
    expect(performance.total_execution_time).toBe(13.4375 + 2 ** -20);
    expect(performance.avg_execution_time).toBe((13.4375 + 2 ** -20) / 6);
  });

  it('gives percentiles within 1% of the exact ones for 10,000 random durations', () => {
    const random = seededRandom(1234);
    const stats = new RoutineStats();
    const durations: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      // Log-uniform over five decades: 10 µs to 1 s.
      const seconds = 10 ** (-5 + 5 * random());
      durations.push(seconds);
      stats.addDuration(seconds);
    }
    durations.sort((a, b) => a - b);
    const performance = stats.performance();

    expectPercentiles(performance, durations, 0.01);
    expect(performance.min_execution_time).toBe(durations[0]);
    expect(performance.max_execution_time).toBe(durations.at(-1));
  });

  it('interpolates linearly between the closest ranks, as numpy does', () => {
    const stats = new RoutineStats();
    for (const seconds of [0.4, 0.1, 0.3, 0.2]) stats.addDuration(seconds);
    const performance = stats.performance();
    // numpy.percentile([0.1, 0.2, 0.3, 0.4], [50, 95, 99])
    for (const [value, numpy] of [
      [performance.p50_execution_time, 0.25],
      [performance.p95_execution_time, 0.385],
      [performance.p99_execution_time, 0.397],
    ] as const) {
      expect(Math.abs(value - numpy) / numpy).toBeLessThanOrEqual(0.01);
    }

    const two = new RoutineStats();
    two.addDuration(1);
    two.addDuration(3);
    expect(two.performance().p50_execution_time).toBe(2);
    expect(two.performance().p99_execution_time).toBeCloseTo(2.98, 12);
  });

  it('gives percentiles within 1% for normally distributed durations', () => {
    const random = seededRandom(99);
    const stats = new RoutineStats();
    const durations: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      // Box–Muller: mean 0.2 s, standard deviation 0.03 s.
      const u = 1 - random();
      const v = random();
      const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      const seconds = Math.max(1e-6, 0.2 + 0.03 * normal);
      durations.push(seconds);
      stats.addDuration(seconds);
    }
    durations.sort((a, b) => a - b);
    const performance = stats.performance();
    expectPercentiles(performance, durations, 0.01);
  });

  it.each([0.3, 1e-6, 0.010253, 12345.678, 7])(
    'gives exactly %d for every percentile when all durations are that value',
    (seconds) => {
      const stats = new RoutineStats();
      for (let i = 0; i < 100; i++) stats.addDuration(seconds);
      const performance = stats.performance();
      expect(performance.p50_execution_time).toBe(seconds);
      expect(performance.p95_execution_time).toBe(seconds);
      expect(performance.p99_execution_time).toBe(seconds);
    },
  );

  it(`gives exact percentiles up to ${EXACT_DURATIONS} durations, then within 1%`, () => {
    const random = seededRandom(64);
    const stats = new RoutineStats();
    const durations: number[] = [];
    for (let n = 1; n <= EXACT_DURATIONS + 40; n++) {
      const seconds = 0.001 + random() * 0.5;
      durations.push(seconds);
      record(stats, 'completed', seconds);
      const sorted = [...durations].sort((a, b) => a - b);
      const performance = stats.performance();
      expectPercentiles(
        performance,
        sorted,
        n <= EXACT_DURATIONS ? 0 : 0.01,
        `of ${n}`,
      );
      expect(performance.min_execution_time).toBe(sorted[0]);
      expect(performance.max_execution_time).toBe(sorted.at(-1));
    }
  });

  it('gives the one duration exactly when there is only one', () => {
    const stats = new RoutineStats();
    stats.addDuration(0.123456);
    const performance = stats.performance();
    expect(performance.p50_execution_time).toBe(0.123456);
    expect(performance.p95_execution_time).toBe(0.123456);
    expect(performance.p99_execution_time).toBe(0.123456);
  });

  it('keeps every percentile between the exact minimum and maximum', () => {
    const random = seededRandom(3);
    for (let trial = 0; trial < 50; trial++) {
      const stats = new RoutineStats();
      const count = 1 + Math.floor(random() * 20);
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < count; i++) {
        const seconds = 0.1 + random() * 0.001;
        min = Math.min(min, seconds);
        max = Math.max(max, seconds);
        stats.addDuration(seconds);
      }
      const performance = stats.performance();
      for (const value of [
        performance.p50_execution_time,
        performance.p95_execution_time,
        performance.p99_execution_time,
      ]) {
        expect(value).toBeGreaterThanOrEqual(min);
        expect(value).toBeLessThanOrEqual(max);
      }
    }
  });

  it('gives the exact maximum, not NaN, for percentiles whose ranks both lie past the histogram', () => {
    const stats = new RoutineStats();
    for (let i = 0; i < 35; i++) record(stats, 'completed', 1);
    for (let i = 0; i < 65; i++) record(stats, 'completed', 2 ** 41);
    const performance = stats.performance();
    expect(performance.p50_execution_time).toBe(2 ** 41);
    expect(performance.p95_execution_time).toBe(2 ** 41);
    expect(performance.p99_execution_time).toBe(2 ** 41);
  });

  it('handles zero durations', () => {
    const stats = new RoutineStats();
    stats.addDuration(0);
    stats.addDuration(0);
    const performance = stats.performance();
    expect(performance.min_execution_time).toBe(0);
    expect(performance.max_execution_time).toBe(0);
    expect(performance.p50_execution_time).toBe(0);
    expect(performance.p99_execution_time).toBe(0);
    expect(performance.avg_execution_time).toBe(0);
  });
});

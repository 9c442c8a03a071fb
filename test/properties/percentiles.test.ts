// Percentiles past 64 durations against the exact quantiles (numpy's
// linear interpolation), for distributions chosen to hurt a log-scale
// histogram: README promises 0.8%, exact minimum and maximum.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ExecutionTracker } from '../../src/index.js';
import { RoutineStats } from '../../src/mirror/routine-stats.js';
import { exactQuantile, PERCENTILES } from '../support/percentiles.js';
import { SEED } from './arbitraries.js';

function figures(durations: readonly number[]) {
  const stats = new RoutineStats();
  for (const d of durations) {
    stats.add('completed', true);
    stats.addDuration(d);
  }
  return stats.performance();
}

function expectWithin(durations: readonly number[], relative = 1 / 128): void {
  const perf = figures(durations);
  const sorted = [...durations].sort((a, b) => a - b);
  expect(perf.min_execution_time).toBe(sorted[0]);
  expect(perf.max_execution_time).toBe(sorted[sorted.length - 1]);
  let previous = -Infinity;
  for (const [q, key] of PERCENTILES) {
    const exact = exactQuantile(sorted, q);
    const got = perf[key];
    expect(
      Math.abs(got - exact),
      `${key} of ${sorted.length}`,
    ).toBeLessThanOrEqual(relative * exact);
    expect(got).toBeGreaterThanOrEqual(previous);
    previous = got;
  }
}

const pow2 = (k: number) => 2 ** k;

describe('percentiles past 64 durations', () => {
  it('all equal, at a power of two, and just below the next bucket', () => {
    for (const v of [
      1,
      pow2(-20),
      pow2(30),
      1e-6,
      1e9,
      pow2(3) * (1 + 63 / 64) * (1 - 1e-15),
    ]) {
      const perf = figures(Array<number>(500).fill(v));
      expect(perf.p50_execution_time).toBe(v);
      expect(perf.p99_execution_time).toBe(v);
    }
  });

  it('bucket edges: every 2^k (1 + j/64) and just below it', () => {
    const values: number[] = [];
    for (let k = -20; k < 30; k += 7) {
      for (let j = 0; j < 64; j++) {
        const edge = pow2(k) * (1 + j / 64);
        values.push(edge, edge * (1 - 2 ** -50));
      }
    }
    expectWithin(values);
    for (let start = 0; start + 200 <= values.length; start += 97)
      expectWithin(values.slice(start, start + 200));
  });

  it('two clusters, zeros, huge outliers (1e9 s, the most a dump holds)', () => {
    const zeros = Array<number>(70).fill(0);
    expectWithin([...zeros, ...Array<number>(30).fill(1e-6)]);
    expectWithin([
      ...Array<number>(60).fill(1e-6),
      ...Array<number>(60).fill(1e3),
    ]);
    expectWithin([
      ...Array<number>(990).fill(0.01),
      ...Array<number>(10).fill(1e9),
    ]);
    expectWithin([1e9, ...Array<number>(200).fill(1e-6)]);
  });

  it('random samples, any spread the live clock can give (whole microseconds)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constant(0),
            fc.integer({ min: 1, max: 1e15 }).map((m) => m / 1e6),
          ),
          {
            minLength: 65,
            maxLength: 400,
          },
        ),
        (durations) => {
          expectWithin(durations);
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('a dump with 65+ durations loads with the same promise', () => {
    const durations = Array.from(
      { length: 300 },
      (_, k) => (k % 3 === 0 ? 1e-6 : (k * 7919) % 1000) + 0.5,
    );
    const dump = {
      _type: 'ExecutionTracker',
      flow_id: 'f',
      routine_executions: {
        r: durations.map((d) => ({
          routine_id: 'r',
          start_time: '2024-01-01T00:00:00+00:00',
          params: {},
          status: 'completed',
          end_time: '2024-01-01T00:00:01+00:00',
          execution_time: d,
        })),
      },
      event_flow: [],
      performance_metrics: {},
    };
    const perf = ExecutionTracker.deserialize(dump).getRoutinePerformance('r');
    const sorted = [...durations].sort((a, b) => a - b);
    for (const [q, key] of PERCENTILES) {
      const exact = exactQuantile(sorted, q);
      expect(Math.abs((perf?.[key] ?? NaN) - exact)).toBeLessThanOrEqual(
        exact / 128,
      );
    }
  });
});

describe('durations under 2^-30 s', () => {
  // README: past 64 durations, a duration under about a nanosecond counts
  // as zero. No live clock gives one (the tracker's works in whole
  // microseconds); a dump may.
  it('count as zero in the percentiles past 64 durations, min and max still exact', () => {
    const stats = new RoutineStats();
    const durations = [
      ...Array<number>(50).fill(1e-10),
      ...Array<number>(50).fill(3e-10),
    ];
    for (const d of durations) {
      stats.add('completed', true);
      stats.addDuration(d);
    }
    const perf = stats.performance();
    expect(perf.min_execution_time).toBe(1e-10);
    expect(perf.max_execution_time).toBe(3e-10);
    // Every rank reads as zero, then is clamped to the exact minimum.
    expect(perf.p50_execution_time).toBe(1e-10);
  });
});

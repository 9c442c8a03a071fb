import { expect } from 'vitest';

import type { RoutinePerformance } from '../../src/index.js';

/**
 * The exact q-quantile with linear interpolation between the two closest
 * ranks (numpy's default), from the sorted sample.
 */
export function exactQuantile(sorted: readonly number[], q: number): number {
  const rank = q * (sorted.length - 1);
  const lower = Math.floor(rank);
  const low = sorted[lower];
  const high = sorted[Math.min(lower + 1, sorted.length - 1)];
  if (low === undefined || high === undefined) throw new Error('empty sample');
  return low + (rank - lower) * (high - low);
}

/** The percentiles a routine's figures give, with the quantile of each. */
export const PERCENTILES = [
  [0.5, 'p50_execution_time'],
  [0.95, 'p95_execution_time'],
  [0.99, 'p99_execution_time'],
] as const;

/**
 * Checks p50, p95 and p99 against the exact quantiles of `sorted`: equal
 * when `relativeError` is 0, else within it (the README promises 1% past
 * 64 timed executions, exact up to them).
 */
export function expectPercentiles(
  performance: RoutinePerformance,
  sorted: readonly number[],
  relativeError: number,
  what = '',
): void {
  for (const [q, key] of PERCENTILES) {
    const exact = exactQuantile(sorted, q);
    if (relativeError === 0) {
      expect(performance[key], `${key} ${what}`).toBe(exact);
    } else {
      expect(
        Math.abs(performance[key] - exact),
        `${key} ${what}`,
      ).toBeLessThanOrEqual(relativeError * exact + 1e-12);
    }
  }
}

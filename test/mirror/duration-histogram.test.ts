import { describe, expect, it } from 'vitest';

import { DurationHistogram } from '../../src/mirror/duration-histogram.js';

/** A deterministic stream of numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function expectRanksWithin(values: number[], relative: number): void {
  const histogram = new DurationHistogram();
  for (const value of values) histogram.add(value);
  const sorted = [...values].sort((a, b) => a - b);
  sorted.forEach((exact, rank) => {
    const value = histogram.valueAtRank(rank);
    expect(Math.abs(value - exact)).toBeLessThanOrEqual(relative * exact);
  });
}

describe('DurationHistogram', () => {
  it('gives every rank within 0.8% over six orders of magnitude', () => {
    const next = random(7);
    const values = Array.from(
      { length: 5000 },
      () => 1e-6 * 10 ** (6 * next()),
    );
    expectRanksWithin(values, 1 / 128);
  });

  it('keeps its counts while it grows down and up', () => {
    const values = [1, 0.5, 0.01, 1e-5, 2, 300, 4000, 1e-5, 0.75];
    expectRanksWithin(values, 1 / 128);
  });

  it('finds every rank among a few far outliers, grown down and up past empty doublings', () => {
    const values: number[] = [];
    for (let i = 0; i < 500; i++) values.push(2e-6 + (i % 50) * 1e-7);
    values.push(3, 0.02, 1e-8, 7e-9, 5000);
    for (let i = 0; i < 300; i++) values.push(1.5e-3 + (i % 30) * 1e-5);
    expectRanksWithin(values, 1 / 128);
  });

  it('holds whole doublings of 64 buckets', () => {
    const histogram = new DurationHistogram();
    histogram.add(1e-3);
    expect(histogram.bucketCount).toBe(64);
    histogram.add(1.5);
    expect(histogram.bucketCount % 64).toBe(0);
  });

  it('counts zero, NaN and what lies below a nanosecond as zero, and what lies past 2^40 s as Infinity', () => {
    const histogram = new DurationHistogram();
    for (const value of [0, NaN, 1e-12, 0.5, 1e300]) histogram.add(value);
    expect([0, 1, 2].map((rank) => histogram.valueAtRank(rank))).toEqual([
      0, 0, 0,
    ]);
    expect(histogram.valueAtRank(3)).toBeCloseTo(0.5, 2);
    expect(histogram.valueAtRank(4)).toBe(Infinity);
  });

  it('holds buckets for the range its durations span, never more than 70 doublings', () => {
    const narrow = new DurationHistogram();
    for (let i = 0; i < 10_000; i++) narrow.add(0.001 + (i % 100) * 1e-5);
    expect(narrow.bucketCount).toBeLessThanOrEqual(128);

    const wild = new DurationHistogram();
    for (let exponent = -300; exponent <= 300; exponent++) {
      wild.add(10 ** exponent);
    }
    expect(wild.bucketCount).toBeLessThanOrEqual(70 * 64 + 1);
    expect(wild.valueAtRank(0)).toBe(0);
    expect(wild.valueAtRank(600)).toBe(Infinity);
  });
});

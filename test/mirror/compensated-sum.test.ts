import { describe, expect, it } from 'vitest';

import { CompensatedSum } from '../../src/mirror/compensated-sum.js';
import { seededRandom } from '../support/seeded-random.js';

function sumOf(values: Iterable<number>): number {
  const sum = new CompensatedSum();
  for (const value of values) sum.add(value);
  return sum.value;
}

describe('CompensatedSum', () => {
  it('is 0 before anything is added', () => {
    expect(new CompensatedSum().value).toBe(0);
  });

  it('adds 0.1 ten million times to exactly 1,000,000', () => {
    const sum = new CompensatedSum();
    let naive = 0;
    for (let i = 0; i < 10_000_000; i++) {
      sum.add(0.1);
      naive += 0.1;
    }
    expect(sum.value).toBe(1_000_000);
    // The naive sum drifts; the compensated one does not.
    expect(naive).not.toBe(1_000_000);
  });

  it('keeps a small value added next to a huge one: [1e16, 1, -1e16] is 1', () => {
    expect(sumOf([1e16, 1, -1e16])).toBe(1);
    expect(1e16 + 1 - 1e16).not.toBe(1);
  });

  it('gives the exact sum whatever the order: [1, 1e100, 1, -1e100] is 2', () => {
    expect(sumOf([1, 1e100, 1, -1e100])).toBe(2);
    expect(sumOf([1e100, 1, -1e100, 1])).toBe(2);
    expect(sumOf([-1e100, 1, 1, 1e100])).toBe(2);
  });

  it('sums 100,000 random durations to the correctly rounded exact sum', () => {
    const random = seededRandom(5);
    const values: number[] = [];
    // Values in [2^-8, 1): each is an exact multiple of 2^-60, so their
    // exact sum is an integer count of 2^-60 that a BigInt holds.
    for (let i = 0; i < 100_000; i++) values.push((1 + 255 * random()) / 256);
    let exact = 0n;
    for (const value of values) exact += BigInt(value * 2 ** 60);
    const expected = Number(exact) / 2 ** 60;

    expect(sumOf(values)).toBe(expected);
    expect(sumOf([...values].reverse())).toBe(expected);
    expect(sumOf([...values].sort((a, b) => a - b))).toBe(expected);
  });

  it('reads the running value between additions', () => {
    const sum = new CompensatedSum();
    sum.add(0.1);
    expect(sum.value).toBe(0.1);
    sum.add(0.2);
    sum.add(-0.3);
    // The doubles nearest 0.1, 0.2 and 0.3 add up to exactly 2^-55.
    expect(sum.value).toBe(2 ** -55);
    expect(0.1 + 0.2 - 0.3).not.toBe(2 ** -55);
  });
});

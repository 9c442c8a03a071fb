import { describe, expect, it } from 'vitest';

import {
  formatCount,
  formatDuration,
  formatMilliseconds,
  formatPercent,
  formatTick,
} from '../../../src/cli/timeline/timeline-format.js';

describe('formatDuration', () => {
  it.each([
    [0, '0 µs'],
    [0.000005, '5 µs'],
    [0.00234, '2.34 ms'],
    [0.0342, '34.2 ms'],
    [1.5, '1.500 s'],
    [12.345, '12.35 s'],
    [125, '2 min 5.0 s'],
    [-0.002, '-2.00 ms'],
    [Number.NaN, '–'],
  ])('%s s is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('formatTick', () => {
  it('uses the unit and decimals of the step', () => {
    expect(formatTick(40_000, 20_000)).toBe('40 ms');
    expect(formatTick(2_500_000, 500_000)).toBe('2.5 s');
    expect(formatTick(3_000_000, 1_000_000)).toBe('3 s');
    expect(formatTick(1_200_000, 200_000)).toBe('1.2 s');
    expect(formatTick(4_000, 2_000)).toBe('4 ms');
    expect(formatTick(1_500, 500)).toBe('1.5 ms');
    expect(formatTick(150, 50)).toBe('150 µs');
    expect(formatTick(0, 5_000)).toBe('0 ms');
  });

  it('gives neighbouring ticks of one step different labels', () => {
    for (const step of [1, 2, 5, 50, 100, 200, 5_000, 100_000, 2_000_000]) {
      const labels = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) =>
        formatTick(k * step, step),
      );
      expect(new Set(labels).size, String(step)).toBe(labels.length);
    }
  });
});

describe('table figures', () => {
  it('writes milliseconds and percentages as the text table does', () => {
    expect(formatMilliseconds(0.0201)).toBe('20.1');
    expect(formatMilliseconds(undefined)).toBe('0.0');
    expect(formatPercent(0.75)).toBe('75.0%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(undefined)).toBe('0.0%');
  });

  it('groups thousands whatever the locale', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});

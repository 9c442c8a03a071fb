import { afterEach, describe, expect, it, vi } from 'vitest';

import { AnchoredClock } from '../../src/tracker/clock.js';

const WALL_MS = 1_764_798_363_000;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('AnchoredClock', () => {
  it('starts at the wall clock and advances with the monotonic clock', () => {
    vi.spyOn(Date, 'now').mockReturnValue(WALL_MS);
    vi.spyOn(performance, 'now')
      .mockReturnValueOnce(5000) // the anchor
      .mockReturnValueOnce(5000)
      .mockReturnValueOnce(5000.25)
      .mockReturnValueOnce(5002.5)
      .mockReturnValueOnce(65_000);

    const clock = new AnchoredClock();
    expect(clock.nowMicros()).toBe(WALL_MS * 1000);
    expect(clock.nowMicros()).toBe(WALL_MS * 1000 + 250);
    expect(clock.nowMicros()).toBe(WALL_MS * 1000 + 2500);
    expect(clock.nowMicros()).toBe(WALL_MS * 1000 + 60_000_000);
  });

  it('rounds to whole microseconds', () => {
    vi.spyOn(Date, 'now').mockReturnValue(WALL_MS);
    vi.spyOn(performance, 'now')
      .mockReturnValueOnce(100)
      .mockReturnValueOnce(100.0004)
      .mockReturnValueOnce(100.0106);
    const clock = new AnchoredClock();
    expect(clock.nowMicros()).toBe(WALL_MS * 1000);
    expect(clock.nowMicros()).toBe(WALL_MS * 1000 + 11);
  });

  it('never steps backwards when Date.now steps backwards', () => {
    let wall = WALL_MS;
    const dateNow = vi.spyOn(Date, 'now').mockImplementation(() => {
      wall -= 60_000; // the system clock is set back a minute on every read
      return wall;
    });

    const clock = new AnchoredClock();
    expect(dateNow).toHaveBeenCalledTimes(1);
    let previous = clock.nowMicros();
    const first = previous;
    for (let i = 0; i < 10_000; i++) {
      // Something else reads the stepping system clock in between.
      Date.now();
      const reading = clock.nowMicros();
      expect(reading).toBeGreaterThanOrEqual(previous);
      expect(Number.isInteger(reading)).toBe(true);
      previous = reading;
    }
    // Readings never consult the system clock again: only the 10,000 reads
    // above were added to the one made at construction.
    expect(dateNow).toHaveBeenCalledTimes(10_001);
    expect(first).toBeGreaterThanOrEqual((WALL_MS - 60_000) * 1000);
  });

  it('gives non-negative durations when the wall clock jumps back between two readings', () => {
    const dateNow = vi.spyOn(Date, 'now').mockReturnValue(WALL_MS);
    const clock = new AnchoredClock();
    const start = clock.nowMicros();
    dateNow.mockReturnValue(WALL_MS - 3_600_000); // an hour back
    const end = clock.nowMicros();
    expect(end - start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThanOrEqual(WALL_MS * 1000);
  });

  it('anchors each clock to the wall time at its own construction', () => {
    vi.spyOn(performance, 'now').mockReturnValue(42);
    const dateNow = vi.spyOn(Date, 'now').mockReturnValue(WALL_MS);
    const first = new AnchoredClock();
    dateNow.mockReturnValue(WALL_MS - 1000);
    const second = new AnchoredClock();
    expect(first.nowMicros()).toBe(WALL_MS * 1000);
    expect(second.nowMicros()).toBe((WALL_MS - 1000) * 1000);
  });

  it('reads close to the real wall clock without mocks', () => {
    const before = Date.now() * 1000;
    const reading = new AnchoredClock().nowMicros();
    const after = Date.now() * 1000;
    // Within the same millisecond window the two clocks agree closely.
    expect(reading).toBeGreaterThanOrEqual(before);
    expect(reading).toBeLessThanOrEqual(after + 1000);
  });
});

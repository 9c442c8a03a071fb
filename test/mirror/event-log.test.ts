import { describe, expect, it } from 'vitest';

import { EventLog } from '../../src/mirror/event-log.js';

function push(log: EventLog, n: number): boolean {
  return log.push(1000 + n, `s${n}`, `e${n}`, n % 2 === 0 ? null : `t${n}`, {
    n,
  });
}

function sources(log: EventLog): string[] {
  return log.toArray().map((event) => event.sourceRoutineId);
}

describe('EventLog', () => {
  it('starts empty', () => {
    const log = new EventLog(10);
    expect(log.length).toBe(0);
    expect(log.toArray()).toEqual([]);
  });

  it('gives back every field of every event, oldest first', () => {
    const log = new EventLog(10);
    const data = { rows: 3 };
    expect(log.push(1_700_000_000_123_456, 'a', 'out', 'b', data)).toBe(false);
    expect(log.push(1_700_000_000_123_457, 'b', 'done', null, {})).toBe(false);
    const [first, second] = log.toArray();
    expect(first).toEqual({
      micros: 1_700_000_000_123_456,
      sourceRoutineId: 'a',
      eventName: 'out',
      targetRoutineId: 'b',
      data: { rows: 3 },
    });
    // The data object is the caller's, as the mirror keeps params.
    expect(first?.data).toBe(data);
    expect(second?.targetRoutineId).toBeNull();
    expect(log.length).toBe(2);
  });

  it('overwrites the oldest past its bound and says so', () => {
    const log = new EventLog(3);
    const dropped = [0, 1, 2, 3, 4].map((n) => push(log, n));
    expect(dropped).toEqual([false, false, false, true, true]);
    expect(sources(log)).toEqual(['s2', 's3', 's4']);
    expect(log.length).toBe(3);
  });

  it('keeps nothing with a bound of zero, and counts each event dropped', () => {
    const log = new EventLog(0);
    expect(push(log, 0)).toBe(true);
    expect(push(log, 1)).toBe(true);
    expect(log.toArray()).toEqual([]);
  });

  it('grows without bound when the bound is Infinity', () => {
    const log = new EventLog(Infinity);
    for (let n = 0; n < 5000; n++) expect(push(log, n)).toBe(false);
    expect(log.length).toBe(5000);
    const all = log.toArray();
    expect(all[0]?.micros).toBe(1000);
    expect(all[4999]?.eventName).toBe('e4999');
  });

  it('keeps order when it grows after wrapping around', () => {
    // A bound that is not a power of two, crossed several times over, and
    // compared with a plain array cut to the same bound.
    const log = new EventLog(100);
    const reference: string[] = [];
    for (let n = 0; n < 1234; n++) {
      push(log, n);
      reference.push(`s${n}`);
      if (reference.length > 100) reference.shift();
      if (n % 97 === 0) expect(sources(log)).toEqual(reference);
    }
    expect(sources(log)).toEqual(reference);
    expect(log.toArray().map((event) => event.data)).toEqual(
      reference.map((source) => ({ n: Number(source.slice(1)) })),
    );
  });
});

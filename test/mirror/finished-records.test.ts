import { describe, expect, it } from 'vitest';

import { FinishedRecords } from '../../src/mirror/finished-records.js';
import {
  PlainExecution,
  type StoredExecution,
} from '../../src/mirror/stored.js';

/** A finished record of `seq`, with every field set from it. */
function finished(seq: number): StoredExecution {
  const record = new PlainExecution(seq, 'r', 1_700_000_000_000_000 + seq, {
    seq,
  });
  record.status = seq % 3 === 0 ? 'failed' : 'completed';
  record.endMicros = record.startMicros + 1000 + seq;
  record.executionTime = (1000 + seq) / 1e6;
  record.result = seq % 2 === 0 ? { rows: seq } : undefined;
  record.error = seq % 3 === 0 ? `error ${seq}` : undefined;
  return record;
}

describe('FinishedRecords', () => {
  it('holds nothing, and allocates nothing, until the first record', () => {
    const records = new FinishedRecords('r');
    expect(records.length).toBe(0);
    expect(records.toArray()).toEqual([]);
    expect(records.dropOldest()).toBe(false);
  });

  it('gives every field back, under its routine, the params the same object', () => {
    const records = new FinishedRecords('load');
    const record = finished(6);
    records.push(record);
    const [copy] = records.toArray();
    expect(copy).not.toBe(record);
    expect(copy).toMatchObject({
      seq: 6,
      routineId: 'load',
      startMicros: record.startMicros,
      endMicros: record.endMicros,
      executionTime: record.executionTime,
      status: 'failed',
      result: { rows: 6 },
      error: 'error 6',
    });
    expect(copy?.params).toBe(record.params);
    expect(copy?.ended).toBe(true);
  });

  it('keeps a record without an end time or a duration without them', () => {
    const records = new FinishedRecords('r');
    const loaded = new PlainExecution(1, 'r', 5, {});
    loaded.status = 'skipped';
    records.push(loaded);
    expect(records.toArray()[0]).toMatchObject({
      status: 'skipped',
      endMicros: undefined,
      executionTime: undefined,
    });
  });

  it('keeps order and fields through growth and wrap-around, as a plain list would', () => {
    const records = new FinishedRecords('r');
    const reference: StoredExecution[] = [];
    let next = 0;
    // Pushes outrun drops, then drops outrun pushes, several times over.
    for (let round = 0; round < 30; round++) {
      const pushes = round % 2 === 0 ? 37 : 5;
      const drops = round % 2 === 0 ? 11 : 23;
      for (let i = 0; i < pushes; i++) {
        const record = finished(next++);
        records.push(record);
        reference.push(record);
      }
      for (let i = 0; i < drops; i++) {
        expect(records.dropOldest()).toBe(reference.length > 0);
        reference.shift();
      }
      expect(records.length).toBe(reference.length);
      // Copies, equal field by field to what was pushed.
      expect(records.toArray()).toEqual(reference);
    }
  });
});

import { describe, expect, it } from 'vitest';

import { RoutineStore } from '../../src/mirror/routine-store.js';
import {
  PlainExecution,
  type StoredExecution,
} from '../../src/mirror/stored.js';

/** A running record, started at `seq` milliseconds. */
function running(seq: number): StoredExecution {
  return new PlainExecution(seq, 'r', seq * 1000, { seq });
}

/** A record that arrives already ended, as from a dump. */
function finished(seq: number, seconds: number): StoredExecution {
  const execution = running(seq);
  execution.status = 'completed';
  execution.endMicros = execution.startMicros + seconds * 1e6;
  execution.executionTime = seconds;
  return execution;
}

/** Ends a stored running record the way the mirror does. */
function end(
  store: RoutineStore,
  execution: StoredExecution,
  seconds: number,
  status = 'completed',
): void {
  const previous = execution.status;
  execution.status = status;
  execution.endMicros = execution.startMicros + seconds * 1e6;
  execution.executionTime = seconds;
  store.markEnded(execution, previous);
}

function seqs(store: RoutineStore): number[] {
  return store.retained().map((execution) => execution.seq);
}

describe('RoutineStore', () => {
  it('keeps every record under the bound', () => {
    const store = new RoutineStore(3, 'r');
    store.add(finished(0, 1));
    store.add(running(1));
    expect(seqs(store)).toEqual([0, 1]);
    expect(store.dropped).toBe(0);
  });

  it('drops the oldest finished records past the bound and counts them', () => {
    const store = new RoutineStore(3, 'r');
    const records = [0, 1, 2, 3, 4].map((seq) => finished(seq, 0.1));
    for (const record of records) store.add(record);

    expect(seqs(store)).toEqual([2, 3, 4]);
    expect(store.dropped).toBe(2);
  });

  it('drops the record that finished first, not the one that started first', () => {
    const store = new RoutineStore(3, 'r');
    const a = running(0);
    const b = running(1);
    const c = running(2);
    store.add(a);
    store.add(b);
    store.add(c);
    end(store, b, 0.1); // b finishes first
    end(store, a, 0.3);
    store.add(running(3));

    expect(seqs(store)).toEqual([0, 2, 3]);
    expect(store.dropped).toBe(1);
  });

  it('keeps a long-running record while finished ones are dropped', () => {
    const store = new RoutineStore(2, 'r');
    const longRunning = running(0);
    store.add(longRunning);
    for (let seq = 1; seq <= 50; seq++) {
      const execution = running(seq);
      store.add(execution);
      end(store, execution, 0.01);
    }

    expect(longRunning.retained).toBe(true);
    expect(seqs(store)).toEqual([0, 50]);
    expect(store.dropped).toBe(49);
  });

  it('drops the oldest running record only when every record is running', () => {
    const store = new RoutineStore(2, 'r');
    const records = [0, 1, 2].map((seq) => running(seq));
    for (const record of records) store.add(record);

    expect(seqs(store)).toEqual([1, 2]);
    expect(records[0]?.retained).toBe(false);
    expect(store.dropped).toBe(1);
  });

  it('counts a dropped running record in the figures when it ends, without storing it again', () => {
    const store = new RoutineStore(1, 'r');
    const first = running(0);
    const second = running(1);
    store.add(first);
    store.add(second);
    expect(first.retained).toBe(false);

    end(store, first, 0.25, 'failed');
    expect(seqs(store)).toEqual([1]);
    expect(store.dropped).toBe(1);
    const performance = store.stats.performance();
    expect(performance.total_executions).toBe(2);
    expect(performance.failed).toBe(1);
    expect(performance.total_execution_time).toBe(0.25);
    expect(store.stats.count('running')).toBe(1);
  });

  it('drops every record with a limit of 0 and still counts them', () => {
    const store = new RoutineStore(0, 'r');
    const a = running(0);
    store.add(a);
    store.add(finished(1, 0.5));
    expect(store.retained()).toEqual([]);
    expect(store.dropped).toBe(2);
    expect(a.retained).toBe(false);

    end(store, a, 0.25);
    expect(store.retained()).toEqual([]);
    expect(store.dropped).toBe(2);
    const performance = store.stats.performance();
    expect(performance.total_executions).toBe(2);
    expect(performance.completed).toBe(2);
    expect(performance.total_execution_time).toBe(0.75);
  });

  it('keeps everything with a limit of Infinity', () => {
    const store = new RoutineStore(Infinity, 'r');
    for (let seq = 0; seq < 20_000; seq++) {
      store.add(seq % 2 === 0 ? finished(seq, 0.001) : running(seq));
    }
    expect(store.retained()).toHaveLength(20_000);
    expect(store.dropped).toBe(0);
  });

  it('lists retained records in start order whatever order they finished in', () => {
    const store = new RoutineStore(10, 'r');
    const records = [0, 1, 2, 3].map((seq) => running(seq));
    for (const record of records) store.add(record);
    for (const index of [2, 0, 3]) {
      const record = records[index];
      if (record !== undefined) end(store, record, 0.1);
    }
    expect(seqs(store)).toEqual([0, 1, 2, 3]);
  });

  it('reads back every field of a finished record, under its routine', () => {
    const store = new RoutineStore(10, 'load');
    const params = { path: 'in.csv' };
    const execution = new PlainExecution(
      7,
      'load',
      1_700_000_000_000_001,
      params,
    );
    store.add(execution);
    execution.status = 'failed';
    execution.endMicros = 1_700_000_000_250_001;
    execution.executionTime = 0.25;
    execution.result = { rows: 2 };
    execution.error = 'disk full';
    store.markEnded(execution, 'running');
    // A dump's record may be ended without an end time or a duration.
    const loaded = new PlainExecution(8, 'load', 1_700_000_001_000_000, {});
    loaded.status = 'skipped';
    store.add(loaded);

    const [first, second] = store.retained();
    expect(first).toMatchObject({
      seq: 7,
      routineId: 'load',
      startMicros: 1_700_000_000_000_001,
      endMicros: 1_700_000_000_250_001,
      executionTime: 0.25,
      status: 'failed',
      result: { rows: 2 },
      error: 'disk full',
    });
    expect(first?.params).toBe(params);
    expect(first?.ended).toBe(true);
    expect(second).toMatchObject({
      seq: 8,
      status: 'skipped',
      endMicros: undefined,
      executionTime: undefined,
      result: undefined,
      error: undefined,
    });
  });

  it('keeps order through many more records than its first capacity, with drops', () => {
    const store = new RoutineStore(100, 'r');
    for (let seq = 0; seq < 1000; seq++) {
      const execution = running(seq);
      store.add(execution);
      if (seq % 3 !== 0) end(store, execution, seq / 1000);
    }
    const kept = store.retained();
    expect(kept).toHaveLength(100);
    // Every third record is still running and older ones were dropped
    // first, finished before running.
    expect(
      kept.every(
        (record, i) => i === 0 || record.seq > (kept[i - 1]?.seq ?? -1),
      ),
    ).toBe(true);
    const finishedKept = kept.filter((record) => record.ended);
    for (const record of finishedKept) {
      expect(record.executionTime).toBe(record.seq / 1000);
      expect(record.params).toEqual({ seq: record.seq });
    }
    expect(store.dropped).toBe(900);
  });

  it('returns a new list from retained each time', () => {
    const store = new RoutineStore(10, 'r');
    store.add(finished(0, 0.1));
    const list = store.retained();
    list.pop();
    expect(seqs(store)).toEqual([0]);
  });

  it('counts the durations of records that arrive already ended', () => {
    const store = new RoutineStore(1, 'r');
    store.add(finished(0, 0.5));
    store.add(finished(1, 1.5));
    const performance = store.stats.performance();
    expect(performance.total_executions).toBe(2);
    expect(performance.completed).toBe(2);
    expect(performance.min_execution_time).toBe(0.5);
    expect(performance.max_execution_time).toBe(1.5);
    expect(performance.avg_execution_time).toBe(1);
    expect(store.dropped).toBe(1);
  });

  it('counts an ended record without a duration in the statuses only', () => {
    const store = new RoutineStore(10, 'r');
    const execution = running(0);
    execution.status = 'completed';
    store.add(execution);
    const performance = store.stats.performance();
    expect(performance.total_executions).toBe(1);
    expect(performance.completed).toBe(1);
    expect(performance.avg_execution_time).toBe(0);
    expect(store.stats.ended).toBe(1);
  });
});

// Adversarial tests of serialize / deserialize.
import { describe, expect, it } from 'vitest';

import { CompensatedSum } from '../../src/mirror/compensated-sum.js';
import { ExecutionTracker, TrackerFormatError } from '../../src/index.js';

function roundTrip(tracker: ExecutionTracker): ExecutionTracker {
  return ExecutionTracker.deserialize(
    JSON.parse(JSON.stringify(tracker)) as unknown,
  );
}

function dump(
  records: Record<string, unknown>[],
  events: Record<string, unknown>[] = [],
): Record<string, unknown> {
  return {
    _type: 'ExecutionTracker',
    flow_id: 'f',
    routine_executions: { a: records },
    event_flow: events,
  };
}

describe('serialize then deserialize', () => {
  // README: "Whatever a call is given ... the call does nothing harmful";
  // serialize converts "Values JSON cannot hold". A JavaScript engine that
  // passes params or data that are not plain objects gets a dump that its
  // own deserialize rejects.
  it.each<[string, unknown]>([
    ['an array', ['a', 'b']],
    ['a Set', new Set([1, 2])],
    ['a Date', new Date(0)],
    ['a string', 'raw text'],
  ])('a dump whose params were %s loads back', (_label, params) => {
    const tracker = new ExecutionTracker('odd-params');
    tracker.recordRoutineStart('a', params as Record<string, unknown>).end();
    expect(() => roundTrip(tracker)).not.toThrow();
  });

  it('a dump whose event data was an array loads back', () => {
    const tracker = new ExecutionTracker('odd-data');
    tracker.recordEvent('a', 'out', 'b', [1, 2, 3] as unknown as Record<
      string,
      unknown
    >);
    expect(() => roundTrip(tracker)).not.toThrow();
  });

  it.each([
    '9999-12-31T23:00:00.000000-05:00',
    '0000-01-01T00:30:00.000000+01:00',
  ])(
    'a timestamp %s whose instant falls outside years 1 to 9999 is rejected, since it could not be written back',
    (timestamp) => {
      // In UTC these are 10000-01-01T04:00 and 0000-12-31T23:30: neither
      // this library's four-digit years nor Python's datetime hold them.
      expect(() =>
        ExecutionTracker.deserialize(
          dump([
            { routine_id: 'a', start_time: timestamp, status: 'completed' },
          ]),
        ),
      ).toThrow(
        'routine_executions.a[0].start_time: expected an ISO-8601 timestamp string',
      );
    },
  );

  it('a timestamp at the edge of year 9999 is written back as it was read', () => {
    const loaded = ExecutionTracker.deserialize(
      dump([
        {
          routine_id: 'a',
          start_time: '9999-12-31T23:59:59.000000+00:00',
          status: 'completed',
        },
      ]),
    );
    expect(loaded.serialize().routine_executions.a?.[0]?.start_time).toBe(
      '9999-12-31T23:59:59.000000+00:00',
    );
  });
});

describe('deserialize of input that is not plain JSON', () => {
  // README: "Bad input throws a TrackerFormatError whose path names the
  // first bad field". deserialize takes `unknown`.
  it('a field whose getter throws gives a TrackerFormatError', () => {
    const input = {
      get flow_id(): string {
        throw new Error('getter');
      },
      routine_executions: {},
      event_flow: [],
    };
    expect(() => ExecutionTracker.deserialize(input)).toThrow(
      TrackerFormatError,
    );
  });

  it('a revoked Proxy as a record gives a TrackerFormatError', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(() => ExecutionTracker.deserialize(dump([proxy]))).toThrow(
      TrackerFormatError,
    );
  });
});

describe('figures recomputed from a dump', () => {
  it('a running record that carries an execution_time is counted once when it ends', () => {
    const loaded = ExecutionTracker.deserialize(
      dump([
        {
          routine_id: 'a',
          start_time: new Date().toISOString(),
          status: 'running',
          execution_time: 100,
        },
      ]),
    );
    loaded.recordRoutineEnd('a', 'completed');
    const record = loaded.routineExecutions.get('a')?.[0];
    const perf = loaded.getRoutinePerformance('a');
    // The stale 100 s of the still running record is not counted; only the
    // duration it ends with is: one execution, one duration.
    expect(perf?.total_execution_time).toBe(record?.execution_time);
    expect(perf?.max_execution_time).toBe(record?.execution_time);
  });

  it('refuses a duration no run has, which would overflow the figures', () => {
    const record = {
      routine_id: 'a',
      start_time: '2026-01-01T00:00:00+00:00',
      status: 'completed',
      execution_time: 1e308,
    };
    expect(() => ExecutionTracker.deserialize(dump([record, record]))).toThrow(
      'routine_executions.a[0].execution_time: expected a number of seconds from 0 to 1e9',
    );
  });

  it('keeps sums finite or infinite, never NaN, when durations overflow', () => {
    const sum = new CompensatedSum();
    sum.add(1e308);
    sum.add(1e308);
    expect(sum.value).toBe(Infinity);
  });
});

import { describe, expect, it } from 'vitest';

import { TrackerFormatError } from '../../src/errors.js';
import { parseSerializedTracker } from '../../src/format/deserialize.js';
import { routiluxVectors } from '../support/routilux-vectors.js';

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})$/;

/** Epoch microseconds of the naive (local) timestamps routilux writes. */
function naiveLocalMicros(text: string): number {
  const match = NAIVE.exec(text);
  if (match === null) throw new Error(`not a naive timestamp: ${text}`);
  const [y, mo, d, h, mi, s, us] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return new Date(y, mo - 1, d, h, mi, s).getTime() * 1000 + us;
}

const RECORD = {
  routine_id: 'worker',
  start_time: '2026-12-03T21:46:03.830387+00:00',
  params: { i: 0 },
  status: 'completed',
  end_time: '2026-12-03T21:46:03.835625+00:00',
  execution_time: 0.005238,
};

const EVENT = {
  timestamp: '2026-12-03T21:46:03.871807+00:00',
  source_routine_id: 'src',
  event_name: 'output',
  target_routine_id: 'dst',
  data: { rows: 3 },
};

/** A valid serialized tracker, with `overrides` applied at the top. */
function tracker(
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    _type: 'ExecutionTracker',
    flow_id: 'f1',
    routine_executions: { worker: [RECORD] },
    event_flow: [EVENT],
    performance_metrics: {},
    ...overrides,
  };
}

/** A tracker holding one record: `RECORD` with `overrides` applied. */
function withRecord(
  overrides: Record<string, unknown>,
  routineId = 'worker',
): unknown {
  return tracker({
    routine_executions: { [routineId]: [{ ...RECORD, ...overrides }] },
  });
}

/** A tracker holding one event: `EVENT` with `overrides` applied. */
function withEvent(overrides: Record<string, unknown>): unknown {
  return tracker({ event_flow: [{ ...EVENT, ...overrides }] });
}

function without(
  source: Record<string, unknown>,
  key: string,
): Record<string, unknown> {
  const copy = { ...source };
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
  delete copy[key];
  return copy;
}

/**
 * Expects parsing `data` to throw a TrackerFormatError at `path` whose
 * message names what was expected and what was received.
 */
function expectFormatError(
  data: unknown,
  path: string,
  expected: string,
  received: string,
): void {
  let caught: unknown;
  try {
    parseSerializedTracker(data);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TrackerFormatError);
  const error = caught as TrackerFormatError;
  expect(error.name).toBe('TrackerFormatError');
  expect(error.path).toBe(path);
  const where = path === '' ? 'the serialized tracker' : path;
  expect(error.message).toBe(
    `${where}: expected ${expected}, received ${received}`,
  );
}

describe('parseSerializedTracker: routilux dumps', () => {
  it.each(routiluxVectors.map((vector) => [vector.name, vector] as const))(
    'reads the %s vector field by field',
    (_name, vector) => {
      const dump = vector.serialized;
      const parsed = parseSerializedTracker(
        JSON.parse(JSON.stringify(dump)) as unknown,
      );

      expect(parsed.flowId).toBe(dump.flow_id);
      expect(parsed.routines.map(([id]) => id)).toEqual(
        Object.keys(dump.routine_executions),
      );

      let seq = 0;
      for (const [routineId, records] of parsed.routines) {
        const expected = dump.routine_executions[routineId] ?? [];
        expect(records).toHaveLength(expected.length);
        records.forEach((stored, index) => {
          const record = expected[index];
          if (record === undefined) throw new Error('missing record');
          expect(stored.seq).toBe(seq++);
          expect(stored.routineId).toBe(record.routine_id);
          expect(stored.startMicros).toBe(naiveLocalMicros(record.start_time));
          expect(stored.params).toEqual(record.params);
          expect(stored.status).toBe(record.status);
          expect(stored.endMicros).toBe(
            record.end_time === undefined
              ? undefined
              : naiveLocalMicros(record.end_time),
          );
          expect(stored.executionTime).toBe(record.execution_time);
          expect(stored.result).toEqual(record.result);
          expect(stored.error).toBe(record.error);
          expect(stored.ended).toBe(record.status !== 'running');
          expect(stored.retained).toBe(true);
        });
      }

      expect(parsed.events).toHaveLength(dump.event_flow.length);
      parsed.events.forEach((event, index) => {
        const record = dump.event_flow[index];
        if (record === undefined) throw new Error('missing event');
        expect(event.micros).toBe(naiveLocalMicros(record.timestamp));
        expect(event.sourceRoutineId).toBe(record.source_routine_id);
        expect(event.eventName).toBe(record.event_name);
        expect(event.targetRoutineId).toBe(record.target_routine_id);
        expect(event.data).toEqual(record.data);
      });
    },
  );

  it('numbers records in dump order across routines', () => {
    const parsed = parseSerializedTracker(
      tracker({
        routine_executions: {
          b: [RECORD, RECORD],
          a: [RECORD],
        },
      }),
    );
    expect(
      parsed.routines.map(([id, records]) => [id, records.map((r) => r.seq)]),
    ).toEqual([
      ['b', [0, 1]],
      ['a', [2]],
    ]);
  });

  it('reads timestamps with an offset as that instant', () => {
    const parsed = parseSerializedTracker(tracker());
    const stored = parsed.routines[0]?.[1][0];
    expect(stored?.startMicros).toBe(
      Date.UTC(2026, 11, 3, 21, 46, 3) * 1000 + 830387,
    );
    expect(parsed.events[0]?.micros).toBe(
      Date.UTC(2026, 11, 3, 21, 46, 3) * 1000 + 871807,
    );
  });
});

describe('parseSerializedTracker: optional fields', () => {
  it('accepts a dump without _type', () => {
    expect(parseSerializedTracker(without(tracker(), '_type')).flowId).toBe(
      'f1',
    );
  });

  it('ignores performance_metrics, whatever it holds', () => {
    for (const metrics of [undefined, null, 'garbage', [1], { total: -1 }]) {
      const parsed = parseSerializedTracker(
        tracker({ performance_metrics: metrics }),
      );
      expect(parsed.flowId).toBe('f1');
    }
  });

  it('defaults missing or null params to an empty object', () => {
    for (const data of [
      tracker({
        routine_executions: { worker: [without(RECORD, 'params')] },
      }),
      withRecord({ params: null }),
    ]) {
      const stored = parseSerializedTracker(data).routines[0]?.[1][0];
      expect(stored?.params).toStrictEqual({});
    }
  });

  it('leaves end_time, result, error and execution_time unset when missing or null', () => {
    const running = {
      routine_id: 'worker',
      start_time: RECORD.start_time,
      status: 'running',
    };
    for (const record of [
      running,
      {
        ...running,
        end_time: null,
        result: null,
        error: null,
        execution_time: null,
      },
    ]) {
      const stored = parseSerializedTracker(
        tracker({ routine_executions: { worker: [record] } }),
      ).routines[0]?.[1][0];
      expect(stored?.endMicros).toBeUndefined();
      expect(stored?.result).toBeUndefined();
      expect(stored?.error).toBeUndefined();
      expect(stored?.executionTime).toBeUndefined();
      expect(stored?.ended).toBe(false);
      expect(stored?.params).toStrictEqual({});
    }
  });

  it('keeps result and error when present', () => {
    const stored = parseSerializedTracker(
      withRecord({ status: 'failed', result: [1, 'two'], error: 'disk full' }),
    ).routines[0]?.[1][0];
    expect(stored?.result).toEqual([1, 'two']);
    expect(stored?.error).toBe('disk full');
    expect(stored?.status).toBe('failed');
  });

  it('accepts an execution_time of zero', () => {
    const stored = parseSerializedTracker(withRecord({ execution_time: 0 }))
      .routines[0]?.[1][0];
    expect(stored?.executionTime).toBe(0);
  });

  it('defaults a missing or null target to null and missing or null data to {}', () => {
    for (const event of [
      without(without(EVENT, 'target_routine_id'), 'data'),
      { ...EVENT, target_routine_id: null, data: null },
    ]) {
      const parsed = parseSerializedTracker(tracker({ event_flow: [event] }));
      expect(parsed.events[0]?.targetRoutineId).toBeNull();
      expect(parsed.events[0]?.data).toStrictEqual({});
    }
  });

  it('reads empty routine_executions and event_flow', () => {
    const parsed = parseSerializedTracker(
      tracker({ routine_executions: {}, event_flow: [] }),
    );
    expect(parsed.routines).toEqual([]);
    expect(parsed.events).toEqual([]);
  });
});

describe('parseSerializedTracker: errors', () => {
  it.each([
    [42, 'number 42'],
    ['{"flow_id":"f"}', 'the string "{\\"flow_id\\":\\"f\\"}"'],
    [null, 'null'],
    [undefined, 'nothing'],
    [true, 'boolean true'],
    [[], 'an array'],
    [[tracker()], 'an array'],
  ] as const)('rejects the top-level value %j', (data, received) => {
    expectFormatError(data, '', 'an object', received);
  });

  it('rejects a wrong _type', () => {
    expectFormatError(
      tracker({ _type: 'JobState' }),
      '_type',
      '"ExecutionTracker"',
      'the string "JobState"',
    );
    expectFormatError(
      tracker({ _type: null }),
      '_type',
      '"ExecutionTracker"',
      'null',
    );
  });

  it('rejects a missing or non-string flow_id', () => {
    expectFormatError(
      without(tracker(), 'flow_id'),
      'flow_id',
      'a string',
      'nothing',
    );
    expectFormatError(
      tracker({ flow_id: 7 }),
      'flow_id',
      'a string',
      'number 7',
    );
    expectFormatError(
      tracker({ flow_id: null }),
      'flow_id',
      'a string',
      'null',
    );
  });

  it('rejects routine_executions that is not an object', () => {
    expectFormatError(
      tracker({ routine_executions: [RECORD] }),
      'routine_executions',
      'an object',
      'an array',
    );
    expectFormatError(
      without(tracker(), 'routine_executions'),
      'routine_executions',
      'an object',
      'nothing',
    );
    expectFormatError(
      tracker({ routine_executions: 'x' }),
      'routine_executions',
      'an object',
      'the string "x"',
    );
  });

  it('rejects a record list that is not an array', () => {
    expectFormatError(
      tracker({ routine_executions: { worker: RECORD } }),
      'routine_executions.worker',
      'an array',
      'an object',
    );
    expectFormatError(
      tracker({ routine_executions: { worker: null } }),
      'routine_executions.worker',
      'an array',
      'null',
    );
  });

  it('rejects a record that is not an object', () => {
    expectFormatError(
      tracker({ routine_executions: { worker: [RECORD, 'x'] } }),
      'routine_executions.worker[1]',
      'an object',
      'the string "x"',
    );
  });

  it('rejects a record without routine_id, start_time or status', () => {
    expectFormatError(
      tracker({
        routine_executions: { worker: [without(RECORD, 'routine_id')] },
      }),
      'routine_executions.worker[0].routine_id',
      'a string',
      'nothing',
    );
    expectFormatError(
      tracker({
        routine_executions: { worker: [without(RECORD, 'start_time')] },
      }),
      'routine_executions.worker[0].start_time',
      'an ISO-8601 timestamp string',
      'nothing',
    );
    expectFormatError(
      tracker({ routine_executions: { worker: [without(RECORD, 'status')] } }),
      'routine_executions.worker[0].status',
      'a string',
      'nothing',
    );
  });

  it('rejects a bad timestamp in the record that holds it', () => {
    expectFormatError(
      tracker({
        routine_executions: {
          worker: [RECORD, { ...RECORD, start_time: 'yesterday' }],
        },
      }),
      'routine_executions.worker[1].start_time',
      'an ISO-8601 timestamp string',
      'the string "yesterday"',
    );
    expectFormatError(
      withRecord({ start_time: 1764798363 }),
      'routine_executions.worker[0].start_time',
      'an ISO-8601 timestamp string',
      'number 1764798363',
    );
    expectFormatError(
      withRecord({ end_time: '2026-13-03T21:46:03' }),
      'routine_executions.worker[0].end_time',
      'an ISO-8601 timestamp string',
      'the string "2026-13-03T21:46:03"',
    );
  });

  it('rejects a negative or non-numeric execution_time', () => {
    expectFormatError(
      withRecord({ execution_time: -0.5 }),
      'routine_executions.worker[0].execution_time',
      'a number of seconds from 0 to 1e9',
      'number -0.5',
    );
    expectFormatError(
      withRecord({ execution_time: '0.5' }),
      'routine_executions.worker[0].execution_time',
      'a number of seconds from 0 to 1e9',
      'the string "0.5"',
    );
  });

  it('rejects params that are not an object and an error that is not a string', () => {
    expectFormatError(
      withRecord({ params: [1] }),
      'routine_executions.worker[0].params',
      'an object',
      'an array',
    );
    expectFormatError(
      withRecord({ error: 5 }),
      'routine_executions.worker[0].error',
      'a string',
      'number 5',
    );
    expectFormatError(
      withRecord({ status: false }),
      'routine_executions.worker[0].status',
      'a string',
      'boolean false',
    );
  });

  it('rejects event_flow that is not an array', () => {
    expectFormatError(
      without(tracker(), 'event_flow'),
      'event_flow',
      'an array',
      'nothing',
    );
    expectFormatError(
      tracker({ event_flow: {} }),
      'event_flow',
      'an array',
      'an object',
    );
  });

  it('rejects an event missing a required field', () => {
    expectFormatError(
      tracker({ event_flow: [EVENT, without(EVENT, 'timestamp')] }),
      'event_flow[1].timestamp',
      'an ISO-8601 timestamp string',
      'nothing',
    );
    expectFormatError(
      tracker({ event_flow: [without(EVENT, 'source_routine_id')] }),
      'event_flow[0].source_routine_id',
      'a string',
      'nothing',
    );
    expectFormatError(
      tracker({ event_flow: [without(EVENT, 'event_name')] }),
      'event_flow[0].event_name',
      'a string',
      'nothing',
    );
    expectFormatError(
      tracker({ event_flow: [7] }),
      'event_flow[0]',
      'an object',
      'number 7',
    );
  });

  it('rejects an event target that is not a string', () => {
    expectFormatError(
      withEvent({ target_routine_id: 3 }),
      'event_flow[0].target_routine_id',
      'a string',
      'number 3',
    );
  });

  it('rejects event data that is not an object', () => {
    expectFormatError(
      withEvent({ data: 'rows' }),
      'event_flow[0].data',
      'an object',
      'the string "rows"',
    );
    expectFormatError(
      withEvent({ data: [1, 2] }),
      'event_flow[0].data',
      'an object',
      'an array',
    );
  });

  it.each([
    ['my routine', 'routine_executions["my routine"][0].status'],
    ['a.b', 'routine_executions["a.b"][0].status'],
    ['0abc', 'routine_executions["0abc"][0].status'],
    ['', 'routine_executions[""][0].status'],
    ['say "hi"', 'routine_executions["say \\"hi\\""][0].status'],
    ['café', 'routine_executions["café"][0].status'],
    ['0x7f1019482990', 'routine_executions["0x7f1019482990"][0].status'],
    ['$ok_1', 'routine_executions.$ok_1[0].status'],
    ['_private', 'routine_executions._private[0].status'],
  ])('writes the path of routine id %j as %s', (routineId, path) => {
    expectFormatError(
      withRecord({ status: undefined }, routineId),
      path,
      'a string',
      'nothing',
    );
  });

  it('cuts a long received string in the message', () => {
    expectFormatError(
      tracker({ _type: 'x'.repeat(100) }),
      '_type',
      '"ExecutionTracker"',
      `the string "${'x'.repeat(40)}…"`,
    );
  });
});

describe('parseSerializedTracker: hostile keys', () => {
  it('reads __proto__ and constructor routine ids as plain data', () => {
    const text = JSON.stringify({
      _type: 'ExecutionTracker',
      flow_id: 'f',
      routine_executions: {
        ['__proto__']: [{ ...RECORD, routine_id: '__proto__' }],
        constructor: [{ ...RECORD, routine_id: 'constructor' }],
      },
      event_flow: [],
    });
    const data = JSON.parse(text) as unknown;
    const parsed = parseSerializedTracker(data);

    expect(
      parsed.routines.map(([id, records]) => [id, records.length]),
    ).toEqual([
      ['__proto__', 1],
      ['constructor', 1],
    ]);
    expect(parsed.routines[0]?.[1][0]?.routineId).toBe('__proto__');
    expect(({} as Record<string, unknown>).status).toBeUndefined();
    expect(({} as Record<string, unknown>).routine_id).toBeUndefined();
  });

  it('reports a bad record under a __proto__ routine id at its own path', () => {
    const data = JSON.parse(
      '{"flow_id":"f","routine_executions":{"__proto__":[{"routine_id":"__proto__","start_time":"2026-12-03T21:46:03"}]},"event_flow":[]}',
    ) as unknown;
    expectFormatError(
      data,
      'routine_executions.__proto__[0].status',
      'a string',
      'nothing',
    );
  });

  it('keeps __proto__ keys in params and data as data without polluting Object.prototype', () => {
    const data = JSON.parse(
      '{"flow_id":"f","routine_executions":{"w":[{"routine_id":"w","start_time":"2026-12-03T21:46:03","status":"running","params":{"__proto__":{"polluted":true}}}]},"event_flow":[{"timestamp":"2026-12-03T21:46:03","source_routine_id":"w","event_name":"e","data":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}]}',
    ) as unknown;
    const parsed = parseSerializedTracker(data);
    const params = parsed.routines[0]?.[1][0]?.params ?? {};
    const eventData = parsed.events[0]?.data ?? {};

    expect(Object.hasOwn(params, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
    expect(JSON.stringify(params)).toBe('{"__proto__":{"polluted":true}}');
    expect(Object.hasOwn(eventData, 'constructor')).toBe(true);
    expect(JSON.stringify(eventData)).toBe(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not read fields through a __proto__ key at the top level', () => {
    const data = JSON.parse(
      '{"__proto__":{"flow_id":"from-proto","routine_executions":{},"event_flow":[]}}',
    ) as unknown;
    expectFormatError(data, 'flow_id', 'a string', 'nothing');
    expect(({} as Record<string, unknown>).flow_id).toBeUndefined();
  });
});

describe('parseSerializedTracker: lists with holes', () => {
  // JSON has no holes, but deserialize takes any value: a hole is a
  // missing record or event, and must not be skipped.
  it('rejects a hole in a record list or in event_flow at its index', () => {
    const records: unknown[] = [RECORD];
    records[2] = RECORD;
    expectFormatError(
      tracker({ routine_executions: { worker: records } }),
      'routine_executions.worker[1]',
      'an object',
      'nothing',
    );
    const events: unknown[] = [];
    events.length = 3;
    expectFormatError(
      tracker({ event_flow: events }),
      'event_flow[0]',
      'an object',
      'nothing',
    );
  });

  it('rejects a sparse list of length 2^32 - 1 at its first hole at once', () => {
    const events: unknown[] = [EVENT];
    events.length = 2 ** 32 - 1;
    expectFormatError(
      tracker({ event_flow: events }),
      'event_flow[1]',
      'an object',
      'nothing',
    );
  });
});

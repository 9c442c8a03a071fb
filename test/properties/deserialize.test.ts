// README, serialize/deserialize: "Bad input throws a TrackerFormatError
// whose path names the first bad field"; "Keys such as __proto__ stay plain
// data". Every field of a real dump is replaced by every wrong type, every
// prefix of its JSON is closed and loaded, pollution keys go in at every
// level, and lists grow huge; after each case Object.prototype is clean.
import { afterEach, describe, expect, it } from 'vitest';

import { ExecutionTracker, TrackerFormatError } from '../../src/index.js';
import {
  expectation,
  isRecord,
  own,
  paths,
  replaced,
  type Expectation,
  type Segments,
} from './dump-format.js';
import { closeJson, formatPath, pathSegments } from './truncated-json.js';

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype];
const CLEAN = PROTOTYPES.map((p) => Object.getOwnPropertyNames(p).sort());
function expectCleanPrototypes(): void {
  expect(PROTOTYPES.map((p) => Object.getOwnPropertyNames(p).sort())).toEqual(
    CLEAN,
  );
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}
afterEach(expectCleanPrototypes);

/** A dump with every optional field, odd routine ids, a running record. */
function validDump(): Record<string, unknown> {
  const tracker = new ExecutionTracker('dump');
  const worker = tracker.recordRoutineStart('worker', {
    file: 'a.csv',
    deep: { n: 1 },
  });
  worker.recordEvent('rows', 'a b', { rows: 3 });
  worker.end('completed', { rows: 3 });
  tracker
    .recordRoutineStart('a b', { i: 1 })
    .end('failed', undefined, new Error('bad row'));
  tracker.recordRoutineStart('__proto__', {});
  tracker.recordEvent('worker', 'done');
  return JSON.parse(JSON.stringify(tracker)) as Record<string, unknown>;
}

function load(data: unknown): {
  loaded?: ExecutionTracker;
  error?: TrackerFormatError;
} {
  try {
    return { loaded: ExecutionTracker.deserialize(data) };
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(TrackerFormatError);
    const formatError = error as TrackerFormatError;
    expect(
      formatError.message.startsWith(
        `${formatError.path || 'the serialized tracker'}: expected `,
      ),
    ).toBe(true);
    return { error: formatError };
  } finally {
    expectCleanPrototypes();
  }
}

function expectOutcome(
  data: unknown,
  at: Segments,
  expected: Expectation,
): ExecutionTracker | undefined {
  const { loaded, error } = load(data);
  const where = formatPath(at);
  if (expected === 'loads') expect(error?.message, where).toBeUndefined();
  if (expected === 'fails here') expect(error?.path, where).toBe(where);
  if (expected === 'fails here or inside' && error !== undefined) {
    expect(pathSegments(error.path).slice(0, at.length), where).toEqual(at);
  }
  return loaded;
}

const WRONG = [
  undefined,
  null,
  0,
  -1,
  1.5,
  1e308,
  NaN,
  true,
  '',
  'not a time',
  [],
  [1],
  {},
  { a: 1 },
];

describe('deserialize of a dump with one field wrong', () => {
  it('fails at exactly that field, or loads where the format allows the value', () => {
    const dump = validDump();
    const all = paths(dump);
    expect(all.length).toBeGreaterThan(50);
    for (const at of all) {
      for (const value of WRONG)
        expectOutcome(replaced(dump, at, value), at, expectation(at, value));
    }
  });
});

describe('deserialize of every prefix of a dump, closed', () => {
  it('loads, or fails at a field of what was left', () => {
    const text = JSON.stringify(validDump());
    for (let length = 1; length <= text.length; length++) {
      const doc = JSON.parse(closeJson(text.slice(0, length))) as unknown;
      const { error } = load(doc);
      if (error === undefined) continue;
      // The bad field is in the document, or missing from an object in it.
      const segments = pathSegments(error.path);
      const parent = segments
        .slice(0, -1)
        .reduce<unknown>((node, key) => own(node, key), doc);
      expect(typeof parent, `${length}: ${error.message}`).toBe('object');
    }
  });
});

describe('deserialize of a dump with __proto__, constructor and prototype keys at every level', () => {
  it('keeps them as data, or rejects them at their own path', () => {
    const dump = validDump();
    const objects = [[], ...paths(dump)].filter((at) =>
      isRecord(at.reduce<unknown>((n, k) => own(n, k), dump)),
    );
    for (const at of objects) {
      for (const key of ['__proto__', 'constructor', 'prototype']) {
        for (const value of [{ polluted: 1 }, [{ polluted: 2 }], 'polluted']) {
          const where = [...at, key];
          const loaded = expectOutcome(
            replaced(dump, where, value),
            where,
            expectation(where, value),
          );
          if (loaded === undefined) continue;
          const again = JSON.parse(JSON.stringify(loaded)) as unknown;
          const kept = ['params', 'data', 'result'].some((name) =>
            at.includes(name),
          );
          if (kept)
            expect(where.reduce<unknown>((n, k) => own(n, k), again)).toEqual(
              value,
            );
          expect(ExecutionTracker.deserialize(again)).toBeInstanceOf(
            ExecutionTracker,
          );
        }
      }
    }
  });
});

describe('deserialize of huge lists', () => {
  const event = {
    timestamp: '2026-12-03T21:46:03.871807+00:00',
    source_routine_id: 's',
    event_name: 'e',
  };

  it('loads 100,001 events within the bound, and names the bad last one', () => {
    const events = Array.from({ length: 100_001 }, () => event);
    const loaded = ExecutionTracker.deserialize({
      flow_id: 'f',
      routine_executions: {},
      event_flow: events,
    });
    expect(loaded.eventFlow).toHaveLength(100_000);
    expect(loaded.getPerformanceMetrics()).toMatchObject({
      total_events: 100_001,
      dropped_events: 1,
    });
    events[100_000] = { ...event, timestamp: 12 as unknown as string };
    expect(
      load({ flow_id: 'f', routine_executions: {}, event_flow: events }).error
        ?.message,
    ).toBe(
      'event_flow[100000].timestamp: expected an ISO-8601 timestamp string, received number 12',
    );
  });

  it('names the first hole of a sparse list of length 2^32 - 1', () => {
    const records: unknown[] = [];
    records.length = 2 ** 32 - 1;
    expect(
      load({ flow_id: 'f', routine_executions: { r: records }, event_flow: [] })
        .error?.path,
    ).toBe('routine_executions.r[0]');
  });
});

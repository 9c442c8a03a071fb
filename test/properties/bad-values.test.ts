// README, "The spans": values become valid attributes whatever they are,
// strings are cut to maxAttributeLength, and `flow.attributes.truncated`
// and `flow.attributes.dropped` say what was cut or left out. Checked on
// the spans of a real SDK and on the OTLP/JSON body its exporter would send.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  ATTR_DROPPED_COUNT,
  ATTR_TRUNCATED_COUNT,
  DEFAULT_MAX_ATTRIBUTE_LENGTH,
  ExecutionTracker,
  type ExecutionHandle,
} from '../../src/index.js';
import { anyValue, build, SEED, type ValueSpec } from './arbitraries.js';
import { expectCut, exportRun } from './export-run.js';
import { HOSTILE, HOSTILE_NAMES, type HostileName } from './hostile-values.js';

/**
 * What the tally must show for a value that cannot be exported whole.
 * Symbol keys are not here: they are left out uncounted, as JSON leaves
 * them (README, "The spans").
 */
const COUNTED: Partial<Record<HostileName, 'truncated' | 'dropped'>> = {
  hugeString: 'truncated',
  hugeKey: 'truncated',
  hugeSparseArray: 'truncated',
  largeTypedArray: 'truncated',
  deepObject: 'truncated',
  deepArray: 'truncated',
  circularObject: 'dropped',
  function: 'dropped',
  classConstructor: 'dropped',
  throwingGetter: 'dropped',
  throwingToJSON: 'dropped',
  throwingToString: 'dropped',
  proxyTrapsThrow: 'dropped',
  arrayProxyTrapsThrow: 'dropped',
  revokedProxy: 'dropped',
  revokedArrayProxy: 'dropped',
  dataView: 'dropped',
  manyKeys: 'dropped',
};

type Make = () => unknown;

/** Records `make()` as params, result and event data, nested and not. */
function recordEverywhere(tracker: ExecutionTracker, make: Make): void {
  const execution = tracker.recordRoutineStart('nested', { value: make() });
  execution.recordEvent('from-handle', 'nested', { value: make() });
  tracker.recordEvent('nested', 'from-tracker', null, { value: make() });
  execution.end('completed', make());
  tracker.recordRoutineStart('top', make() as Record<string, unknown>);
  tracker.recordEvent(
    'top',
    'top-data',
    'nested',
    make() as Record<string, unknown>,
  );
  tracker.recordRoutineEnd('top', 'completed', {
    list: [make(), 1],
    map: new Map([['k', make()]]),
  });
}

/** Records `make()` where ids and statuses go. */
function recordAsIds(tracker: ExecutionTracker, make: Make): void {
  const id = (): string => make() as string;
  tracker.recordRoutineStart(id(), {}).end(id());
  tracker.recordRoutineStart('id').recordEvent(id(), id());
  tracker.recordEvent(id(), id(), id(), {});
  tracker.recordRoutineEnd(id(), id(), make(), make());
  tracker.getRoutinePerformance(id());
}

describe('a hostile value as params, result, event data, id and status', () => {
  it.each(HOSTILE_NAMES)(
    '%s exports valid, bounded attributes and counts what it cut',
    (name) => {
      const { spans, payload } = exportRun((tracker) => {
        recordEverywhere(tracker, HOSTILE[name]);
        recordAsIds(tracker, HOSTILE[name]);
      });
      expectCut(spans, DEFAULT_MAX_ATTRIBUTE_LENGTH);
      // A few spans and events of at most 128 attributes, each cut to the
      // limit, stay far below a megabyte; the 20 MB string alone is 20 times it.
      expect(payload.length).toBeLessThan(1_000_000);

      const tally = COUNTED[name];
      if (tally === undefined) return;
      const key =
        tally === 'truncated' ? ATTR_TRUNCATED_COUNT : ATTR_DROPPED_COUNT;
      const nested = spans.find((span) => span.name === 'nested');
      const counted = [
        nested?.attributes,
        ...(nested?.events ?? []).map((event) => event.attributes),
      ];
      for (const attributes of counted) {
        expect(attributes?.[key], `${key} of ${name}`).toBeGreaterThan(0);
      }
    },
  );
});

describe('a hostile value as the error of a failed execution', () => {
  it.each(HOSTILE_NAMES)(
    '%s is recorded as a message, and exported validly',
    (name) => {
      const make = HOSTILE[name];
      const { tracker } = exportRun((recording) => {
        recording.recordRoutineStart('fails').end('failed', undefined, make());
        recording.recordRoutineStart('continues');
        recording.recordRoutineEnd(
          'continues',
          'error_continued',
          undefined,
          make(),
        );
        const thrown = make();
        let caught: unknown;
        try {
          recording.trackRoutine('throws', () => {
            throw thrown;
          });
        } catch (error) {
          caught = error;
        }
        expect(Object.is(caught, thrown)).toBe(true);
      });
      for (const records of tracker.routineExecutions.values()) {
        expect(typeof records[0]?.error).toBe('string');
      }
    },
  );
});

describe('any value, in any position', () => {
  it('exports only valid attributes, cut to maxAttributeLength', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('params', 'result', 'data', 'topData'),
            anyValue,
          ),
          { maxLength: 6 },
        ),
        fc.oneof(
          fc.integer({ min: 1, max: 64 }),
          fc.constant(DEFAULT_MAX_ATTRIBUTE_LENGTH),
        ),
        (placed: [string, ValueSpec][], maxAttributeLength) => {
          const { spans } = exportRun(
            (tracker) => {
              const running: ExecutionHandle[] = [];
              for (const [where, spec] of placed) {
                const value = build(spec);
                if (where === 'params') {
                  running.push(
                    tracker.recordRoutineStart(
                      'r',
                      value as Record<string, unknown>,
                    ),
                  );
                } else if (where === 'result') {
                  running.pop()?.end('completed', value);
                } else if (where === 'data') {
                  tracker.recordEvent('r', 'e', 'r', { value });
                } else {
                  tracker.recordEvent(
                    'r',
                    'e',
                    null,
                    value as Record<string, unknown>,
                  );
                }
              }
              for (const execution of running) execution.end('skipped');
            },
            { maxAttributeLength },
          );
          expectCut(spans, maxAttributeLength);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  }, 60_000);
});

describe('a huge sparse array where the tracker needs its text', () => {
  it('is turned into text without reading its every slot', () => {
    // Array.prototype.join visits every slot, holes included: for the
    // hostile sparse array of length 2^32 - 1 that takes minutes.
    const sparse: unknown[] = [];
    sparse[1_999_999] = 'last';
    const reads = { count: 0 };
    const counted = new Proxy(sparse, {
      get(target, key, receiver): unknown {
        reads.count++;
        return Reflect.get(target, key, receiver);
      },
    });
    const tracker = new ExecutionTracker('sparse-text');
    tracker.recordRoutineStart('error').end('failed', undefined, counted);
    tracker.recordRoutineStart('status').end(counted as unknown as string);
    tracker.recordRoutineStart(counted as unknown as string);
    tracker.recordRoutineStart('key', { map: new Map([[counted, 1]]) }).end();
    expect(reads.count).toBeLessThan(500_000);
    expect(tracker.getPerformanceMetrics().total_executions).toBe(3);
    expect(tracker.routineExecutions.get('error')?.[0]?.error).toMatch(/^,+…$/);
  });
});

// Generators shared by the property tests. Values are generated as specs
// (plain data, or the name of a hostile value) and built only when a call
// is made: a counterexample then prints as something readable, and every
// call gets a fresh Proxy, cycle or getter rather than one shared and
// already consumed by an earlier call.
import fc from 'fast-check';

import { HOSTILE, HOSTILE_NAMES, type HostileName } from './hostile-values.js';

/** Runs are repeatable: a failure prints this seed and the path to replay it. */
export const SEED = 20_261_204;

/** A value to pass to the tracker, as data that prints well. */
export type ValueSpec =
  | { readonly plain: unknown }
  | { readonly hostile: HostileName }
  | { readonly object: readonly (readonly [string, ValueSpec])[] }
  | { readonly array: readonly ValueSpec[] };

const plainValue = fc.anything({
  maxDepth: 3,
  maxKeys: 4,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
  stringUnit: 'grapheme',
});

const { valueSpec } = fc.letrec<{ valueSpec: ValueSpec }>((tie) => ({
  valueSpec: fc.oneof(
    { maxDepth: 2, depthIdentifier: 'value' },
    { weight: 4, arbitrary: plainValue.map((plain) => ({ plain })) },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(...HOSTILE_NAMES)
        .map((hostile) => ({ hostile })),
    },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.tuple(fc.string({ maxLength: 6 }), tie('valueSpec')), {
          maxLength: 3,
        })
        .map((object) => ({ object })),
    },
    {
      weight: 1,
      arbitrary: fc
        .array(tie('valueSpec'), { maxLength: 3 })
        .map((array) => ({ array })),
    },
  ),
}));

/** Any value, plain or hostile, alone or nested in objects and arrays. */
export const anyValue: fc.Arbitrary<ValueSpec> = valueSpec;

/** Builds the value a spec stands for. */
export function build(spec: ValueSpec): unknown {
  if ('plain' in spec) return spec.plain;
  if ('hostile' in spec) return HOSTILE[spec.hostile]();
  if ('array' in spec) return spec.array.map(build);
  const out: Record<string, unknown> = {};
  // defineProperty keeps a generated `__proto__` key as plain data.
  for (const [key, value] of spec.object) {
    Object.defineProperty(out, key, {
      value: build(value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Routine, event and target ids: a few that collide, odd ones, misuse. */
export const anyId: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'c') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('', '__proto__', 'constructor', 'toString'),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom(7, -0, 1.5) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, {}, Symbol('id')) },
);

/** End statuses: the common ones, unknown and odd strings, non-strings. */
export const anyStatus: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'completed',
      'failed',
      'skipped',
      'error_continued',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('running', 'Completed', '', '__proto__', '💥'),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, 42, {}) },
);

/** How the function given to `trackRoutine` ends. */
export type Outcome =
  'return' | 'throw' | 'resolve' | 'reject' | 'throwingThenable' | 'noFunction';

/** One call of the public API, or a pause that lets promises settle. */
export type Operation =
  | { op: 'start'; routine: unknown; params: ValueSpec | undefined }
  | {
      op: 'end' | 'endHandle';
      routine: unknown;
      handle: number;
      status: unknown;
      result: ValueSpec;
      error: ValueSpec | undefined;
    }
  | {
      op: 'event' | 'handleEvent';
      source: unknown;
      handle: number;
      name: unknown;
      target: unknown;
      data: ValueSpec | undefined;
    }
  | {
      op: 'track';
      routine: unknown;
      params: ValueSpec | undefined;
      outcome: Outcome;
      value: ValueSpec;
      inner: Operation[];
    }
  | { op: 'query'; query: Query; routine: unknown; handle: number }
  | { op: 'endTracker' }
  | { op: 'flush' };

export type Query =
  | 'routine'
  | 'flow'
  | 'metrics'
  | 'executions'
  | 'events'
  | 'handle'
  | 'roundTrip';

const handleIndex = fc.nat({ max: 50 });

function leafOperation(): fc.Arbitrary<Operation> {
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        op: fc.constant('start' as const),
        routine: anyId,
        params: fc.option(anyValue, { nil: undefined }),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        op: fc.constantFrom('end' as const, 'endHandle' as const),
        routine: anyId,
        handle: handleIndex,
        status: anyStatus,
        result: anyValue,
        error: fc.option(anyValue, { nil: undefined }),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        op: fc.constantFrom('event' as const, 'handleEvent' as const),
        source: anyId,
        handle: handleIndex,
        name: anyId,
        target: fc.option(anyId, { nil: undefined }),
        data: fc.option(anyValue, { nil: undefined }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('query' as const),
        query: fc.constantFrom<Query>(
          'routine',
          'flow',
          'metrics',
          'executions',
          'events',
          'handle',
          'roundTrip',
        ),
        routine: anyId,
        handle: handleIndex,
      }),
    },
    { weight: 1, arbitrary: fc.constant({ op: 'endTracker' as const }) },
  );
}

const trackOperation: fc.Arbitrary<Operation> = fc.record({
  op: fc.constant('track' as const),
  routine: anyId,
  params: fc.option(anyValue, { nil: undefined }),
  outcome: fc.constantFrom<Outcome>(
    'return',
    'throw',
    'resolve',
    'reject',
    'throwingThenable',
    'noFunction',
  ),
  value: anyValue,
  // Calls made from inside the tracked function, in its context.
  inner: fc.array(leafOperation(), { maxLength: 3 }),
});

/** A sequence of calls, with pauses for promises to settle. */
export const operations: fc.Arbitrary<Operation[]> = fc.array(
  fc.oneof(
    { weight: 8, arbitrary: leafOperation() },
    { weight: 2, arbitrary: trackOperation },
    { weight: 1, arbitrary: fc.constant({ op: 'flush' as const }) },
  ),
  { maxLength: 40 },
);

import { ROOT_CONTEXT, trace, type Tracer } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';

import {
  DEFAULT_MAX_ATTRIBUTE_LENGTH,
  DEFAULT_MAX_EVENTS,
  DEFAULT_MAX_EXECUTIONS_PER_ROUTINE,
  resolveOptions,
} from '../../src/tracker/options.js';

const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Expects `resolveOptions(input)` to throw `kind` with exactly `message`. */
function expectInvalid(
  input: unknown,
  kind: typeof TypeError | typeof RangeError,
  message: string,
): void {
  let caught: unknown;
  try {
    resolveOptions(input);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(kind);
  expect((caught as Error).constructor).toBe(kind);
  expect((caught as Error).message).toBe(message);
}

describe('resolveOptions: defaults', () => {
  it('has the documented default limits', () => {
    expect(DEFAULT_MAX_EXECUTIONS_PER_ROUTINE).toBe(10_000);
    expect(DEFAULT_MAX_EVENTS).toBe(100_000);
    expect(DEFAULT_MAX_ATTRIBUTE_LENGTH).toBe(4096);
  });

  it('fills in every default for no argument', () => {
    const options = resolveOptions(undefined);
    expect(options.flowId).toMatch(UUID);
    expect(options).toMatchObject({
      parentContext: undefined,
      maxExecutionsPerRoutine: 10_000,
      maxEvents: 100_000,
      captureParams: true,
      captureResults: true,
      captureEventData: true,
      redactKeys: [],
      maxAttributeLength: 4096,
    });
    expect(options.defaultTracerProvider).toBe(trace.getTracerProvider());
    expect(typeof options.tracer.startSpan).toBe('function');
  });

  it('fills in every default for an empty object', () => {
    const options = resolveOptions({});
    expect(options.flowId).toMatch(UUID);
    expect(options.maxEvents).toBe(100_000);
    expect(options.captureParams).toBe(true);
  });

  it('gives each run its own random flow id', () => {
    const ids = new Set(
      Array.from({ length: 50 }, () => resolveOptions(undefined).flowId),
    );
    expect(ids.size).toBe(50);
  });

  it('takes a string as the flow id', () => {
    expect(resolveOptions('nightly').flowId).toBe('nightly');
    expect(resolveOptions('').flowId).toBe('');
    expect(resolveOptions({ flowId: 'f' }).flowId).toBe('f');
  });

  it('keeps every option given', () => {
    const tracer: Tracer = trace.getTracer('test');
    const pattern = /^x-/;
    const redactKeys = ['ssn', pattern];
    const given = {
      flowId: 'f',
      tracer,
      parentContext: ROOT_CONTEXT,
      maxExecutionsPerRoutine: 5,
      maxEvents: 6,
      captureParams: false,
      captureResults: false,
      captureEventData: false,
      redactKeys,
      maxAttributeLength: 7,
    };
    const options = resolveOptions(given);
    // Every option as given, the list compared by its contents.
    expect(options).toEqual({
      ...given,
      redactKeys: ['ssn', pattern],
      defaultTracerProvider: undefined,
    });
    expect(options.tracer).toBe(tracer);
    // A copy: changing the caller's list later changes nothing.
    redactKeys.push('late');
    expect(options.redactKeys).toEqual(['ssn', pattern]);
  });

  it('accepts Infinity and 0 as limits', () => {
    expect(
      resolveOptions({
        maxExecutionsPerRoutine: Infinity,
        maxEvents: Infinity,
      }),
    ).toMatchObject({ maxExecutionsPerRoutine: Infinity, maxEvents: Infinity });
    expect(
      resolveOptions({ maxExecutionsPerRoutine: 0, maxEvents: 0 }),
    ).toMatchObject({ maxExecutionsPerRoutine: 0, maxEvents: 0 });
    expect(
      resolveOptions({ maxAttributeLength: Infinity }).maxAttributeLength,
    ).toBe(Infinity);
    expect(resolveOptions({ maxAttributeLength: 1 }).maxAttributeLength).toBe(
      1,
    );
  });

  it('treats an option given as undefined as not given', () => {
    const options = resolveOptions({
      flowId: undefined,
      maxEvents: undefined,
      captureParams: undefined,
      redactKeys: undefined,
    });
    expect(options.flowId).toMatch(UUID);
    expect(options.maxEvents).toBe(100_000);
    expect(options.captureParams).toBe(true);
    expect(options.redactKeys).toEqual([]);
  });
});

describe('resolveOptions: invalid options', () => {
  it.each([
    [null, 'null'],
    [42, 'number 42'],
    [true, 'boolean true'],
    [['f'], 'an array'],
    [(): void => undefined, 'a function'],
  ])('rejects the argument %j with a TypeError', (input, received) => {
    expectInvalid(
      input,
      TypeError,
      `ExecutionTracker: expected a flow id string or an options object, received ${received}`,
    );
  });

  it('rejects a flowId that is not a string', () => {
    expectInvalid(
      { flowId: 7 },
      TypeError,
      'ExecutionTracker option flowId: expected a string, received number 7',
    );
    expectInvalid(
      { flowId: null },
      TypeError,
      'ExecutionTracker option flowId: expected a string, received null',
    );
  });

  it('rejects a tracer without startSpan', () => {
    expectInvalid(
      { tracer: {} },
      TypeError,
      'ExecutionTracker option tracer: expected an OpenTelemetry Tracer, received an object',
    );
    expectInvalid(
      { tracer: 'global' },
      TypeError,
      'ExecutionTracker option tracer: expected an OpenTelemetry Tracer, received the string "global"',
    );
  });

  it('rejects a parentContext without getValue', () => {
    expectInvalid(
      { parentContext: { traceId: 'x' } },
      TypeError,
      'ExecutionTracker option parentContext: expected an OpenTelemetry Context, received an object',
    );
    expectInvalid(
      { parentContext: null },
      TypeError,
      'ExecutionTracker option parentContext: expected an OpenTelemetry Context, received null',
    );
  });

  it.each(['maxExecutionsPerRoutine', 'maxEvents'])(
    'rejects a negative, fractional, NaN or -Infinity %s with a RangeError',
    (name) => {
      for (const [value, text] of [
        [-1, '-1'],
        [-5, '-5'],
        [1.5, '1.5'],
        [NaN, 'NaN'],
        [-Infinity, '-Infinity'],
      ] as const) {
        expectInvalid(
          { [name]: value },
          RangeError,
          `ExecutionTracker option ${name}: expected an integer of at least 0, or Infinity, received number ${text}`,
        );
      }
    },
  );

  it.each(['maxExecutionsPerRoutine', 'maxEvents', 'maxAttributeLength'])(
    'rejects a %s that is not a number with a TypeError',
    (name) => {
      const minimum = name === 'maxAttributeLength' ? 1 : 0;
      for (const [value, text] of [
        ['10', 'the string "10"'],
        [null, 'null'],
        [10n, 'bigint 10'],
      ] as const) {
        expectInvalid(
          { [name]: value },
          TypeError,
          `ExecutionTracker option ${name}: expected an integer of at least ${minimum}, or Infinity, received ${text}`,
        );
      }
    },
  );

  it('rejects a maxAttributeLength below 1, fractional or NaN with a RangeError', () => {
    for (const [value, text] of [
      [0, '0'],
      [-3, '-3'],
      [2.5, '2.5'],
      [NaN, 'NaN'],
    ] as const) {
      expectInvalid(
        { maxAttributeLength: value },
        RangeError,
        `ExecutionTracker option maxAttributeLength: expected an integer of at least 1, or Infinity, received number ${text}`,
      );
    }
  });

  it.each(['captureParams', 'captureResults', 'captureEventData'])(
    'rejects a %s that is not a boolean',
    (name) => {
      expectInvalid(
        { [name]: 'yes' },
        TypeError,
        `ExecutionTracker option ${name}: expected a boolean, received the string "yes"`,
      );
      expectInvalid(
        { [name]: 1 },
        TypeError,
        `ExecutionTracker option ${name}: expected a boolean, received number 1`,
      );
    },
  );

  it('rejects redactKeys that is not an array of strings and RegExps', () => {
    expectInvalid(
      { redactKeys: 'ssn' },
      TypeError,
      'ExecutionTracker option redactKeys: expected an array of strings and RegExps, received the string "ssn"',
    );
    expectInvalid(
      { redactKeys: ['ssn', 5] },
      TypeError,
      'ExecutionTracker option redactKeys[1]: expected a string or a RegExp, received number 5',
    );
    expectInvalid(
      { redactKeys: [{ source: 'x' }] },
      TypeError,
      'ExecutionTracker option redactKeys[0]: expected a string or a RegExp, received an object',
    );
  });

  it('rejects an unknown option, naming it', () => {
    expect(() => resolveOptions({ maxEvent: 5 })).toThrow(
      /unknown option "maxEvent"; the options are flowId, tracer/,
    );
  });

  it('checks the options in order and names the first invalid one', () => {
    expectInvalid(
      { flowId: 1, maxEvents: -1 },
      TypeError,
      'ExecutionTracker option flowId: expected a string, received number 1',
    );
  });
});

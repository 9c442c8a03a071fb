import { describe, expect, it } from 'vitest';

import { trace } from '@opentelemetry/api';

import { checkTracingOptions } from '../../src/setup/check-options.js';
import { setupTracing } from '../../src/setup/index.js';

const check = (options: unknown): unknown => checkTracingOptions(options);

describe('checkTracingOptions', () => {
  it('takes nothing, an empty object and every option with a sound value', () => {
    expect(check(undefined)).toEqual({});
    const options = {
      serviceName: 'nightly',
      defaultServiceName: 'cli',
      endpoint: 'http://127.0.0.1:4318/v1/traces',
      headers: { authorization: 'Bearer x' },
      resourceAttributes: { 'deployment.environment': 'test' },
      sampler: { shouldSample: () => ({ decision: 1 }), toString: () => 's' },
      spanLimits: { eventCountLimit: 0, attributeCountLimit: 64 },
      maxQueueSize: 1,
      maxExportBatchSize: 1,
      scheduledDelayMillis: 0,
      exportTimeoutMillis: 1,
      maxRetainedSpans: 1,
      exitTimeoutMillis: 0,
      exitHooks: false,
    };
    expect(check(options)).toBe(options);
  });

  it('refuses what is not an options object', () => {
    expect(() => check(null)).toThrow(
      /expected an options object, received null/,
    );
    expect(() => check([])).toThrow(/received an array/);
    expect(() => check('svc')).toThrow(TypeError);
  });

  it('refuses an unknown option, naming it and the known ones', () => {
    expect(() => check({ serviceNme: 'x' })).toThrow(
      /unknown option "serviceNme"; the options are .*serviceName/,
    );
  });

  it.each([
    ['maxQueueSize', 0],
    ['maxQueueSize', Number.NaN],
    ['maxQueueSize', Infinity],
    ['maxExportBatchSize', -3],
    ['maxRetainedSpans', 2.5],
    ['exportTimeoutMillis', 0],
    ['exitTimeoutMillis', -1],
    ['scheduledDelayMillis', -1],
  ])('refuses %s: %s as out of range', (name, value) => {
    expect(() => check({ [name]: value })).toThrow(RangeError);
    expect(() => check({ [name]: value })).toThrow(`option ${name}`);
  });

  it('refuses values of the wrong type, naming the option', () => {
    expect(() => check({ maxQueueSize: '100' })).toThrow(
      /option maxQueueSize: expected a number, received string/,
    );
    expect(() => check({ exitHooks: 'no' })).toThrow(/option exitHooks/);
    expect(() => check({ serviceName: 7 })).toThrow(/option serviceName/);
    expect(() => check({ sampler: {} })).toThrow(/option sampler/);
    expect(() => check({ resourceAttributes: [] })).toThrow(
      /option resourceAttributes/,
    );
    expect(() => check({ spanLimits: { eventCountLimit: -1 } })).toThrow(
      /spanLimits.eventCountLimit/,
    );
  });

  it('names the header, never its value, when a header is not a string', () => {
    let message = '';
    try {
      check({ headers: { authorization: 'Bearer s3cr3t', retries: 5 } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/"retries" must be a string, received number/);
    expect(message).not.toContain('s3cr3t');
    expect(() => check({ headers: 5 })).toThrow(/option headers/);
  });

  it('refuses headers it could not send: a Map, a Headers, a line break, a bad name', () => {
    expect(() =>
      check({ headers: new Map([['authorization', 'Bearer x']]) }),
    ).toThrow(/option headers: .*received a Map/);
    const headersLike = {
      entries: () => [['authorization', 'Bearer x']][Symbol.iterator](),
    };
    expect(() => check({ headers: headersLike })).toThrow(/entries\(\)/);
    let message = '';
    try {
      check({ headers: { authorization: 'Bearer s3cr3t\nx' } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /"authorization" holds a character a header cannot carry/,
    );
    expect(message).not.toContain('s3cr3t');
    expect(() => check({ headers: { 'bad name': 'x' } })).toThrow(
      /"bad name" is not a valid header name/,
    );
    expect(() =>
      check({
        headers: Object.assign(Object.create(null) as object, {
          'x-key': 'é ok',
        }),
      }),
    ).not.toThrow();
  });

  it('checks every span limit, and refuses one it does not know', () => {
    expect(() =>
      check({ spanLimits: { attributeValueLengthLimit: Number.NaN } }),
    ).toThrow(/spanLimits.attributeValueLengthLimit/);
    expect(() => check({ spanLimits: { linkCountLimit: '5' } })).toThrow(
      TypeError,
    );
    expect(() => check({ spanLimits: { eventCountLimt: 5 } })).toThrow(
      /unknown limit "eventCountLimt"/,
    );
    expect(() =>
      check({ spanLimits: { attributeValueLengthLimit: Infinity } }),
    ).not.toThrow();
  });

  it('sees an unknown option that is not enumerable, and refuses a Map of options', () => {
    const hidden = Object.defineProperty({}, 'maxQueueSise', { value: 10 });
    expect(() => check(hidden)).toThrow(/unknown option "maxQueueSise"/);
    expect(() => check(new Map([['maxQueueSize', 10]]))).toThrow(
      /received a Map/,
    );
  });

  it('is what setupTracing runs first: a bad option registers nothing', async () => {
    expect(() => setupTracing({ maxQueueSize: Number.NaN })).toThrow(
      RangeError,
    );
    expect(trace.getTracer('probe').startSpan('s').isRecording()).toBe(false);
    // Nothing was left half set up: a sound call still works.
    const tracing = setupTracing({ exitHooks: false, serviceName: 'ok' });
    await tracing.shutdown();
  });
});

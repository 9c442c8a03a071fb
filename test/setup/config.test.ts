import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  DEFAULT_TRACES_ENDPOINT,
  resolveTracingConfig,
  type TracingOptions,
  redactUrl,
} from '../../src/setup/config.js';
import { spyOnDiag, type DiagSpy } from '../support/diag-spy.js';

type Env = Record<string, string | undefined>;

const MAIN = '/srv/app/nightly-import.js';

/** Resolves `options` against `env` alone, with a fixed main script. */
const resolve = (
  options: TracingOptions = {},
  env: Env = {},
  mainScript: string | undefined = MAIN,
): ReturnType<typeof resolveTracingConfig> =>
  resolveTracingConfig(options, env, mainScript);

/** A value for every variable of a whole-number setting. */
const COUNT_VARIABLES: Env = {
  OTEL_SPAN_EVENT_COUNT_LIMIT: '2048',
  OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '64',
  OTEL_BSP_MAX_QUEUE_SIZE: '4000',
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '100',
  OTEL_BSP_SCHEDULE_DELAY: '250',
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '3000',
};

/** The whole-number settings of a config, to compare at once. */
function countsOf(config: ReturnType<typeof resolve>): Record<string, unknown> {
  return {
    eventCountLimit: config.spanLimits.eventCountLimit,
    attributeCountLimit: config.spanLimits.attributeCountLimit,
    maxQueueSize: config.maxQueueSize,
    maxExportBatchSize: config.maxExportBatchSize,
    scheduledDelayMillis: config.scheduledDelayMillis,
    exportTimeoutMillis: config.exportTimeoutMillis,
    maxRetainedSpans: config.maxRetainedSpans,
  };
}

const LOW_TRACE_ID = '00000000000000000000000000000001';

/** The decision of `sampler` for a root span. */
const rootDecision = (sampler: Sampler): SamplingDecision =>
  sampler.shouldSample(
    ROOT_CONTEXT,
    LOW_TRACE_ID,
    'span',
    SpanKind.INTERNAL,
    {},
    [],
  ).decision;

let diagSpy: DiagSpy;

beforeEach(() => {
  diagSpy = spyOnDiag();
});

afterEach(() => {
  diagSpy.restore();
});

describe('resolveTracingConfig: service name', () => {
  it('uses OTEL_SERVICE_NAME over service.name in OTEL_RESOURCE_ATTRIBUTES', () => {
    const config = resolve(
      {},
      {
        OTEL_SERVICE_NAME: 'from-service-name',
        OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-resource',
      },
    );
    expect(config.serviceName).toBe('from-service-name');
    expect(config.resourceAttributes['service.name']).toBe('from-service-name');
  });

  it('uses service.name in OTEL_RESOURCE_ATTRIBUTES when OTEL_SERVICE_NAME is unset', () => {
    const config = resolve(
      {},
      { OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-resource' },
    );
    expect(config.serviceName).toBe('from-resource');
    expect(config.resourceAttributes['service.name']).toBe('from-resource');
  });

  it('treats an empty or blank OTEL_SERVICE_NAME as unset', () => {
    for (const value of ['', '   ']) {
      const config = resolve(
        {},
        {
          OTEL_SERVICE_NAME: value,
          OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-resource',
        },
      );
      expect(config.serviceName).toBe('from-resource');
    }
  });

  it('trims OTEL_SERVICE_NAME', () => {
    expect(resolve({}, { OTEL_SERVICE_NAME: '  billing  ' }).serviceName).toBe(
      'billing',
    );
  });

  it('uses the explicit serviceName over OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES', () => {
    const config = resolve(
      { serviceName: 'explicit' },
      {
        OTEL_SERVICE_NAME: 'from-service-name',
        OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-resource',
      },
    );
    expect(config.serviceName).toBe('explicit');
    expect(config.resourceAttributes['service.name']).toBe('explicit');
  });

  it('uses the explicit serviceName over service.name in resourceAttributes', () => {
    const config = resolve({
      serviceName: 'explicit',
      resourceAttributes: { 'service.name': 'attribute' },
    });
    expect(config.serviceName).toBe('explicit');
    expect(config.resourceAttributes['service.name']).toBe('explicit');
  });

  it('falls back to the base name of the main script, without its extension', () => {
    expect(resolve({}, {}, '/srv/app/nightly-import.js').serviceName).toBe(
      'nightly-import',
    );
    expect(resolve({}, {}, 'worker.mjs').serviceName).toBe('worker');
    expect(resolve({}, {}, '/srv/app/bin/flow-runner').serviceName).toBe(
      'flow-runner',
    );
    expect(resolve({}, {}, '/srv/app/jobs.daily.ts').serviceName).toBe(
      'jobs.daily',
    );
  });

  it('puts the fallback name into the resource too', () => {
    const config = resolve({}, {}, '/srv/app/nightly-import.js');
    expect(config.resourceAttributes['service.name']).toBe('nightly-import');
  });

  it('never falls back to unknown_service, even without a main script', () => {
    for (const script of [undefined, '', '/']) {
      const name = resolveTracingConfig({}, {}, script).serviceName;
      expect(name).toBe('flow-engine');
      expect(name).not.toMatch(/unknown_service/);
    }
  });

  it('uses service.name from resourceAttributes over the main script name', () => {
    // resourceAttributes is an explicit option: it must beat a default.
    const config = resolve({
      resourceAttributes: { 'service.name': 'billing' },
    });
    expect(config.serviceName).toBe('billing');
    expect(config.resourceAttributes['service.name']).toBe('billing');
  });

  it('uses service.name from resourceAttributes over the one in OTEL_RESOURCE_ATTRIBUTES', () => {
    // Documented: resourceAttributes "win over OTEL_RESOURCE_ATTRIBUTES".
    const config = resolve(
      { resourceAttributes: { 'service.name': 'billing' } },
      { OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-env' },
    );
    expect(config.serviceName).toBe('billing');
    expect(config.resourceAttributes['service.name']).toBe('billing');
  });

  it('falls back to the main script when service.name in OTEL_RESOURCE_ATTRIBUTES is empty', () => {
    const config = resolve({}, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=' });
    expect(config.serviceName).toBe('nightly-import');
  });
});

describe('resolveTracingConfig: resource attributes', () => {
  it('parses OTEL_RESOURCE_ATTRIBUTES into resource attributes, percent-decoded', () => {
    const config = resolve(
      {},
      {
        OTEL_RESOURCE_ATTRIBUTES:
          'deployment.environment=prod, team=data%20platform,note=a%2Cb%3Dc',
      },
    );
    expect(config.resourceAttributes).toEqual({
      'deployment.environment': 'prod',
      team: 'data platform',
      note: 'a,b=c',
      'service.name': 'nightly-import',
    });
    expect(diagSpy.warnings).toEqual([]);
  });

  it('lets explicit resourceAttributes win over OTEL_RESOURCE_ATTRIBUTES, keeping the rest', () => {
    const config = resolve(
      { resourceAttributes: { team: 'explicit', 'host.count': 3 } },
      { OTEL_RESOURCE_ATTRIBUTES: 'team=from-env,region=eu-west-1' },
    );
    expect(config.resourceAttributes).toEqual({
      team: 'explicit',
      region: 'eu-west-1',
      'host.count': 3,
      'service.name': 'nightly-import',
    });
  });

  it('ignores malformed entries and warns with their count only', () => {
    const config = resolve(
      {},
      {
        OTEL_RESOURCE_ATTRIBUTES:
          'team=data,noequals,=nokey,bad=%E0%A4%A,region=eu',
      },
    );
    expect(config.resourceAttributes).toEqual({
      team: 'data',
      region: 'eu',
      'service.name': 'nightly-import',
    });
    expect(diagSpy.warnings).toHaveLength(1);
    expect(diagSpy.warnings[0]).toContain('OTEL_RESOURCE_ATTRIBUTES');
    expect(diagSpy.warnings[0]).toContain('3 malformed entries');
    expect(diagSpy.warnings[0]).not.toContain('noequals');
    expect(diagSpy.warnings[0]).not.toContain('nokey');
  });

  it('does not change the resourceAttributes object it was given', () => {
    const given = { team: 'explicit' };
    resolve({ resourceAttributes: given }, { OTEL_SERVICE_NAME: 'svc' });
    expect(given).toEqual({ team: 'explicit' });
  });
});

describe('resolveTracingConfig: endpoint', () => {
  it('defaults to http://127.0.0.1:4318/v1/traces', () => {
    expect(DEFAULT_TRACES_ENDPOINT).toBe('http://127.0.0.1:4318/v1/traces');
    expect(resolve().endpoint).toBe('http://127.0.0.1:4318/v1/traces');
  });

  it('uses the explicit endpoint as given, over both variables', () => {
    const config = resolve(
      { endpoint: 'http://127.0.0.1:9999/custom/path' },
      {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:1111/traces',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:2222',
      },
    );
    expect(config.endpoint).toBe('http://127.0.0.1:9999/custom/path');
  });

  it('does not append /v1/traces to an explicit endpoint', () => {
    expect(resolve({ endpoint: 'http://127.0.0.1:4318' }).endpoint).toBe(
      'http://127.0.0.1:4318',
    );
  });

  it('uses OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, over OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    const config = resolve(
      {},
      {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:1111/my/traces',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:2222',
      },
    );
    expect(config.endpoint).toBe('http://127.0.0.1:1111/my/traces');
  });

  it('does not append /v1/traces to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', () => {
    expect(
      resolve(
        {},
        { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:1111' },
      ).endpoint,
    ).toBe('http://127.0.0.1:1111');
  });

  it('appends /v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    expect(
      resolve({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })
        .endpoint,
    ).toBe('http://127.0.0.1:4318/v1/traces');
  });

  it('appends /v1/traces once to a base with one or more trailing slashes', () => {
    for (const base of ['http://127.0.0.1:4318/', 'http://127.0.0.1:4318//']) {
      expect(resolve({}, { OTEL_EXPORTER_OTLP_ENDPOINT: base }).endpoint).toBe(
        'http://127.0.0.1:4318/v1/traces',
      );
    }
  });

  it('appends /v1/traces after a path prefix of the base', () => {
    expect(
      resolve(
        {},
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/otlp/' },
      ).endpoint,
    ).toBe('http://127.0.0.1:4318/otlp/v1/traces');
  });

  it('does not append /v1/traces to a base that already ends in it', () => {
    for (const base of [
      'http://127.0.0.1:4318/v1/traces',
      'http://127.0.0.1:4318/v1/traces/',
    ]) {
      expect(resolve({}, { OTEL_EXPORTER_OTLP_ENDPOINT: base }).endpoint).toBe(
        'http://127.0.0.1:4318/v1/traces',
      );
    }
  });

  it('treats empty endpoint variables as unset', () => {
    expect(
      resolve(
        {},
        {
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '  ',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:2222',
        },
      ).endpoint,
    ).toBe('http://127.0.0.1:2222/v1/traces');
    expect(
      resolve(
        {},
        {
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
          OTEL_EXPORTER_OTLP_ENDPOINT: '',
        },
      ).endpoint,
    ).toBe(DEFAULT_TRACES_ENDPOINT);
  });

  it('trims the endpoint variables', () => {
    expect(
      resolve(
        {},
        { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: ' http://127.0.0.1:1111/t ' },
      ).endpoint,
    ).toBe('http://127.0.0.1:1111/t');
    expect(
      resolve({}, { OTEL_EXPORTER_OTLP_ENDPOINT: ' http://127.0.0.1:2222 ' })
        .endpoint,
    ).toBe('http://127.0.0.1:2222/v1/traces');
  });
});

describe('resolveTracingConfig: headers', () => {
  it('has no headers by default', () => {
    expect(resolve().headers).toEqual({});
  });

  it('parses OTEL_EXPORTER_OTLP_HEADERS, keeping = in values and decoding escapes', () => {
    const config = resolve(
      {},
      {
        OTEL_EXPORTER_OTLP_HEADERS:
          'Authorization=Basic dXNlcjpwYXNz==,X-Note=a%20b%2Cc%3Dd',
      },
    );
    expect(config.headers).toEqual({
      Authorization: 'Basic dXNlcjpwYXNz==',
      'X-Note': 'a b,c=d',
    });
  });

  it('merges OTEL_EXPORTER_OTLP_HEADERS under OTEL_EXPORTER_OTLP_TRACES_HEADERS', () => {
    const config = resolve(
      {},
      {
        OTEL_EXPORTER_OTLP_HEADERS: 'a=general,b=general',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=traces,c=traces',
      },
    );
    expect(config.headers).toEqual({ a: 'general', b: 'traces', c: 'traces' });
  });

  it('merges both variables under the explicit headers', () => {
    const config = resolve(
      { headers: { c: 'explicit', d: 'explicit' } },
      {
        OTEL_EXPORTER_OTLP_HEADERS: 'a=general,b=general,c=general',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=traces,c=traces',
      },
    );
    expect(config.headers).toEqual({
      a: 'general',
      b: 'traces',
      c: 'explicit',
      d: 'explicit',
    });
  });

  it('does not change the headers object it was given', () => {
    const given = { a: 'explicit' };
    const config = resolve(
      { headers: given },
      { OTEL_EXPORTER_OTLP_HEADERS: 'b=general' },
    );
    expect(given).toEqual({ a: 'explicit' });
    expect(config.headers).toEqual({ a: 'explicit', b: 'general' });
  });

  it('ignores malformed header entries, naming the variable and counting them', () => {
    const config = resolve(
      {},
      {
        OTEL_EXPORTER_OTLP_HEADERS: 'good=1,broken,=x',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'also-good=2,bad=%E0%A4%A',
      },
    );
    expect(config.headers).toEqual({ good: '1', 'also-good': '2' });
    expect(diagSpy.warnings).toHaveLength(2);
    expect(diagSpy.warnings[0]).toContain('OTEL_EXPORTER_OTLP_HEADERS');
    expect(diagSpy.warnings[0]).toContain('2 malformed entries');
    expect(diagSpy.warnings[1]).toContain('OTEL_EXPORTER_OTLP_TRACES_HEADERS');
    expect(diagSpy.warnings[1]).toContain('1 malformed entries');
  });
});

describe('resolveTracingConfig: no header value ever reaches the diag logger', () => {
  const SECRETS = [
    'dXNlcjpwYXNz',
    's3cr3t-token',
    'hunter2',
    'api-key-value-42',
    'sk-live-999',
  ];

  it('keeps every header value out of every warning and error, also of malformed entries', () => {
    const config = resolve(
      {},
      {
        // Good entries, a secret without '=', a secret with a broken escape,
        // an entry with an empty key whose "value" is a secret.
        OTEL_EXPORTER_OTLP_HEADERS:
          'Authorization=Basic dXNlcjpwYXNz==,Bearer s3cr3t-token,X-Token=hunter2%E0%A4%A',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS:
          'x-api-key=api-key-value-42,=sk-live-999,%ZZ=sk-live-999',
        // Other things that warn, so that the logger certainly ran.
        OTEL_RESOURCE_ATTRIBUTES: 'broken',
        OTEL_BSP_MAX_QUEUE_SIZE: 'lots',
        OTEL_TRACES_SAMPLER: 'nonsense',
      },
    );
    expect(config.headers).toEqual({
      Authorization: 'Basic dXNlcjpwYXNz==',
      'x-api-key': 'api-key-value-42',
    });
    const logged = [...diagSpy.warnings, ...diagSpy.errors];
    expect(diagSpy.warnings.length).toBeGreaterThanOrEqual(5);
    expect(logged.some((m) => m.includes('OTEL_EXPORTER_OTLP_HEADERS'))).toBe(
      true,
    );
    expect(
      logged.some((m) => m.includes('OTEL_EXPORTER_OTLP_TRACES_HEADERS')),
    ).toBe(true);
    for (const message of logged) {
      for (const secret of SECRETS) expect(message).not.toContain(secret);
    }
  });

  it('keeps explicit header values out of the log', () => {
    resolve(
      { headers: { Authorization: 'Bearer hunter2' } },
      {
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=sk-live-999,oops',
        OTEL_SPAN_EVENT_COUNT_LIMIT: '-5',
      },
    );
    expect(diagSpy.warnings).toHaveLength(2);
    for (const message of [...diagSpy.warnings, ...diagSpy.errors]) {
      expect(message).not.toContain('hunter2');
      expect(message).not.toContain('sk-live-999');
    }
  });
});

describe('resolveTracingConfig: span limits and batch settings', () => {
  it('has the documented defaults', () => {
    const config = resolve();
    expect(config.spanLimits).toEqual({
      eventCountLimit: 1024,
      attributeCountLimit: 256,
    });
    expect(config.maxQueueSize).toBe(8192);
    expect(config.maxExportBatchSize).toBe(512);
    expect(config.scheduledDelayMillis).toBe(1000);
    expect(config.exportTimeoutMillis).toBe(10_000);
    expect(config.maxRetainedSpans).toBe(8192);
    expect(config.exitTimeoutMillis).toBe(5000);
    expect(config.exitHooks).toBe(true);
    expect(diagSpy.warnings).toEqual([]);
  });

  it('sets the event limit well above the SDK default of 128', () => {
    expect(resolve().spanLimits.eventCountLimit).toBeGreaterThan(128);
  });

  it('reads every setting from its variable', () => {
    expect(countsOf(resolve({}, COUNT_VARIABLES))).toEqual({
      eventCountLimit: 2048,
      attributeCountLimit: 64,
      maxQueueSize: 4000,
      maxExportBatchSize: 100,
      scheduledDelayMillis: 250,
      exportTimeoutMillis: 3000,
      maxRetainedSpans: 4000,
    });
    expect(diagSpy.warnings).toEqual([]);
  });

  it('lets explicit options win over every variable', () => {
    const config = resolve(
      {
        spanLimits: { eventCountLimit: 50, attributeCountLimit: 20 },
        maxQueueSize: 300,
        maxExportBatchSize: 30,
        scheduledDelayMillis: 10,
        exportTimeoutMillis: 700,
        maxRetainedSpans: 90,
        exitTimeoutMillis: 40,
        exitHooks: false,
      },
      { ...COUNT_VARIABLES, OTEL_EXPORTER_OTLP_TIMEOUT: '4000' },
    );
    expect(countsOf(config)).toEqual({
      eventCountLimit: 50,
      attributeCountLimit: 20,
      maxQueueSize: 300,
      maxExportBatchSize: 30,
      scheduledDelayMillis: 10,
      exportTimeoutMillis: 700,
      maxRetainedSpans: 90,
    });
    expect(config.exitTimeoutMillis).toBe(40);
    expect(config.exitHooks).toBe(false);
  });

  it('keeps the other explicit span limits and fills in the missing ones', () => {
    const config = resolve({
      spanLimits: { attributeValueLengthLimit: 100, linkCountLimit: 5 },
    });
    expect(config.spanLimits).toEqual({
      attributeValueLengthLimit: 100,
      linkCountLimit: 5,
      eventCountLimit: 1024,
      attributeCountLimit: 256,
    });
  });

  it('takes one explicit span limit and the other from its variable', () => {
    const config = resolve(
      { spanLimits: { eventCountLimit: 10 } },
      {
        OTEL_SPAN_EVENT_COUNT_LIMIT: '2048',
        OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '64',
      },
    );
    expect(config.spanLimits.eventCountLimit).toBe(10);
    expect(config.spanLimits.attributeCountLimit).toBe(64);
  });

  it('uses OTEL_ATTRIBUTE_COUNT_LIMIT when OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT is unset, and the span one over it', () => {
    expect(
      resolve({}, { OTEL_ATTRIBUTE_COUNT_LIMIT: '77' }).spanLimits
        .attributeCountLimit,
    ).toBe(77);
    expect(
      resolve(
        {},
        {
          OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '33',
          OTEL_ATTRIBUTE_COUNT_LIMIT: '77',
        },
      ).spanLimits.attributeCountLimit,
    ).toBe(33);
  });

  it('uses OTEL_ATTRIBUTE_COUNT_LIMIT when OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT is empty', () => {
    // The specification: an empty value is treated as unset.
    expect(
      resolve(
        {},
        {
          OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '',
          OTEL_ATTRIBUTE_COUNT_LIMIT: '77',
        },
      ).spanLimits.attributeCountLimit,
    ).toBe(77);
  });

  it('uses OTEL_EXPORTER_OTLP_TIMEOUT when the traces timeout is unset, and the traces one over it', () => {
    expect(
      resolve({}, { OTEL_EXPORTER_OTLP_TIMEOUT: '4000' }).exportTimeoutMillis,
    ).toBe(4000);
    expect(
      resolve(
        {},
        {
          OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '3000',
          OTEL_EXPORTER_OTLP_TIMEOUT: '4000',
        },
      ).exportTimeoutMillis,
    ).toBe(3000);
  });

  it('uses OTEL_EXPORTER_OTLP_TIMEOUT when the traces timeout is empty', () => {
    // The specification: an empty value is treated as unset.
    expect(
      resolve(
        {},
        {
          OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '',
          OTEL_EXPORTER_OTLP_TIMEOUT: '4000',
        },
      ).exportTimeoutMillis,
    ).toBe(4000);
  });

  it('uses OTEL_EXPORTER_OTLP_TIMEOUT when the traces timeout is invalid, with a warning', () => {
    // The specification: an invalid value is ignored, i.e. treated as unset.
    const config = resolve(
      {},
      {
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: 'soon',
        OTEL_EXPORTER_OTLP_TIMEOUT: '4000',
      },
    );
    expect(config.exportTimeoutMillis).toBe(4000);
    expect(diagSpy.warnings).toHaveLength(1);
  });

  it('caps the default batch size at a smaller queue size from the variable', () => {
    const config = resolve({}, { OTEL_BSP_MAX_QUEUE_SIZE: '100' });
    expect(config.maxQueueSize).toBe(100);
    expect(config.maxExportBatchSize).toBe(100);
    expect(config.maxRetainedSpans).toBe(100);
  });

  it('caps an explicit batch size at the queue size', () => {
    const config = resolve({ maxQueueSize: 200, maxExportBatchSize: 1000 });
    expect(config.maxExportBatchSize).toBe(200);
  });

  it('caps a batch size from its variable at the default queue size', () => {
    const config = resolve({}, { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10000' });
    expect(config.maxQueueSize).toBe(8192);
    expect(config.maxExportBatchSize).toBe(8192);
  });

  it('keeps the batch size when it is below the queue size', () => {
    const config = resolve({ maxQueueSize: 200, maxExportBatchSize: 50 });
    expect(config.maxExportBatchSize).toBe(50);
  });

  it('defaults the retained spans to an explicit queue size', () => {
    expect(resolve({ maxQueueSize: 321 }).maxRetainedSpans).toBe(321);
  });

  it('reads numbers with surrounding whitespace', () => {
    expect(
      resolve({}, { OTEL_BSP_SCHEDULE_DELAY: ' 250 ' }).scheduledDelayMillis,
    ).toBe(250);
    expect(diagSpy.warnings).toEqual([]);
  });

  it('treats empty number variables as unset, without a warning', () => {
    const config = resolve(
      {},
      {
        OTEL_SPAN_EVENT_COUNT_LIMIT: '',
        OTEL_BSP_MAX_QUEUE_SIZE: '  ',
        OTEL_BSP_SCHEDULE_DELAY: '',
      },
    );
    expect(config.spanLimits.eventCountLimit).toBe(1024);
    expect(config.maxQueueSize).toBe(8192);
    expect(config.scheduledDelayMillis).toBe(1000);
    expect(diagSpy.warnings).toEqual([]);
  });

  it.each([
    ['OTEL_SPAN_EVENT_COUNT_LIMIT', 'many'],
    ['OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', '-1'],
    ['OTEL_BSP_MAX_QUEUE_SIZE', '12.5'],
    ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE', '0'],
    ['OTEL_BSP_SCHEDULE_DELAY', 'NaN'],
    ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'Infinity'],
    ['OTEL_EXPORTER_OTLP_TIMEOUT', '10s'],
  ])(
    'ignores %s=%j, keeping the default, with a warning naming the value',
    (name, value) => {
      const config = resolve({}, { [name]: value });
      expect(config.spanLimits).toEqual({
        eventCountLimit: 1024,
        attributeCountLimit: 256,
      });
      expect(config.maxQueueSize).toBe(8192);
      expect(config.maxExportBatchSize).toBe(512);
      expect(config.scheduledDelayMillis).toBe(1000);
      expect(config.exportTimeoutMillis).toBe(10_000);
      expect(diagSpy.warnings).toHaveLength(1);
      expect(diagSpy.warnings[0]).toContain(JSON.stringify(value));
      expect(diagSpy.warnings[0]).toContain('expected an integer of at least');
    },
  );

  it('ignores an invalid variable only, keeping the valid ones', () => {
    const config = resolve(
      {},
      { OTEL_BSP_MAX_QUEUE_SIZE: 'x', OTEL_BSP_SCHEDULE_DELAY: '300' },
    );
    expect(config.maxQueueSize).toBe(8192);
    expect(config.scheduledDelayMillis).toBe(300);
    expect(diagSpy.warnings).toHaveLength(1);
  });
});

describe('resolveTracingConfig: OTEL_SDK_DISABLED', () => {
  it('is not disabled by default', () => {
    expect(resolve().disabled).toBe(false);
  });

  it.each(['true', 'TRUE', 'True', ' true '])('is disabled by %j', (value) => {
    expect(resolve({}, { OTEL_SDK_DISABLED: value }).disabled).toBe(true);
  });

  it.each(['false', '', '1', 'yes', 'on'])(
    'is not disabled by %j, as only true disables',
    (value) => {
      expect(resolve({}, { OTEL_SDK_DISABLED: value }).disabled).toBe(false);
    },
  );

  it('still resolves the rest of the configuration when disabled', () => {
    const config = resolve(
      {},
      { OTEL_SDK_DISABLED: 'true', OTEL_SERVICE_NAME: 'svc' },
    );
    expect(config.serviceName).toBe('svc');
    expect(config.endpoint).toBe(DEFAULT_TRACES_ENDPOINT);
  });
});

describe('resolveTracingConfig: sampler', () => {
  it('defaults to parentbased_always_on', () => {
    const sampler = resolve().sampler;
    expect(sampler).toBeInstanceOf(ParentBasedSampler);
    expect(rootDecision(sampler)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('reads OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG', () => {
    const sampler = resolve(
      {},
      { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' },
    ).sampler;
    expect(sampler).toBeInstanceOf(TraceIdRatioBasedSampler);
    expect(rootDecision(sampler)).toBe(SamplingDecision.NOT_RECORD);
  });

  it('uses the explicit sampler over OTEL_TRACES_SAMPLER', () => {
    const explicit = new AlwaysOffSampler();
    const config = resolve(
      { sampler: explicit },
      { OTEL_TRACES_SAMPLER: 'always_on' },
    );
    expect(config.sampler).toBe(explicit);
  });
});

describe('resolveTracingConfig: endpoints that are not http URLs', () => {
  it('ignores such a variable with a warning that names it and hides credentials', () => {
    const config = resolve(
      {},
      {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://alice:s3cret@:bad',
        OTEL_EXPORTER_OTLP_ENDPOINT: '127.0.0.1:4318',
      },
    );
    expect(config.endpoint).toBe(DEFAULT_TRACES_ENDPOINT);
    expect(diagSpy.warnings).toHaveLength(2);
    expect(diagSpy.warnings[0]).toContain('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
    expect(diagSpy.warnings[1]).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(diagSpy.warnings.join('\n')).not.toContain('s3cret');
  });

  it('throws for such an explicit endpoint, a set-up error', () => {
    expect(() => resolve({ endpoint: 'ftp://127.0.0.1/traces' })).toThrow(
      'setupTracing option endpoint: expected an http or https URL',
    );
  });

  it('appends /v1/traces to the path of a base URL, before its query', () => {
    expect(
      resolve(
        {},
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/otlp?tenant=a' },
      ).endpoint,
    ).toBe('http://127.0.0.1:4318/otlp/v1/traces?tenant=a');
  });
});

describe('redactUrl', () => {
  it('leaves out the user name, password and query string', () => {
    expect(
      redactUrl('http://alice:s3cret@127.0.0.1:9/v1/traces?token=abc'),
    ).toBe('http://127.0.0.1:9/v1/traces');
    expect(redactUrl('not a url')).toBe('[unparsable URL]');
  });
});

describe('resolveTracingConfig: protocol', () => {
  it('says that a protocol other than http/json is not obeyed', () => {
    resolve({}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(diagSpy.warnings).toEqual([
      'otel-execution-tracker OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported; traces are sent as http/json',
    ]);
  });

  it('heeds the traces variable over the general one, and is quiet for http/json', () => {
    resolve(
      {},
      {
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      },
    );
    resolve({}, { OTEL_EXPORTER_OTLP_PROTOCOL: ' ' });
    expect(diagSpy.warnings).toEqual([]);
    resolve({}, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' });
    expect(diagSpy.warnings).toHaveLength(1);
    expect(diagSpy.warnings[0]).toContain('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL');
  });
});

describe('resolveTracingConfig: headers from the environment', () => {
  it('leaves out, and counts, a header no request could carry', () => {
    const config = resolve(
      {},
      {
        OTEL_EXPORTER_OTLP_HEADERS:
          'authorization=Bearer%20s3cr3t%0Ax,x-tenant=acme',
      },
    );
    expect(config.headers).toEqual({ 'x-tenant': 'acme' });
    expect(diagSpy.warnings).toEqual([
      'otel-execution-tracker OTEL_EXPORTER_OTLP_HEADERS: 1 malformed entries were ignored',
    ]);
  });
});

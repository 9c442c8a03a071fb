import { basename, extname } from 'node:path';

import type { Attributes } from '@opentelemetry/api';
import type { Sampler, SpanLimits } from '@opentelemetry/sdk-trace-base';

import { logger } from '../internal/diag.js';
import { isSendableHeader } from './check-options.js';
import { parseKeyValueList } from './key-value-list.js';
import { samplerFromEnvironment } from './sampler.js';

/** The OTLP/HTTP endpoint used when nothing else names one. */
export const DEFAULT_TRACES_ENDPOINT = 'http://127.0.0.1:4318/v1/traces';

/** Options of {@link setupTracing}; each one beats its `OTEL_*` variable. */
export interface TracingOptions {
  /**
   * The `service.name` of the resource.
   * @default `OTEL_SERVICE_NAME`, else `service.name` in
   *   `OTEL_RESOURCE_ATTRIBUTES`, else the name of the main script
   */
  readonly serviceName?: string;
  /**
   * The service name to use when neither `serviceName` nor the
   * environment gives one: a tool's own name, say.
   * @default the name of the main script
   */
  readonly defaultServiceName?: string;
  /**
   * More resource attributes; they win over `OTEL_RESOURCE_ATTRIBUTES`.
   * @default {}
   */
  readonly resourceAttributes?: Attributes;
  /**
   * The full URL that traces are posted to, used as given.
   * @default `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given, else
   *   `OTEL_EXPORTER_OTLP_ENDPOINT` with `/v1/traces` appended, else
   *   `http://127.0.0.1:4318/v1/traces`
   */
  readonly endpoint?: string;
  /**
   * HTTP headers sent with every export, e.g. credentials. They win over
   * `OTEL_EXPORTER_OTLP_TRACES_HEADERS`, which wins over
   * `OTEL_EXPORTER_OTLP_HEADERS`. Never logged.
   * @default {}
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The sampler.
   * @default from `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`, else
   *   `parentbased_always_on`
   */
  readonly sampler?: Sampler;
  /**
   * Span limits. Flows emit many events, so the event limit is well above
   * the SDK's 128.
   * @default eventCountLimit 1024 (`OTEL_SPAN_EVENT_COUNT_LIMIT`),
   *   attributeCountLimit 256 (`OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`)
   */
  readonly spanLimits?: SpanLimits;
  /**
   * Spans the batch processor queues before it drops new ones.
   * @default 8192 (`OTEL_BSP_MAX_QUEUE_SIZE`)
   */
  readonly maxQueueSize?: number;
  /**
   * Spans per export request.
   * @default 512 (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`)
   */
  readonly maxExportBatchSize?: number;
  /**
   * Delay between two scheduled exports.
   * @default 1000 (`OTEL_BSP_SCHEDULE_DELAY`)
   */
  readonly scheduledDelayMillis?: number;
  /**
   * Time one export request may take, retries included.
   * @default 10000 (`OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`,
   *   `OTEL_EXPORTER_OTLP_TIMEOUT`)
   */
  readonly exportTimeoutMillis?: number;
  /**
   * Spans kept while the backend cannot take them, those waiting to be
   * sent and those waiting to be sent again alike; past it the oldest are
   * dropped, and counted. Up to two requests' worth more are in flight.
   * @default the queue size
   */
  readonly maxRetainedSpans?: number;
  /**
   * Time the exit hooks may spend flushing before the process goes on
   * exiting. After an uncaught exception the rest of the application keeps
   * running meanwhile, so a short time is safer there.
   * @default 5000
   */
  readonly exitTimeoutMillis?: number;
  /**
   * Whether `SIGTERM`, `SIGINT`, the end of the event loop and an uncaught
   * exception (or unhandled rejection) that nothing else listens for end
   * the open trackers and flush. After the exception, the process still
   * fails with it, as Node would have, once the flush is done.
   * @default true
   */
  readonly exitHooks?: boolean;
}

/** The options with the environment and the defaults applied. */
export interface TracingConfig {
  readonly disabled: boolean;
  readonly serviceName: string;
  readonly resourceAttributes: Attributes;
  readonly endpoint: string;
  readonly headers: Record<string, string>;
  readonly sampler: Sampler;
  readonly spanLimits: SpanLimits;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMillis: number;
  readonly exportTimeoutMillis: number;
  readonly maxRetainedSpans: number;
  readonly exitTimeoutMillis: number;
  readonly exitHooks: boolean;
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Resolves the options against the environment with the precedence of the
 * OpenTelemetry specification: an explicit option, then the
 * signal-specific variable, then the general one, then the default.
 */
export function resolveTracingConfig(
  options: TracingOptions,
  env: Environment,
  mainScript: string | undefined,
): TracingConfig {
  const resource = parseKeyValueList(env.OTEL_RESOURCE_ATTRIBUTES);
  if (resource.rejected > 0) {
    logger.warn(
      `OTEL_RESOURCE_ATTRIBUTES: ${resource.rejected} malformed entries were ignored`,
    );
  }
  const resourceAttributes: Attributes = Object.fromEntries(resource.entries);
  Object.assign(resourceAttributes, options.resourceAttributes);

  // Code beats the environment, and the specific beats the general.
  const explicitName = options.resourceAttributes?.['service.name'];
  const serviceName =
    nonEmpty(options.serviceName) ??
    (typeof explicitName === 'string' ? nonEmpty(explicitName) : undefined) ??
    nonEmpty(env.OTEL_SERVICE_NAME) ??
    nonEmpty(resource.entries.get('service.name')) ??
    nonEmpty(options.defaultServiceName) ??
    fallbackServiceName(mainScript);
  resourceAttributes['service.name'] = serviceName;

  warnOfProtocol(env);
  const queueSize = count(
    options.maxQueueSize,
    [['OTEL_BSP_MAX_QUEUE_SIZE', env.OTEL_BSP_MAX_QUEUE_SIZE]],
    8192,
  );
  return {
    disabled: env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true',
    serviceName,
    resourceAttributes,
    endpoint: resolveEndpoint(options.endpoint, env),
    headers: resolveHeaders(options.headers, env),
    sampler:
      options.sampler ??
      samplerFromEnvironment(
        env.OTEL_TRACES_SAMPLER,
        env.OTEL_TRACES_SAMPLER_ARG,
      ),
    spanLimits: {
      ...options.spanLimits,
      eventCountLimit: count(
        options.spanLimits?.eventCountLimit,
        [['OTEL_SPAN_EVENT_COUNT_LIMIT', env.OTEL_SPAN_EVENT_COUNT_LIMIT]],
        1024,
        0,
      ),
      attributeCountLimit: count(
        options.spanLimits?.attributeCountLimit,
        [
          [
            'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT',
            env.OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT,
          ],
          ['OTEL_ATTRIBUTE_COUNT_LIMIT', env.OTEL_ATTRIBUTE_COUNT_LIMIT],
        ],
        256,
        0,
      ),
    },
    maxQueueSize: queueSize,
    maxExportBatchSize: Math.min(
      queueSize,
      count(
        options.maxExportBatchSize,
        [
          [
            'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
            env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
          ],
        ],
        512,
      ),
    ),
    scheduledDelayMillis: count(
      options.scheduledDelayMillis,
      [['OTEL_BSP_SCHEDULE_DELAY', env.OTEL_BSP_SCHEDULE_DELAY]],
      1000,
    ),
    exportTimeoutMillis: count(
      options.exportTimeoutMillis,
      [
        [
          'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
          env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT,
        ],
        ['OTEL_EXPORTER_OTLP_TIMEOUT', env.OTEL_EXPORTER_OTLP_TIMEOUT],
      ],
      10_000,
    ),
    maxRetainedSpans: count(options.maxRetainedSpans, [], queueSize),
    exitTimeoutMillis: count(options.exitTimeoutMillis, [], 5000),
    exitHooks: options.exitHooks ?? true,
  };
}

/**
 * The URL that {@link setupTracing} would post traces to, given the same
 * `endpoint` option and this process's `OTEL_*` variables: to check that
 * something listens there before a run, or to say where a run went.
 *
 * @example
 * const url = tracesEndpoint(); // 'http://127.0.0.1:4318/v1/traces' by default
 */
export function tracesEndpoint(endpoint?: string): string {
  return resolveEndpoint(endpoint, process.env);
}

/**
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` and an explicit endpoint are full
 * URLs; `OTEL_EXPORTER_OTLP_ENDPOINT` is a base that gets the signal's
 * path, once: a base that already ends in it is not given it twice. A
 * variable that is not an http(s) URL counts as unset, with a warning; an
 * explicit endpoint that is not one is a set-up error.
 */
function resolveEndpoint(
  explicit: string | undefined,
  env: Environment,
): string {
  if (explicit !== undefined) {
    if (parseHttpUrl(explicit) === undefined) {
      throw new TypeError(
        `setupTracing option endpoint: expected an http or https URL, received ${JSON.stringify(redactUrl(explicit))}`,
      );
    }
    return explicit;
  }

  // Used as given, not as the URL parser would normalise it.
  const full = usableUrl(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (full !== undefined)
    return nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ?? full.href;
  const base = usableUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (base === undefined) return DEFAULT_TRACES_ENDPOINT;
  const path = base.pathname.replace(/\/+$/, '');
  base.pathname = path.endsWith('/v1/traces') ? path : `${path}/v1/traces`;
  return base.href;
}

function usableUrl(env: Environment, name: string): URL | undefined {
  const value = nonEmpty(env[name]);
  if (value === undefined) return undefined;
  const url = parseHttpUrl(value);
  if (url === undefined) {
    logger.warn(
      `${name}: ${JSON.stringify(redactUrl(value))} is not an http or https URL; ignoring it`,
    );
  }
  return url;
}

function parseHttpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:'
      ? url
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A URL as it may be logged: without the user name, password and query
 * string, which can hold credentials.
 */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    url.username = '';
    url.password = '';
    url.search = '';
    return url.href;
  } catch {
    return '[unparsable URL]';
  }
}

function resolveHeaders(
  explicit: Readonly<Record<string, string>> | undefined,
  env: Environment,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of [
    'OTEL_EXPORTER_OTLP_HEADERS',
    'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  ]) {
    const parsed = parseKeyValueList(env[name]);
    let rejected = parsed.rejected;
    for (const [key, value] of parsed.entries) {
      // One that no request can carry would fail every request.
      if (isSendableHeader(key, value)) headers[key] = value;
      else rejected++;
    }
    if (rejected > 0) {
      // The count only: a header value may be a credential.
      logger.warn(`${name}: ${rejected} malformed entries were ignored`);
    }
  }
  return Object.assign(headers, explicit);
}

/**
 * An explicit number, else the first of the variables that holds a valid
 * one (an empty or invalid variable counts as unset, with a warning for
 * the invalid), else the default.
 */
function count(
  explicit: number | undefined,
  fromEnv: readonly (readonly [string, string | undefined])[],
  fallback: number,
  minimum = 1,
): number {
  if (explicit !== undefined) return explicit;
  for (const [name, raw] of fromEnv) {
    const value = nonEmpty(raw);
    if (value === undefined) continue;
    const parsed = Number(value);
    if (Number.isInteger(parsed) && parsed >= minimum) return parsed;
    logger.warn(
      `${name}: ignoring ${JSON.stringify(value)}: expected an integer of at least ${minimum}`,
    );
  }
  return fallback;
}

/**
 * The set-up sends OTLP over HTTP as JSON, the one encoding every
 * collector and Jaeger accepts with no extra dependency. A variable that
 * asks for another is not obeyed, and says so, rather than being ignored.
 */
function warnOfProtocol(env: Environment): void {
  for (const name of [
    'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    'OTEL_EXPORTER_OTLP_PROTOCOL',
  ] as const) {
    const value = nonEmpty(env[name]);
    if (value === undefined) continue;
    if (value !== 'http/json') {
      logger.warn(
        `${name}: ${JSON.stringify(value)} is not supported; traces are sent as http/json`,
      );
    }
    // The specific variable, when set, is the one that counts.
    return;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * A service name that is never `unknown_service`: the main script's name
 * (`nightly-import` for `node nightly-import.js`).
 */
function fallbackServiceName(mainScript: string | undefined): string {
  if (mainScript === undefined || mainScript === '') return 'flow-engine';
  const name = basename(mainScript, extname(mainScript));
  return name === '' ? 'flow-engine' : name;
}

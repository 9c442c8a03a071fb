import { randomUUID } from 'node:crypto';

import {
  trace,
  type Context,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';

import { describeValue } from '../internal/values.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../version.js';

/** Default for {@link ExecutionTrackerOptions.maxExecutionsPerRoutine}. */
export const DEFAULT_MAX_EXECUTIONS_PER_ROUTINE = 10_000;
/** Default for {@link ExecutionTrackerOptions.maxEvents}. */
export const DEFAULT_MAX_EVENTS = 100_000;
/** Default for {@link ExecutionTrackerOptions.maxAttributeLength}. */
export const DEFAULT_MAX_ATTRIBUTE_LENGTH = 4096;

/** How an {@link ExecutionTracker} records and exports a flow run. */
export interface ExecutionTrackerOptions {
  /**
   * The flow run's id: the `flow_id` of its records and the name of its
   * root span, `flow <flowId>`.
   * @default a random UUID
   */
  readonly flowId?: string;
  /**
   * The tracer that starts the run's spans.
   * @default the global tracer named `otel-execution-tracker`
   */
  readonly tracer?: Tracer;
  /**
   * The context whose span becomes the parent of the run's root span, for
   * example one extracted from an incoming W3C `traceparent`.
   * @default the context active when the run records its first call
   */
  readonly parentContext?: Context;
  /**
   * Execution records kept per routine; past it the records that finished
   * first are dropped. `Infinity` keeps all. The aggregates count every
   * record either way.
   * @default 10000
   */
  readonly maxExecutionsPerRoutine?: number;
  /**
   * Event records kept; past it the oldest are dropped. `Infinity` keeps
   * all.
   * @default 100000
   */
  readonly maxEvents?: number;
  /**
   * Whether params become `flow.routine.params.<key>` span attributes.
   * @default true
   */
  readonly captureParams?: boolean;
  /**
   * Whether results become `flow.routine.result` span attributes.
   * @default true
   */
  readonly captureResults?: boolean;
  /**
   * Whether event data becomes `flow.event.data.<key>` attributes.
   * @default true
   */
  readonly captureEventData?: boolean;
  /**
   * Key names (compared without regard to case) or patterns whose values
   * are exported as `[REDACTED]`, in addition to the built-in list of
   * secret-looking keys. The in-process records keep the raw values.
   * @default []
   */
  readonly redactKeys?: readonly (string | RegExp)[];
  /**
   * Exported strings are cut to this many characters.
   * @default 4096
   */
  readonly maxAttributeLength?: number;
}

const OPTION_NAMES: ReadonlySet<string> = new Set([
  'flowId',
  'tracer',
  'parentContext',
  'maxExecutionsPerRoutine',
  'maxEvents',
  'captureParams',
  'captureResults',
  'captureEventData',
  'redactKeys',
  'maxAttributeLength',
]);

/** The options with every default applied. */
export interface ResolvedOptions {
  readonly flowId: string;
  readonly tracer: Tracer;
  /**
   * The global provider the default tracer came from; undefined for a
   * tracer passed in.
   */
  readonly defaultTracerProvider: TracerProvider | undefined;
  readonly parentContext: Context | undefined;
  readonly maxExecutionsPerRoutine: number;
  readonly maxEvents: number;
  readonly captureParams: boolean;
  readonly captureResults: boolean;
  readonly captureEventData: boolean;
  readonly redactKeys: readonly (string | RegExp)[];
  readonly maxAttributeLength: number;
}

/**
 * Checks the constructor's argument and fills in the defaults. This is the
 * one place where the tracker throws: a wrong option is a programming
 * error that should fail at start-up, not a fault of the running flow.
 */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (input === undefined || typeof input === 'string') {
    return resolveOptions({ flowId: input });
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError(
      `ExecutionTracker: expected a flow id string or an options object, received ${describeValue(input)}`,
    );
  }
  const options = input as Record<string, unknown>;
  for (const name of Object.keys(options)) {
    // A misspelt option would otherwise be a silent default.
    if (!OPTION_NAMES.has(name)) {
      throw new TypeError(
        `ExecutionTracker: unknown option ${JSON.stringify(name)}; the options are ${[...OPTION_NAMES].join(', ')}`,
      );
    }
  }

  const { tracer, provider } = chooseTracer(options);
  return {
    flowId: optionalString(options, 'flowId') ?? randomUUID(),
    tracer,
    defaultTracerProvider: provider,
    parentContext: optionalContext(options),
    maxExecutionsPerRoutine: limit(
      options,
      'maxExecutionsPerRoutine',
      DEFAULT_MAX_EXECUTIONS_PER_ROUTINE,
      0,
    ),
    maxEvents: limit(options, 'maxEvents', DEFAULT_MAX_EVENTS, 0),
    captureParams: flag(options, 'captureParams'),
    captureResults: flag(options, 'captureResults'),
    captureEventData: flag(options, 'captureEventData'),
    redactKeys: redactKeys(options),
    maxAttributeLength: limit(
      options,
      'maxAttributeLength',
      DEFAULT_MAX_ATTRIBUTE_LENGTH,
      1,
    ),
  };
}

function optionalString(
  options: Record<string, unknown>,
  name: string,
): string | undefined {
  const value = options[name];
  if (value === undefined || typeof value === 'string') return value;
  throw invalid(name, 'a string', value);
}

function optionalTracer(options: Record<string, unknown>): Tracer | undefined {
  const value = options.tracer;
  if (value === undefined) return undefined;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<Tracer>).startSpan === 'function'
  ) {
    return value as Tracer;
  }
  throw invalid('tracer', 'an OpenTelemetry Tracer', value);
}

function optionalContext(
  options: Record<string, unknown>,
): Context | undefined {
  const value = options.parentContext;
  if (value === undefined) return undefined;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<Context>).getValue === 'function'
  ) {
    return value as Context;
  }
  throw invalid('parentContext', 'an OpenTelemetry Context', value);
}

function limit(
  options: Record<string, unknown>,
  name: string,
  fallback: number,
  minimum: number,
): number {
  const value = options[name];
  if (value === undefined) return fallback;
  const valid =
    typeof value === 'number' &&
    value >= minimum &&
    (Number.isInteger(value) || value === Infinity);
  if (valid) return value;
  throw invalid(
    name,
    `an integer of at least ${minimum}, or Infinity`,
    value,
    typeof value === 'number' ? RangeError : TypeError,
  );
}

function flag(options: Record<string, unknown>, name: string): boolean {
  const value = options[name];
  if (value === undefined) return true;
  if (typeof value === 'boolean') return value;
  throw invalid(name, 'a boolean', value);
}

function redactKeys(
  options: Record<string, unknown>,
): readonly (string | RegExp)[] {
  const value = options.redactKeys;
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw invalid('redactKeys', 'an array of strings and RegExps', value);
  }
  const items = value as unknown[];
  items.forEach((item, index) => {
    if (typeof item !== 'string' && !(item instanceof RegExp)) {
      throw invalid(`redactKeys[${index}]`, 'a string or a RegExp', item);
    }
  });
  return [...(items as (string | RegExp)[])];
}

function invalid(
  name: string,
  expected: string,
  received: unknown,
  ErrorClass: new (message: string) => Error = TypeError,
): Error {
  return new ErrorClass(
    `ExecutionTracker option ${name}: expected ${expected}, received ${describeValue(received)}`,
  );
}

/**
 * The tracer given, or the default one with the global provider it came
 * from: that provider's tracers make spans once an SDK registers with it.
 */
function chooseTracer(options: Record<string, unknown>): {
  tracer: Tracer;
  provider: TracerProvider | undefined;
} {
  const given = optionalTracer(options);
  if (given !== undefined) return { tracer: given, provider: undefined };
  const provider = trace.getTracerProvider();
  return {
    tracer: provider.getTracer(PACKAGE_NAME, PACKAGE_VERSION),
    provider,
  };
}

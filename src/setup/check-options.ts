import type { TracingOptions } from './config.js';

/** Each whole-number option and the least value it takes. */
const COUNTS: Readonly<Record<string, number>> = {
  maxQueueSize: 1,
  maxExportBatchSize: 1,
  scheduledDelayMillis: 0,
  exportTimeoutMillis: 1,
  maxRetainedSpans: 1,
  exitTimeoutMillis: 0,
};

const STRINGS = ['serviceName', 'defaultServiceName', 'endpoint'] as const;

const OPTION_NAMES: ReadonlySet<string> = new Set([
  ...Object.keys(COUNTS),
  ...STRINGS,
  'resourceAttributes',
  'headers',
  'sampler',
  'spanLimits',
  'exitHooks',
]);

/**
 * Checks the options given in code. A variable from the environment that
 * makes no sense is ignored with a warning, since the operator may fix it
 * without touching the code; an option in code that makes none is a
 * programming error, thrown at once and naming the option: taken as it
 * is, a `NaN` queue size or a sampler with no `shouldSample` would have
 * the set-up export nothing, and `shutdown()` never settle.
 *
 * @throws TypeError or RangeError naming the first bad option
 */
export function checkTracingOptions(options: unknown): TracingOptions {
  if (options === undefined) return {};
  if (
    typeof options !== 'object' ||
    options === null ||
    Array.isArray(options)
  ) {
    throw new TypeError(
      `setupTracing: expected an options object, received ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`,
    );
  }
  const given = options as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (!OPTION_NAMES.has(name)) {
      throw new TypeError(
        `setupTracing: unknown option ${JSON.stringify(name)}; the options are ${[...OPTION_NAMES].join(', ')}`,
      );
    }
  }
  for (const [name, minimum] of Object.entries(COUNTS)) {
    checkCount(`option ${name}`, given[name], minimum);
  }
  for (const name of STRINGS) {
    const value = given[name];
    if (value !== undefined && typeof value !== 'string') {
      throw new TypeError(
        `setupTracing option ${name}: expected a string, received ${typeof value}`,
      );
    }
  }
  if (given.exitHooks !== undefined && typeof given.exitHooks !== 'boolean') {
    throw new TypeError(
      `setupTracing option exitHooks: expected true or false, received ${typeof given.exitHooks}`,
    );
  }
  checkSampler(given.sampler);
  checkStringRecord('headers', given.headers);
  checkObject('resourceAttributes', given.resourceAttributes);
  checkObject('spanLimits', given.spanLimits);
  const limits = given.spanLimits as Record<string, unknown> | undefined;
  for (const name of ['eventCountLimit', 'attributeCountLimit']) {
    checkCount(`option spanLimits.${name}`, limits?.[name], 0);
  }
  return given;
}

function checkCount(what: string, value: unknown, minimum: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number') {
    throw new TypeError(
      `setupTracing ${what}: expected a number, received ${typeof value}`,
    );
  }
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new RangeError(
      `setupTracing ${what}: expected a whole number of at least ${minimum}, received ${String(value)}`,
    );
  }
}

function checkSampler(sampler: unknown): void {
  if (sampler === undefined) return;
  if (
    typeof sampler !== 'object' ||
    sampler === null ||
    typeof (sampler as { shouldSample?: unknown }).shouldSample !== 'function'
  ) {
    throw new TypeError(
      'setupTracing option sampler: expected a Sampler, an object with a shouldSample method',
    );
  }
}

function checkObject(name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(
      `setupTracing option ${name}: expected an object, received ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
}

function checkStringRecord(name: string, value: unknown): void {
  checkObject(name, value);
  if (value === undefined) return;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item !== 'string') {
      // The key, not the value: header values are often credentials.
      throw new TypeError(
        `setupTracing option ${name}: the value of ${JSON.stringify(key)} must be a string, received ${typeof item}`,
      );
    }
  }
}

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
  checkPlainObject('setupTracing: expected an options object', options);
  const given = options as Record<string, unknown>;
  // Every own name, so that an option defined as not enumerable is still
  // seen: one that is not read must not pass for one that is.
  for (const name of Object.getOwnPropertyNames(given)) {
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
  checkHeaders(given.headers);
  if (given.resourceAttributes !== undefined) {
    checkPlainObject(
      'setupTracing option resourceAttributes: expected an object',
      given.resourceAttributes,
    );
  }
  checkSpanLimits(given.spanLimits);
  return given;
}

/** The SDK's span limits; each a whole number of at least 0. */
const SPAN_LIMITS: ReadonlySet<string> = new Set([
  'attributeValueLengthLimit',
  'attributeCountLimit',
  'linkCountLimit',
  'eventCountLimit',
  'attributePerEventCountLimit',
  'attributePerLinkCountLimit',
]);

function checkSpanLimits(limits: unknown): void {
  if (limits === undefined) return;
  checkPlainObject(
    'setupTracing option spanLimits: expected an object',
    limits,
  );
  for (const [name, value] of Object.entries(limits as object)) {
    if (!SPAN_LIMITS.has(name)) {
      throw new TypeError(
        `setupTracing option spanLimits: unknown limit ${JSON.stringify(name)}; the limits are ${[...SPAN_LIMITS].join(', ')}`,
      );
    }
    // The SDK takes no bound as Infinity; NaN would cut every string to ''.
    if (value === Infinity || value === undefined) continue;
    checkCount(`option spanLimits.${name}`, value, 0);
  }
}

/**
 * Header names and values as the request will carry them: a plain object
 * of strings (a Map or a fetch `Headers` has no own entries, and would
 * send none), with values an HTTP request can hold. A value with a line
 * break would make every request fail before it left the process.
 */
function checkHeaders(headers: unknown): void {
  if (headers === undefined) return;
  checkPlainObject(
    'setupTracing option headers: expected a plain object of header names and values',
    headers,
  );
  for (const [key, item] of Object.entries(headers as object)) {
    // The name, never the value: header values are often credentials.
    if (typeof item !== 'string') {
      throw new TypeError(
        `setupTracing option headers: the value of ${JSON.stringify(key)} must be a string, received ${typeof item}`,
      );
    }
    if (!HEADER_NAME.test(key)) {
      throw new TypeError(
        `setupTracing option headers: ${JSON.stringify(key)} is not a valid header name`,
      );
    }
    if (!HEADER_VALUE.test(item)) {
      throw new TypeError(
        `setupTracing option headers: the value of ${JSON.stringify(key)} holds a character a header cannot carry (a line break or another control character)`,
      );
    }
  }
}

/** Whether a request can carry the header `name: value` as it is. */
export function isSendableHeader(name: string, value: string): boolean {
  return HEADER_NAME.test(name) && HEADER_VALUE.test(value);
}

/** An HTTP token, as a header name must be. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Visible characters, spaces and tabs, as a header value may hold. */
const HEADER_VALUE = /^[\t\u0020-\u007e\u0080-\u00ff]*$/;

/**
 * An object whose own entries are what it holds: not null, an array, a
 * Map, a Set, a fetch `Headers` or a primitive. Class instances with their
 * own fields pass.
 */
function checkPlainObject(message: string, value: unknown): void {
  let kind: string | undefined;
  if (value === null) kind = 'null';
  else if (Array.isArray(value)) kind = 'an array';
  else if (value instanceof Map) kind = 'a Map';
  else if (value instanceof Set) kind = 'a Set';
  else if (typeof value !== 'object') kind = typeof value;
  else if (typeof (value as { entries?: unknown }).entries === 'function') {
    kind = 'an object that keeps its entries behind entries()';
  }
  if (kind !== undefined) throw new TypeError(`${message}, received ${kind}`);
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

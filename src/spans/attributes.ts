import type { AttributeValue, Attributes } from '@opentelemetry/api';

import { toJsonValue } from '../format/json-value.js';
import { cutString, readText, safeString } from '../internal/values.js';
import { REDACTED, type KeyRedactor } from './redaction.js';

/** Levels of nested objects flattened into dotted keys. */
export const MAX_FLATTEN_DEPTH = 4;
/**
 * Attributes one captured value may produce; the rest are dropped. Params
 * and result together, with the tracker's own attributes, stay within the
 * SDK's default limit of 128 per span, which would otherwise drop the
 * status written last.
 */
export const MAX_ATTRIBUTES_PER_VALUE = 60;
/** Elements kept of an array attribute; the rest are cut. */
export const MAX_ARRAY_LENGTH = 128;

/** How captured values become attributes. */
export interface AttributeLimits {
  /** Strings, and the text of converted values, are cut to this length. */
  readonly maxAttributeLength: number;
  /** Which keys are secret. */
  readonly redactor: KeyRedactor;
}

/** What converting values had to cut or leave out, added up. */
export interface ConversionTally {
  /** Strings and arrays cut to their limit. */
  truncated: number;
  /** Values that could not be exported at all. */
  dropped: number;
}

/**
 * Writes `value` into `out` as OpenTelemetry attributes under `prefix`.
 * Objects flatten into dotted keys; arrays of one primitive type stay
 * arrays; everything else becomes a string or is left out, always the same
 * way for the same input. Secret-looking keys are written as
 * `[REDACTED]`. Nothing here throws, whatever `value` is: getters that
 * throw, Proxies and circular structures included.
 */
export function addValueAttributes(
  out: Attributes,
  prefix: string,
  value: unknown,
  limits: AttributeLimits,
  tally: ConversionTally,
): void {
  if (typeof value === 'object' && value !== null) {
    addRecordAttributes(out, prefix, value, limits, tally);
  } else {
    flattenValueAttributes(out, prefix, value, limits, tally);
  }
}

/**
 * {@link addValueAttributes} the general way, for any value, with no fast
 * path: what the fast path for plain objects must give exactly.
 */
export function flattenValueAttributes(
  out: Attributes,
  prefix: string,
  value: unknown,
  limits: AttributeLimits,
  tally: ConversionTally,
): void {
  new Flattener(out, limits, tally, prefix.length).write(prefix, value, 0);
}

/**
 * {@link addValueAttributes} for an object. Params, results and event data
 * are nearly always plain objects: their keys holding strings, numbers and
 * booleans are written here, with no flattener and no list of ancestors,
 * and a flattener is made only for a child that needs one. The attributes
 * are the same either way.
 */
function addRecordAttributes(
  out: Attributes,
  prefix: string,
  value: object,
  limits: AttributeLimits,
  tally: ConversionTally,
): void {
  let keys: string[];
  try {
    if (
      Array.isArray(value) ||
      Object.getPrototypeOf(value) !== Object.prototype
    ) {
      flattenValueAttributes(out, prefix, value, limits, tally);
      return;
    }
    keys = Object.keys(value);
  } catch {
    // A revoked Proxy, or one whose getPrototypeOf or ownKeys trap throws.
    tally.dropped++;
    return;
  }

  const max = limits.maxAttributeLength;
  const known = childKeysOf(prefix);
  let written = 0;
  let flattener: Flattener | undefined;
  for (const name of keys) {
    if (written >= MAX_ATTRIBUTES_PER_VALUE) {
      tally.dropped++;
      continue;
    }
    const cutName = name.length <= max ? name : cutCounted(name, max, tally);
    const childKey = dottedKey(known, prefix, cutName);
    let child: unknown;
    if (limits.redactor.isSecret(name)) {
      child = REDACTED;
    } else {
      try {
        child = (value as Record<string, unknown>)[name];
      } catch {
        // A getter or Proxy trap that throws.
        tally.dropped++;
        continue;
      }
    }
    switch (typeof child) {
      case 'undefined':
        continue;
      case 'string':
        out[childKey] =
          child.length <= max ? child : cutCounted(child, max, tally);
        written++;
        continue;
      case 'boolean':
        out[childKey] = child;
        written++;
        continue;
      case 'number':
        if (isExportableNumber(child)) {
          out[childKey] = child;
          written++;
          continue;
        }
        break;
      case 'object':
        if (child === null) continue;
        break;
    }
    flattener ??= new Flattener(out, limits, tally, prefix.length, value);
    flattener.written = written;
    flattener.write(childKey, child, 1);
    written = flattener.written;
  }
}

/** `text` cut to `max`, counted as cut. */
function cutCounted(text: string, max: number, tally: ConversionTally): string {
  tally.truncated++;
  return cutString(text, max);
}

class Flattener {
  /** Attributes written so far, out of MAX_ATTRIBUTES_PER_VALUE. */
  written = 0;
  // The objects on the path from the top value to the one being written,
  // never more than MAX_FLATTEN_DEPTH + 1: meeting one again means a
  // cycle. At that size an array beats a Set, and it gives the caller's
  // objects no identity hash.
  private readonly _ancestors: object[];
  // Values that JSON text may visit, over the whole captured value: text is
  // cut to maxAttributeLength, and each value takes at least a character,
  // so visiting more is wasted work (and a shared-reference graph or a
  // sparse array would make it unbounded). Made when first needed.
  private _jsonBudget: { remaining: number } | undefined;

  /** @param top the top value, when its children are written one by one */
  constructor(
    private readonly _out: Attributes,
    private readonly _limits: AttributeLimits,
    private readonly _tally: ConversionTally,
    private readonly _prefixLength: number,
    top?: object,
  ) {
    this._ancestors = top === undefined ? [] : [top];
  }

  write(key: string, value: unknown, depth: number): void {
    switch (typeof value) {
      case 'undefined':
        return;
      case 'string':
        this._put(key, this._cut(value));
        return;
      case 'number':
        this._put(
          key,
          isExportableNumber(value) ? value : this._cut(String(value)),
        );
        return;
      case 'boolean':
        this._put(key, value);
        return;
      case 'bigint':
      case 'symbol':
        this._put(key, this._cut(value.toString()));
        return;
      case 'function':
        this._tally.dropped++;
        return;
      case 'object':
        if (value === null) return;
        try {
          this._writeObject(key, value, depth);
        } catch {
          // A Proxy around a Date or Map, a revoked Proxy, a throwing trap:
          // whatever was written before the throw stays.
          this._tally.dropped++;
        }
        return;
    }
  }

  private _writeObject(key: string, value: object, depth: number): void {
    if (Array.isArray(value)) {
      this._writeArray(key, value);
      return;
    }
    // Plain objects are what engines pass nearly always: none of the
    // special kinds below has this prototype, so their checks are skipped.
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      if (value instanceof Date) {
        const time = value.getTime();
        this._put(
          key,
          this._cut(Number.isNaN(time) ? 'Invalid Date' : value.toISOString()),
        );
        return;
      }
      if (value instanceof Error) {
        const name = readText(() => value.name);
        const message = readText(() => value.message);
        this._put(key, this._cut(`${name}: ${message}`));
        return;
      }
      if (ArrayBuffer.isView(value)) {
        this._writeTypedArray(key, value);
        return;
      }
      if (value instanceof Set) {
        this._writeArray(key, [...(value as Set<unknown>)]);
        return;
      }
    }
    if (this._ancestors.includes(value)) {
      this._put(key, this._cut('[Circular]'));
      this._tally.dropped++;
    } else if (depth >= MAX_FLATTEN_DEPTH) {
      this._put(key, this._jsonText(key, value));
    } else {
      this._ancestors.push(value);
      try {
        if (value instanceof Map) this._writeMap(key, value, depth);
        else this._writeRecord(key, value, depth);
      } finally {
        this._ancestors.pop();
      }
    }
  }

  private _writeRecord(key: string, value: object, depth: number): void {
    let keys: string[];
    try {
      // Symbol keys are left out, as JSON leaves them, and not counted:
      // they hold a library's bookkeeping rather than data, and listing
      // them would cost as much as the rest of a small object's export.
      keys = Object.keys(value);
    } catch {
      // A Proxy whose ownKeys trap throws.
      this._tally.dropped++;
      return;
    }
    const known = childKeysOf(key);
    for (const name of keys) {
      if (this.written >= MAX_ATTRIBUTES_PER_VALUE) {
        this._tally.dropped++;
        continue;
      }
      // A key is cut like any exported string, so that a huge key cannot
      // make a huge attribute name.
      const childKey = dottedKey(known, key, this._cut(name));
      if (this._isSecret(name, childKey, depth)) {
        this._put(childKey, this._cut(REDACTED));
        continue;
      }
      let child: unknown;
      try {
        child = (value as Record<string, unknown>)[name];
      } catch {
        // A getter or Proxy trap that throws.
        this._tally.dropped++;
        continue;
      }
      this.write(childKey, child, depth + 1);
    }
  }

  private _writeMap(
    key: string,
    value: Map<unknown, unknown>,
    depth: number,
  ): void {
    const known = childKeysOf(key);
    for (const [mapKey, mapValue] of value) {
      const name = typeof mapKey === 'string' ? mapKey : safeString(mapKey);
      const childKey = dottedKey(known, key, this._cut(name));
      if (this._isSecret(name, childKey, depth)) {
        this._put(childKey, this._cut(REDACTED));
      } else {
        this.write(childKey, mapValue, depth + 1);
      }
    }
  }

  /**
   * Secret by its own name, or by the name it is exported under:
   * `{ api: { key } }` becomes the attribute `<prefix>.api.key`. A key of
   * the top level is exported under its own name.
   */
  private _isSecret(name: string, key: string, depth: number): boolean {
    const { redactor } = this._limits;
    return (
      redactor.isSecret(name) ||
      (depth > 0 && redactor.isSecret(this._path(key)))
    );
  }

  private _writeArray(key: string, value: readonly unknown[]): void {
    // Read each kept element once: a getter could answer differently on a
    // second read, and a sparse array's length says nothing of its cost.
    const length = value.length;
    const kept = Math.min(length, MAX_ARRAY_LENGTH);
    const items: unknown[] = [];
    let holes = false;
    for (let i = 0; i < kept; i++) {
      if (!(i in value)) holes = true;
      items.push(value[i]);
    }
    const kind = holes ? undefined : homogeneousKind(items);
    if (kind === undefined) {
      this._put(key, this._jsonText(key, value));
      return;
    }

    if (length > kept) this._tally.truncated++;
    if (kind === 'string') {
      this._put(
        key,
        (items as string[]).map((item) => this._cut(item)),
      );
    } else {
      this._put(key, items as AttributeValue);
    }
  }

  private _writeTypedArray(key: string, value: ArrayBufferView): void {
    if (value instanceof DataView) {
      this._tally.dropped++;
      return;
    }
    // Copy no more than an attribute may hold; a float array with NaN in it
    // then takes the same path as a plain one.
    const view = value as unknown as ArrayLike<number | bigint>;
    const length = Math.min(view.length, MAX_ARRAY_LENGTH);
    if (view.length > length) this._tally.truncated++;
    const items: (number | string)[] = [];
    for (let i = 0; i < length; i++) {
      const item = view[i] ?? 0;
      items.push(typeof item === 'bigint' ? item.toString() : item);
    }
    this._writeArray(key, items);
  }

  private _budget(): { remaining: number } {
    this._jsonBudget ??= {
      remaining: Math.min(this._limits.maxAttributeLength, 65_536) * 4,
    };
    return this._jsonBudget;
  }

  private _put(key: string, value: AttributeValue): void {
    if (this.written >= MAX_ATTRIBUTES_PER_VALUE) {
      this._tally.dropped++;
      return;
    }
    this._out[key] = value;
    this.written++;
  }

  private _cut(text: string): string {
    const max = this._limits.maxAttributeLength;
    if (text.length <= max) return text;
    this._tally.truncated++;
    return cutString(text, max);
  }

  /** The dotted path of an attribute key below the prefix. */
  /** The key below the prefix: what a nested value is exported as. */
  private _path(key: string): string {
    return pathBelow(key, this._prefixLength);
  }

  /** JSON text of a value, counted once if anything in it was cut short. */
  private _jsonText(key: string, value: unknown): string {
    const seen = { cut: false };
    const text = toJsonText(
      value,
      this._path(key),
      this._limits,
      this._budget(),
      () => {
        seen.cut = true;
      },
    );
    if (text.length > this._limits.maxAttributeLength) return this._cut(text);
    if (seen.cut) this._tally.truncated++;
    return text;
  }
}

/** Dotted keys remembered, and the longest name remembered in one. */
const MAX_CACHED_KEYS = 8192;
const MAX_CACHED_NAME_LENGTH = 256;
const dottedKeys = new Map<string, Map<string, string>>();
let cachedKeyCount = 0;

/**
 * The dotted keys of the children of `prefix`: `prefix.name` by `name`,
 * the same string object each time. Flows pass the same few keys over and
 * over, and an attribute object is built much faster with keys the engine
 * has already seen as property names than with a fresh concatenation,
 * which it must look up in its string table on every store (measured: a
 * third of the time of a span with ten params). Bounded, so that a flow
 * inventing keys costs only the concatenation.
 */
function childKeysOf(prefix: string): Map<string, string> | undefined {
  const known = dottedKeys.get(prefix);
  if (known !== undefined || cachedKeyCount >= MAX_CACHED_KEYS) return known;
  const made = new Map<string, string>();
  dottedKeys.set(prefix, made);
  cachedKeyCount++;
  return made;
}

/** `prefix.name`, remembered in `known` (from {@link childKeysOf}). */
function dottedKey(
  known: Map<string, string> | undefined,
  prefix: string,
  name: string,
): string {
  const cached = known?.get(name);
  if (cached !== undefined) return cached;
  const key = `${prefix}.${name}`;
  if (
    known !== undefined &&
    cachedKeyCount < MAX_CACHED_KEYS &&
    name.length <= MAX_CACHED_NAME_LENGTH
  ) {
    known.set(name, key);
    cachedKeyCount++;
  }
  return key;
}

/** Paths below a prefix remembered, by the prefix's length, then by key. */
const pathsBelow = new Map<number, Map<string, string>>();
let cachedPathCount = 0;

/**
 * `key` without its first `prefixLength` characters and the dot after
 * them, the same string object each time: a nested key's secrecy is asked
 * of its path, and the redactor answers a string it has seen by its hash.
 */
function pathBelow(key: string, prefixLength: number): string {
  let byKey = pathsBelow.get(prefixLength);
  const cached = byKey?.get(key);
  if (cached !== undefined) return cached;
  const path = key.slice(prefixLength + 1);
  if (
    cachedPathCount < MAX_CACHED_KEYS &&
    path.length <= MAX_CACHED_NAME_LENGTH
  ) {
    if (byKey === undefined) {
      byKey = new Map();
      pathsBelow.set(prefixLength, byKey);
    }
    byKey.set(key, path);
    cachedPathCount++;
  }
  return path;
}

/**
 * Whether a number can travel as an OTLP attribute as it is. NaN and the
 * infinities have no JSON form. A whole number is sent as a 64-bit integer,
 * so one beyond the range of safe integers would be refused by the
 * backend (and, with it, the whole batch); such numbers go as text.
 */
function isExportableNumber(value: number): boolean {
  if (!Number.isFinite(value)) return false;
  return !Number.isInteger(value) || Number.isSafeInteger(value);
}

/**
 * The primitive type all `items` share, or `undefined` when they are mixed,
 * include other types or non-finite numbers: such arrays are not valid
 * attribute values.
 */
function homogeneousKind(
  items: readonly unknown[],
): 'string' | 'number' | 'boolean' | undefined {
  if (items.length === 0) return 'string';
  const kind = typeof items[0];
  if (kind !== 'string' && kind !== 'number' && kind !== 'boolean') {
    return undefined;
  }
  for (const item of items) {
    if (typeof item !== kind) return undefined;
    if (kind === 'number' && !isExportableNumber(item as number)) {
      return undefined;
    }
  }
  return kind;
}

/**
 * JSON text of any value, for the values that cannot be attributes as they
 * are. Strings and keys inside are cut and secrets redacted first, so that
 * a huge string in a mixed array costs no more than a short one.
 */
function toJsonText(
  value: unknown,
  path: string,
  limits: AttributeLimits,
  budget: { remaining: number },
  onCut: () => void,
): string {
  const copy = toJsonValue(value, {
    budget,
    maxStringLength: limits.maxAttributeLength,
    isSecret: (key) => limits.redactor.isSecret(key),
    path,
    replacement: REDACTED,
    onCut,
  });
  // Undefined when even the top value could not be read.
  const text: unknown = JSON.stringify(copy);
  return typeof text === 'string' ? text : '';
}

import { cutString, readText, safeString, setOwn } from '../internal/values.js';

/** Nesting deeper than this is written as a placeholder string. */
const MAX_JSON_DEPTH = 200;

/** Values copied at most, by default. */
const DEFAULT_MAX_VALUES = 1_000_000;

/** How {@link toJsonValue} may shorten what it copies. */
export interface JsonValueOptions {
  /**
   * Values (objects, arrays, their elements) copied at most; past it,
   * arrays end early and objects become `"[…]"`. It bounds the work on an
   * object graph that shares references (each is copied every time it is
   * reached, as JSON would write it) or on a huge sparse array.
   */
  readonly maxValues?: number;
  /**
   * A budget shared by several calls, instead of `maxValues`: each call
   * takes what it copies from `remaining`.
   */
  readonly budget?: { remaining: number };
  /** Strings, and keys, longer than this are cut. */
  readonly maxStringLength?: number;
  /**
   * Called whenever the copy is left short of the value: a string or key
   * cut, nesting past the depth limit, values past the budget.
   */
  readonly onCut?: () => void;
  /**
   * Values under keys for which this answers true, asked of the key and of
   * its dotted path, become `replacement`: `{ api: { key } }` holds the
   * path `api.key`.
   */
  readonly isSecret?: (key: string) => boolean;
  /** The dotted path of the value itself, where paths start. */
  readonly path?: string;
  /** What stands for a secret value. */
  readonly replacement?: string;
}

/**
 * A copy of `value` that `JSON.stringify` always accepts and that reads
 * back as the same data: BigInts become strings, Dates ISO strings, Maps
 * objects, Sets and typed arrays arrays, Errors `{name, message}`, NaN and
 * the infinities `null`; a cycle becomes `"[Circular]"`; functions, symbols
 * and whatever cannot be read (a throwing getter, a hostile Proxy) are left
 * out, as JSON itself leaves out what it cannot write. Never throws.
 */
export function toJsonValue(
  value: unknown,
  options: JsonValueOptions = {},
): unknown {
  return new JsonCopier(options).convert(value, 0, options.path ?? '');
}

class JsonCopier {
  // The objects on the path to the current one: meeting one again is a
  // cycle, while an object merely reached twice is copied twice.
  private readonly _ancestors = new Set<object>();
  private readonly _budget: { remaining: number };

  constructor(private readonly _options: JsonValueOptions) {
    this._budget = _options.budget ?? {
      remaining: _options.maxValues ?? DEFAULT_MAX_VALUES,
    };
  }

  convert(value: unknown, depth: number, path: string): unknown {
    switch (typeof value) {
      case 'string':
        return this._cut(value);
      case 'boolean':
        return value;
      case 'number':
        return Number.isFinite(value) ? value : null;
      case 'bigint':
        return value.toString();
      case 'object':
        if (value === null) return null;
        try {
          return this._convertObject(value, depth, path);
        } catch {
          // A Proxy around a Date or Map, a revoked Proxy, a throwing trap.
          return undefined;
        }
      default:
        return undefined;
    }
  }

  private _convertObject(value: object, depth: number, path: string): unknown {
    if (this._ancestors.has(value)) return '[Circular]';
    if (depth >= MAX_JSON_DEPTH) return this._shortened('[Too deep]');
    if (this._budget.remaining <= 0) return this._shortened('[…]');
    this._budget.remaining--;
    const toJson = readToJson(value);
    if (toJson !== NO_TO_JSON) return this.convert(toJson, depth + 1, path);

    if (value instanceof Date) {
      return Number.isNaN(value.getTime()) ? null : value.toISOString();
    }
    if (value instanceof Error) {
      return {
        name: this._cut(readText(() => value.name)),
        message: this._cut(readText(() => value.message)),
      };
    }
    if (ArrayBuffer.isView(value)) {
      if (value instanceof DataView) return {};
      const view = value as unknown as ArrayLike<number | bigint>;
      return Array.from({ length: this._take(view.length) }, (_, i) =>
        this.convert(view[i], depth + 1, path),
      );
    }

    this._ancestors.add(value);
    try {
      return this._convertContainer(value, depth, path);
    } finally {
      this._ancestors.delete(value);
    }
  }

  private _convertContainer(
    value: object,
    depth: number,
    path: string,
  ): unknown {
    if (Array.isArray(value) || value instanceof Set) {
      const items: unknown[] = Array.isArray(value)
        ? value
        : [...(value as Set<unknown>)];
      // JSON writes holes and unwritable elements as null; so does this.
      return Array.from(
        { length: this._take(items.length) },
        (_, i) =>
          this.convert(
            read(() => items[i]),
            depth + 1,
            path,
          ) ?? null,
      );
    }

    const entries: [string, () => unknown][] =
      value instanceof Map
        ? [...(value as Map<unknown, unknown>)].map(([key, item]) => [
            safeString(key),
            () => item,
          ])
        : Object.keys(value).map((key) => [
            key,
            (): unknown => Reflect.get(value, key),
          ]);
    const out: Record<string, unknown> = {};
    for (const [key, get] of entries) {
      // Paths are only needed to tell secrets.
      const keyPath =
        this._options.isSecret === undefined || path === ''
          ? key
          : `${path}.${key}`;
      const converted = this._isSecret(key, keyPath)
        ? this._options.replacement
        : this.convert(read(get), depth + 1, keyPath);
      if (converted !== undefined) setOwn(out, this._cut(key), converted);
    }
    return out;
  }

  /** Takes up to `wanted` values from the budget; returns how many. */
  private _take(wanted: number): number {
    const granted = Math.min(wanted, Math.max(this._budget.remaining, 0));
    this._budget.remaining -= granted;
    if (granted < wanted) this._options.onCut?.();
    return granted;
  }

  private _shortened(placeholder: string): string {
    this._options.onCut?.();
    return placeholder;
  }

  private _isSecret(key: string, keyPath: string): boolean {
    const { isSecret } = this._options;
    if (isSecret === undefined) return false;
    return isSecret(key) || (keyPath !== key && isSecret(keyPath));
  }

  private _cut(text: string): string {
    const max = this._options.maxStringLength;
    if (max === undefined || text.length <= max) return text;
    this._options.onCut?.();
    return cutString(text, max);
  }
}

/** What {@link readToJson} answers for a value it cannot take `toJSON` of. */
const NO_TO_JSON = Symbol('no toJSON');

/**
 * What the value's own `toJSON` gives, as `JSON.stringify` would use it (a
 * URL becomes its text; `undefined` leaves the value out, as there);
 * `NO_TO_JSON` when it has none, or when it throws, so that the value is
 * copied as it is rather than lost. Dates are left to the copier, which
 * also handles invalid ones.
 */
function readToJson(value: object): unknown {
  if (value instanceof Date) return NO_TO_JSON;
  try {
    const toJson = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJson !== 'function') return NO_TO_JSON;
    return (toJson as () => unknown).call(value);
  } catch {
    return NO_TO_JSON;
  }
}

function read(get: () => unknown): unknown {
  try {
    return get();
  } catch {
    return undefined;
  }
}

/**
 * A copy of `value` for a reader, so that changing what a reader got
 * cannot change the tracker: plain objects, arrays, Maps, Sets, Dates,
 * Buffers and typed arrays are copied all the way down, cycles kept as
 * cycles. Instances of other classes (and functions) are handed over as
 * they are, since copying them would lose what makes them what they are.
 * Never throws: what cannot be read is handed over, or left `undefined`.
 */
export function snapshot<T>(value: T): T {
  return new Copier().copy(value, 0) as T;
}

/**
 * Below this depth, or past this many values, values are shared rather
 * than copied, so that a pathological structure cannot overflow the stack
 * or run for minutes.
 */
const MAX_COPY_DEPTH = 500;
const MAX_COPY_VALUES = 1_000_000;

class Copier {
  private readonly _copies = new Map<object, unknown>();
  private _budget = MAX_COPY_VALUES;

  copy(value: unknown, depth: number): unknown {
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= MAX_COPY_DEPTH || this._budget <= 0) return value;

    const done = this._copies.get(value);
    if (done !== undefined) return done;
    this._budget--;
    try {
      return this._copyObject(value, depth);
    } catch {
      // A revoked Proxy, a trap that throws: nothing to copy from.
      return value;
    }
  }

  private _copyObject(value: object, depth: number): unknown {
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      this._copies.set(value, out);
      const length = Math.min(value.length, Math.max(this._budget, 0));
      this._budget -= length;
      for (let i = 0; i < length; i++) {
        out.push(
          this.copy(
            read(() => (value as unknown[])[i]),
            depth + 1,
          ),
        );
      }
      return out;
    }
    if (value instanceof Date) return new Date(value.getTime());
    if (Buffer.isBuffer(value)) return Buffer.from(value);
    if (ArrayBuffer.isView(value)) {
      if (value instanceof DataView) {
        const bytes = value.buffer.slice(
          value.byteOffset,
          value.byteOffset + value.byteLength,
        );
        return new DataView(bytes);
      }
      return (value as unknown as { slice(): unknown }).slice();
    }
    if (value instanceof Map) {
      const out = new Map<unknown, unknown>();
      this._copies.set(value, out);
      for (const [key, item] of value as Map<unknown, unknown>) {
        out.set(key, this.copy(item, depth + 1));
      }
      return out;
    }
    if (value instanceof Set) {
      const out = new Set<unknown>();
      this._copies.set(value, out);
      for (const item of value as Set<unknown>) {
        out.add(this.copy(item, depth + 1));
      }
      return out;
    }

    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return value;
    const keys = Object.keys(value);
    const out = Object.create(prototype) as Record<string, unknown>;
    this._copies.set(value, out);
    for (const key of keys) {
      Object.defineProperty(out, key, {
        value: this.copy(
          read(() => Reflect.get(value, key)),
          depth + 1,
        ),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
}

function read(get: () => unknown): unknown {
  try {
    return get();
  } catch {
    return undefined;
  }
}

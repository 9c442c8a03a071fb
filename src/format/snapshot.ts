/**
 * A copy of `value` for a reader: arrays and plain objects are copied all
 * the way down (cycles kept as cycles), so that changing what a reader got
 * cannot change the tracker; every other value (Dates, Maps, class
 * instances, functions) is handed over as it is, since the mirror keeps
 * the raw values the engine gave it.
 */
export function snapshot<T>(value: T): T {
  return copy(value, new Map(), 0) as T;
}

/**
 * Below this depth values are shared rather than copied, so that a
 * pathologically deep structure cannot overflow the stack.
 */
const MAX_COPY_DEPTH = 500;

function copy(
  value: unknown,
  copies: Map<object, unknown>,
  depth: number,
): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_COPY_DEPTH) return value;

  const done = copies.get(value);
  if (done !== undefined) return done;

  if (Array.isArray(value)) {
    const out: unknown[] = [];
    copies.set(value, out);
    for (let i = 0; i < value.length; i++) {
      const item = read(() => (value as unknown[])[i]);
      out.push(copy(item, copies, depth + 1));
    }
    return out;
  }

  let prototype: unknown;
  let keys: string[];
  try {
    prototype = Object.getPrototypeOf(value);
    keys = Object.keys(value);
  } catch {
    // A Proxy whose traps throw is handed over as it is.
    return value;
  }
  if (prototype !== Object.prototype && prototype !== null) return value;

  const out: Record<string, unknown> = Object.create(prototype) as Record<
    string,
    unknown
  >;
  copies.set(value, out);
  for (const key of keys) {
    Object.defineProperty(out, key, {
      value: copy(
        read(() => Reflect.get(value, key)),
        copies,
        depth + 1,
      ),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function read(get: () => unknown): unknown {
  try {
    return get();
  } catch {
    return undefined;
  }
}

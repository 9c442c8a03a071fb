import { safeString, setOwn } from '../internal/values.js';

/** Nesting deeper than this is written as a placeholder string. */
const MAX_JSON_DEPTH = 200;

/**
 * A copy of `value` that `JSON.stringify` always accepts and that reads
 * back as the same data: BigInts become strings, Dates ISO strings, Maps
 * objects, Sets and typed arrays arrays, Errors `{name, message}`; a cycle
 * becomes `"[Circular]"`; functions, symbols and values behind throwing
 * getters are left out, as JSON itself leaves out what it cannot write.
 */
export function toJsonValue(value: unknown): unknown {
  return convert(value, new Set(), 0);
}

function convert(
  value: unknown,
  ancestors: Set<object>,
  depth: number,
): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return null;
  if (ancestors.has(value)) return '[Circular]';
  if (depth >= MAX_JSON_DEPTH) return '[Too deep]';

  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? null : value.toISOString();
  }
  if (value instanceof Error) {
    return { name: safeString(value.name), message: safeString(value.message) };
  }

  ancestors.add(value);
  try {
    return convertContainer(value, ancestors, depth);
  } finally {
    ancestors.delete(value);
  }
}

function convertContainer(
  value: object,
  ancestors: Set<object>,
  depth: number,
): unknown {
  if (Array.isArray(value) || value instanceof Set) {
    const items = Array.isArray(value) ? value : [...(value as Set<unknown>)];
    const out: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      // JSON writes holes and unwritable elements as null; so does this.
      out.push(convert(readIndex(items, i), ancestors, depth + 1) ?? null);
    }
    return out;
  }
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) return {};
    return Array.from(value as unknown as ArrayLike<number | bigint>, (item) =>
      typeof item === 'bigint' ? item.toString() : item,
    );
  }

  const out: Record<string, unknown> = {};
  const entries: [string, () => unknown][] =
    value instanceof Map
      ? [...(value as Map<unknown, unknown>)].map(([k, v]) => [
          safeString(k),
          () => v,
        ])
      : ownKeys(value).map((k) => [k, (): unknown => Reflect.get(value, k)]);
  for (const [key, read] of entries) {
    let item: unknown;
    try {
      item = read();
    } catch {
      continue;
    }
    const converted = convert(item, ancestors, depth + 1);
    if (converted !== undefined) setOwn(out, key, converted);
  }
  return out;
}

function ownKeys(value: object): string[] {
  try {
    return Object.keys(value);
  } catch {
    return [];
  }
}

function readIndex(items: readonly unknown[], index: number): unknown {
  try {
    return items[index];
  } catch {
    return undefined;
  }
}

import { types } from 'node:util';

/**
 * The message an execution's record keeps for `error`: an `Error`'s
 * message, a string as it is, anything else as text; `undefined` when no
 * error was given.
 */
export function errorMessage(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  if (isError(error)) return readText(() => error.message);
  if (typeof error === 'string') return error;
  return safeString(error);
}

/**
 * Whether `value` is an Error: of this realm, or of another one (a `vm`
 * context, a worker's message), where `instanceof Error` is false. Never
 * throws, even for a revoked Proxy.
 */
export function isError(value: unknown): value is Error {
  try {
    return value instanceof Error || types.isNativeError(value);
  } catch {
    return false;
  }
}

/**
 * The text of what `read` returns, or a placeholder when reading it, or
 * turning it into text, throws (an Error whose `message` is a throwing
 * getter, say).
 */
export function readText(read: () => unknown): string {
  try {
    return safeString(read());
  } catch {
    return UNPRINTABLE;
  }
}

const UNPRINTABLE = '[unprintable value]';

/**
 * Elements of arrays (and typed arrays) turned into text at most, by
 * {@link safeString}. `String()` of an array joins every slot, holes
 * included: for a sparse array of length 2^32 - 1 that takes minutes.
 */
export const MAX_TEXT_ELEMENTS = 10_000;

/**
 * `String(value)`, or a placeholder when even that throws. An array's text
 * is the one `String()` gives, over its first {@link MAX_TEXT_ELEMENTS}
 * elements, nested arrays included, then `…`.
 */
export function safeString(value: unknown): string {
  try {
    return joinsAsArray(value)
      ? arrayText(value, new Set(), { remaining: MAX_TEXT_ELEMENTS })
      : String(value);
  } catch {
    return UNPRINTABLE;
  }
}

/** Whether `String(value)` would be Array.prototype.toString's join. */
function joinsAsArray(value: unknown): value is ArrayLike<unknown> {
  return (
    (Array.isArray(value) ||
      (ArrayBuffer.isView(value) && !(value instanceof DataView))) &&
    (value as { toString?: unknown }).toString === Array.prototype.toString
  );
}

/**
 * Array.prototype.join's text, with commas, nullish elements as empty
 * text and a cycle as empty text, as `String()` writes an array, but over
 * a shared budget of elements.
 */
function arrayText(
  list: ArrayLike<unknown>,
  ancestors: Set<object>,
  budget: { remaining: number },
): string {
  if (ancestors.has(list)) return '';
  ancestors.add(list);
  const parts: string[] = [];
  const length = list.length;
  for (let i = 0; i < length; i++) {
    if (budget.remaining <= 0) {
      parts.push('…');
      break;
    }
    budget.remaining--;
    const item = list[i];
    parts.push(
      joinsAsArray(item)
        ? arrayText(item, ancestors, budget)
        : joinedText(item),
    );
  }
  ancestors.delete(list);
  return parts.join(',');
}

/**
 * Sets an own, enumerable property, so that keys such as `__proto__` stay
 * plain data instead of changing the object's prototype.
 */
export function setOwn<T>(
  target: Record<string, T>,
  key: string,
  value: T,
): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * Whether `value` is a non-null object that is not an array; false for a
 * revoked Proxy, which cannot even say whether it is an array.
 */
export function isPlainRecord(
  value: unknown,
): value is Record<string, unknown> {
  try {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * What kind of value `value` is, without any of its content: for messages
 * about values an engine records, which may hold secrets (params given as
 * the string `password=…`, say) and must not reach a log.
 */
export function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (isArray(value)) return 'an array';
  switch (typeof value) {
    case 'object':
      return 'an object';
    case 'function':
      return 'a function';
    case 'string':
      return `a string of ${value.length} characters`;
    default:
      return `a ${typeof value}`;
  }
}

/** A short description of a value for an error message: what was received. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (isArray(value)) return 'an array';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return `${typeof value} ${safeString(value)}`;
}

/** How join writes one element that is not an array. */
function joinedText(item: unknown): string {
  // Anything else is written by its own toString, as join does.
  const nothing: boolean = item === undefined || item === null;
  return nothing ? '' : String(item);
}

/** `Array.isArray`, false where it throws (a revoked Proxy). */
function isArray(value: unknown): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/** Cuts `text` to `max` UTF-16 units without leaving half a surrogate pair. */
export function cutString(text: string, max: number): string {
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end);
}

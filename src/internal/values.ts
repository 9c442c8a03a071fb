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

/** `String(value)`, or a placeholder when even that throws. */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return UNPRINTABLE;
  }
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

/** Whether `value` is a non-null object that is not an array. */
export function isPlainRecord(
  value: unknown,
): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of a value for an error message: what was received. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return `${typeof value} ${safeString(value)}`;
}

/** Cuts `text` to `max` UTF-16 units without leaving half a surrogate pair. */
export function cutString(text: string, max: number): string {
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end);
}

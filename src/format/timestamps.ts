/**
 * Timestamps travel as ISO-8601 strings and live in memory as whole
 * microseconds since the Unix epoch, which a double holds exactly for
 * about 285 years either side of 1970.
 */

// Python's datetime holds years 1 to 9999, and so does the four-digit year
// this module writes; an instant outside them could not be written back.
// (Date.UTC would read year 1 as 1901.)
const MIN_MILLIS = -62_135_596_800_000; // 0001-01-01T00:00:00Z
const MAX_MILLIS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Formats epoch microseconds as UTC with an explicit `+00:00` offset and six
 * fractional digits: the form Python's `datetime.fromisoformat` reads on
 * every version (older ones reject `Z`).
 */
export function formatTimestamp(micros: number): string {
  const millis = Math.floor(micros / 1000);
  // Exact within about 285 years of 1970; further out a double cannot hold
  // every microsecond, and the nearest one is written.
  const extraMicros = Math.min(
    999,
    Math.max(0, Math.round(micros - millis * 1000)),
  );
  // toISOString gives `YYYY-MM-DDTHH:MM:SS.mmmZ`; keep all but the `Z`.
  const iso = new Date(millis).toISOString();
  return `${iso.slice(0, -1)}${String(extraMicros).padStart(3, '0')}+00:00`;
}

/**
 * Parses an ISO-8601 date-time into epoch microseconds, or returns
 * `undefined` when the string is not one. A time without an offset is
 * read as the local time of this machine, which is what routilux means by
 * the naive `datetime.now()` it writes.
 */
export function parseTimestamp(text: string): number | undefined {
  const match = ISO_PATTERN.exec(text);
  if (match === null) return undefined;

  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  const fields = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = fields;
  // Python's fromisoformat rejects impossible dates and leap seconds; so
  // does this, rather than let Date roll them over into the next day.
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const shift = offset === undefined ? 0 : offsetMillis(offset);
  if (shift === undefined) return undefined;

  // Digits past the sixth are cut, as Python does; parsing them as a
  // decimal fraction instead would round 0.899392 to 899391 microseconds.
  const fractionMicros =
    fraction === undefined ? 0 : Number(fraction.padEnd(6, '0').slice(0, 6));

  // The set*FullYear methods, unlike the Date constructor and Date.UTC, do
  // not map years below 100 onto the 1900s.
  const date = new Date(0);
  if (offset === undefined) {
    date.setFullYear(y, mo - 1, d);
    date.setHours(h, mi, s, 0);
  } else {
    date.setUTCFullYear(y, mo - 1, d);
    date.setUTCHours(h, mi, s, 0);
  }
  const millis = date.getTime() - shift;
  if (!(millis >= MIN_MILLIS && millis <= MAX_MILLIS)) return undefined;
  return millis * 1000 + fractionMicros;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function offsetMillis(offset: string): number | undefined {
  if (offset.toUpperCase() === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes) * 60_000;
}

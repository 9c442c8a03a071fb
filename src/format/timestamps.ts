/**
 * Timestamps travel as ISO-8601 strings and live in memory as whole
 * microseconds since the Unix epoch, which a double holds exactly for
 * hundreds of years either side of now.
 */

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Formats epoch microseconds as UTC with an explicit `+00:00` offset and six
 * fractional digits: the form Python's `datetime.fromisoformat` reads on
 * every version (older ones reject `Z`).
 */
export function formatTimestamp(micros: number): string {
  const millis = Math.floor(micros / 1000);
  const extraMicros = micros - millis * 1000;
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
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
    return undefined;
  }
  // Digits past the sixth are cut, as Python does; parsing them as a
  // decimal fraction instead would round 0.899392 to 899391 microseconds.
  const fractionMicros =
    fraction === undefined ? 0 : Number(fraction.padEnd(6, '0').slice(0, 6));

  let millis: number;
  if (offset === undefined) {
    // setFullYear, unlike the Date constructor, does not map years below
    // 100 onto the 1900s.
    const local = new Date(0);
    local.setFullYear(y, mo - 1, d);
    local.setHours(h, mi, s, 0);
    millis = local.getTime();
  } else {
    millis = Date.UTC(y, mo - 1, d, h, mi, s) - offsetMillis(offset);
  }
  if (!Number.isFinite(millis)) return undefined;
  return millis * 1000 + fractionMicros;
}

function offsetMillis(offset: string): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  return sign * (hours * 60 + minutes) * 60_000;
}

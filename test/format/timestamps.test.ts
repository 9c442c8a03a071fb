import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import {
  formatTimestamp,
  parseTimestamp,
} from '../../src/format/timestamps.js';
import { seededRandom } from '../support/seeded-random.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TIMESTAMPS_MODULE = fileURLToPath(
  new URL('../../src/format/timestamps.ts', import.meta.url),
);
const FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;

/** Epoch microseconds of a UTC date-time, with years below 100 kept as given. */
function utcMicros(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  micros = 0,
): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime() * 1000 + micros;
}

/** Epoch microseconds of a local date-time of this machine. */
function localMicros(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  micros = 0,
): number {
  return (
    new Date(year, month - 1, day, hour, minute, second).getTime() * 1000 +
    micros
  );
}

/** Parses each text with `parseTimestamp` in a Node process whose zone is `tz`. */
function parseInZone(tz: string, texts: readonly string[]): (number | null)[] {
  const script = `
    const { parseTimestamp } = await import(${JSON.stringify(TIMESTAMPS_MODULE)});
    const texts = ${JSON.stringify(texts)};
    process.stdout.write(JSON.stringify(texts.map((t) => parseTimestamp(t) ?? null)));
  `;
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: REPO_ROOT, env: { ...process.env, TZ: tz }, encoding: 'utf8' },
  );
  return JSON.parse(output) as (number | null)[];
}

/**
 * Reads each text with Python's `datetime.fromisoformat` and returns its
 * epoch microseconds as `datetime.timestamp()` sees them, computed with
 * integer arithmetic so that no float rounding gets in the way; `null` when
 * Python rejects the text.
 */
function pythonMicros(texts: readonly string[], tz = 'UTC'): (number | null)[] {
  const script = `
import json, sys
from datetime import datetime, timedelta, timezone
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
out = []
for text in json.load(sys.stdin):
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        out.append(None)
        continue
    if value.tzinfo is None:
        # A naive time is local time, read as datetime.timestamp() reads it.
        whole = int(value.replace(microsecond=0).timestamp())
        out.append(whole * 1_000_000 + value.microsecond)
    else:
        out.append((value - EPOCH) // timedelta(microseconds=1))
print(json.dumps(out))
`;
  const output = execFileSync('python3', ['-c', script], {
    input: JSON.stringify(texts),
    env: { ...process.env, TZ: tz },
    encoding: 'utf8',
  });
  return JSON.parse(output) as (number | null)[];
}

describe('formatTimestamp', () => {
  it('writes UTC with six fractional digits and an explicit +00:00 offset', () => {
    expect(formatTimestamp(0)).toBe('1970-01-01T00:00:00.000000+00:00');
    expect(formatTimestamp(utcMicros(2026, 12, 3, 21, 46, 3, 899392))).toBe(
      '2026-12-03T21:46:03.899392+00:00',
    );
  });

  it('keeps every microsecond exactly', () => {
    const base = utcMicros(2026, 12, 3, 21, 46, 3);
    expect(formatTimestamp(base + 1)).toBe('2026-12-03T21:46:03.000001+00:00');
    expect(formatTimestamp(base + 999)).toBe(
      '2026-12-03T21:46:03.000999+00:00',
    );
    expect(formatTimestamp(base + 1000)).toBe(
      '2026-12-03T21:46:03.001000+00:00',
    );
    expect(formatTimestamp(base + 999_999)).toBe(
      '2026-12-03T21:46:03.999999+00:00',
    );
    expect(formatTimestamp(base + 100_000)).toBe(
      '2026-12-03T21:46:03.100000+00:00',
    );
  });

  it('writes times before the epoch', () => {
    expect(formatTimestamp(-1)).toBe('1969-12-31T23:59:59.999999+00:00');
    expect(formatTimestamp(-1_000_001)).toBe(
      '1969-12-31T23:59:58.999999+00:00',
    );
  });

  it('always matches YYYY-MM-DDTHH:MM:SS.ffffff+00:00', () => {
    const random = seededRandom(7);
    const low = utcMicros(1900, 1, 1);
    const high = utcMicros(2200, 1, 1);
    for (let i = 0; i < 2000; i++) {
      const micros = low + Math.floor(random() * (high - low));
      expect(formatTimestamp(micros)).toMatch(FORMAT);
    }
  });
});

describe('parseTimestamp', () => {
  const instant = utcMicros(2026, 12, 3, 21, 46, 3, 899392);

  it('reads a Z offset, in either case', () => {
    expect(parseTimestamp('2026-12-03T21:46:03.899392Z')).toBe(instant);
    expect(parseTimestamp('2026-12-03T21:46:03.899392z')).toBe(instant);
  });

  it('reads +00:00 and positive offsets with a colon', () => {
    expect(parseTimestamp('2026-12-03T21:46:03.899392+00:00')).toBe(instant);
    expect(parseTimestamp('2026-12-04T03:16:03.899392+05:30')).toBe(instant);
  });

  it('reads negative offsets without a colon', () => {
    expect(parseTimestamp('2026-12-03T13:46:03.899392-0800')).toBe(instant);
    expect(parseTimestamp('2026-12-03T13:46:03.899392-08:00')).toBe(instant);
    expect(parseTimestamp('2026-12-04T03:16:03.899392+0530')).toBe(instant);
  });

  it('reads a space instead of T and a comma instead of the dot', () => {
    expect(parseTimestamp('2026-12-03 21:46:03.899392Z')).toBe(instant);
    expect(parseTimestamp('2026-12-03T21:46:03,899392Z')).toBe(instant);
  });

  it('reads a time without an offset as local time', () => {
    expect(parseTimestamp('2026-12-03T21:46:03.899392')).toBe(
      localMicros(2026, 12, 3, 21, 46, 3, 899392),
    );
    expect(parseTimestamp('2026-07-01T12:00:00')).toBe(
      localMicros(2026, 7, 1, 12),
    );
  });

  it('reads a time without an offset as local time under America/New_York', () => {
    const results = parseInZone('America/New_York', [
      '2026-12-03T21:46:03.899392', // EST, UTC-5
      '2026-07-01T12:00:00', // EDT, UTC-4
      '2026-12-03T21:46:03.899392+00:00',
    ]);
    expect(results).toEqual([
      utcMicros(2026, 12, 4, 2, 46, 3, 899392),
      utcMicros(2026, 7, 1, 16),
      instant,
    ]);
  });

  it('reads local times around DST changes as Python does', () => {
    const texts = [
      '2026-03-08T01:59:59.999999', // just before the spring gap
      '2026-03-08T02:30:00', // inside the gap: does not exist
      '2026-03-08T03:00:00',
      '2026-11-01T01:30:00', // happens twice
      '2026-11-01T02:00:00',
    ];
    expect(parseInZone('America/New_York', texts)).toEqual(
      pythonMicros(texts, 'America/New_York'),
    );
  });

  it('reads exactly six fraction digits without float rounding', () => {
    const base = utcMicros(2026, 12, 3, 21, 46, 3);
    for (const digits of [
      '899392',
      '000001',
      '999999',
      '100000',
      '830212',
      '819959',
      '123456',
      '500000',
    ]) {
      expect(parseTimestamp(`2026-12-03T21:46:03.${digits}Z`)).toBe(
        base + Number(digits),
      );
    }
  });

  it('reads every six-digit fraction exactly', () => {
    const base = utcMicros(2026, 12, 3, 21, 46, 3);
    for (let micros = 0; micros < 1_000_000; micros += 37) {
      const digits = String(micros).padStart(6, '0');
      expect(parseTimestamp(`2026-12-03T21:46:03.${digits}Z`)).toBe(
        base + micros,
      );
    }
  });

  it('reads fewer than six fraction digits as a decimal fraction', () => {
    const base = utcMicros(2026, 1, 1);
    expect(parseTimestamp('2026-01-01T00:00:00.5Z')).toBe(base + 500_000);
    expect(parseTimestamp('2026-01-01T00:00:00.05Z')).toBe(base + 50_000);
    expect(parseTimestamp('2026-01-01T00:00:00.123Z')).toBe(base + 123_000);
    expect(parseTimestamp('2026-01-01T00:00:00.00001Z')).toBe(base + 10);
  });

  it('reads a time without a fraction as whole seconds', () => {
    expect(parseTimestamp('2026-01-01T00:00:07Z')).toBe(
      utcMicros(2026, 1, 1, 0, 0, 7),
    );
  });

  it('cuts fraction digits past the sixth instead of rounding', () => {
    const base = utcMicros(2026, 1, 1);
    expect(parseTimestamp('2026-01-01T00:00:00.8993921Z')).toBe(base + 899392);
    expect(parseTimestamp('2026-01-01T00:00:00.899392999Z')).toBe(
      base + 899392,
    );
    expect(parseTimestamp('2026-01-01T00:00:00.9999999Z')).toBe(base + 999999);
  });

  it('reads more than nine fraction digits, as Python does', () => {
    const base = utcMicros(2026, 1, 1);
    const texts = [
      '2026-01-01T00:00:00.1234567891+00:00',
      '2026-01-01T00:00:00.123456789012+00:00',
    ];
    expect(pythonMicros(texts)).toEqual([base + 123456, base + 123456]);
    expect(texts.map((text) => parseTimestamp(text))).toEqual([
      base + 123456,
      base + 123456,
    ]);
  });

  it.each([
    '',
    'yesterday',
    '2026-12-03',
    '2026-12-03T21:46',
    '2026-12-03T21:46:03.',
    '2026-12-03T21:46:03 UTC',
    ' 2026-12-03T21:46:03',
    '2026-12-03T21:46:03 ',
    '2026-12-03T21:46:03+5:30',
    '26-12-03T21:46:03',
    '2026/12/03T21:46:03',
    '2026-12-03X21:46:03',
    '2026-1-03T21:46:03',
  ])('returns undefined for the malformed string %j', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });

  it.each([
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-01-00T00:00:00Z',
    '2026-01-32T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:60:00Z',
    '2026-01-01T00:00:61Z',
  ])('returns undefined for the out-of-range field in %j', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });

  it.each([
    '2026-02-30T00:00:00Z',
    '2026-02-29T12:00:00+00:00',
    '2026-04-31T00:00:00Z',
    '2026-06-31T08:00:00-0800',
    '2026-02-30T00:00:00',
  ])('returns undefined for the impossible date %j', (text) => {
    expect(pythonMicros([text])).toEqual([null]);
    expect(parseTimestamp(text)).toBeUndefined();
  });

  it('accepts February 29 in a leap year', () => {
    expect(parseTimestamp('2024-02-29T00:00:00Z')).toBe(utcMicros(2024, 2, 29));
  });

  it('reads years below 100 as written, with an offset and without', () => {
    expect(parseTimestamp('0050-06-15T12:00:00')).toBe(
      (() => {
        const date = new Date(0);
        date.setFullYear(50, 5, 15);
        date.setHours(12, 0, 0, 0);
        return date.getTime() * 1000;
      })(),
    );
    expect(parseTimestamp('0050-06-15T12:00:00Z')).toBe(
      utcMicros(50, 6, 15, 12),
    );
    expect(parseTimestamp('0099-12-31T23:59:59.999999+00:00')).toBe(
      utcMicros(99, 12, 31, 23, 59, 59, 999999),
    );
  });
});

describe('format and parse together', () => {
  it('round-trips every microsecond exactly', () => {
    const random = seededRandom(2026);
    const low = utcMicros(1900, 1, 1);
    const high = utcMicros(2200, 1, 1);
    const samples = [0, 1, -1, 999, 1000, 1001, 899392, -899392];
    for (let i = 0; i < 5000; i++) {
      samples.push(low + Math.floor(random() * (high - low)));
    }
    for (const micros of samples) {
      expect(parseTimestamp(formatTimestamp(micros))).toBe(micros);
    }
  });

  it('round-trips years below 100', () => {
    for (const micros of [
      utcMicros(1, 1, 1),
      utcMicros(50, 6, 15, 12, 0, 0, 123456),
      utcMicros(99, 12, 31, 23, 59, 59, 999999),
    ]) {
      expect(parseTimestamp(formatTimestamp(micros))).toBe(micros);
    }
  });

  it('writes timestamps that Python reads as the same instant', () => {
    const random = seededRandom(99);
    const low = utcMicros(1971, 1, 1);
    const high = utcMicros(2100, 1, 1);
    const samples = [
      0,
      utcMicros(2026, 12, 3, 21, 46, 3, 899392),
      utcMicros(2026, 12, 3, 21, 46, 3),
      utcMicros(2026, 12, 3, 21, 46, 3, 1),
      -1,
    ];
    for (let i = 0; i < 200; i++) {
      samples.push(low + Math.floor(random() * (high - low)));
    }
    const texts = samples.map((micros) => formatTimestamp(micros));
    expect(pythonMicros(texts)).toEqual(samples);
  });

  it('reads what Python writes, aware and naive, as Python reads it', () => {
    const script = `
import json
from datetime import datetime, timezone, timedelta
values = [
    datetime(2026, 12, 3, 21, 46, 3, 899392, tzinfo=timezone.utc),
    datetime(2026, 12, 3, 21, 46, 3, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    datetime(2026, 12, 3, 21, 46, 3, 1, tzinfo=timezone(-timedelta(hours=8))),
    datetime(2026, 12, 3, 21, 46, 3, 819959),
    datetime(2026, 7, 1, 12, 0, 0),
]
print(json.dumps([v.isoformat() for v in values]))
`;
    const texts = JSON.parse(
      execFileSync('python3', ['-c', script], { encoding: 'utf8' }),
    ) as string[];
    expect(texts).toHaveLength(5);
    const python = pythonMicros(texts, 'America/New_York');
    expect(parseInZone('America/New_York', texts)).toEqual(python);
    expect(python).toEqual([
      utcMicros(2026, 12, 3, 21, 46, 3, 899392),
      utcMicros(2026, 12, 3, 16, 16, 3),
      utcMicros(2026, 12, 4, 5, 46, 3, 1),
      utcMicros(2026, 12, 4, 2, 46, 3, 819959),
      utcMicros(2026, 7, 1, 16),
    ]);
  });
});

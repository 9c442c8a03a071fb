import { describe, expect, it } from 'vitest';

import {
  buildPayload,
  collectRun,
  cutText,
  DETAIL_MAX_CHARS,
  detailJson,
} from '../../../src/cli/timeline/timeline-data.js';
import { layoutTimeline } from '../../../src/cli/timeline/timeline-layout.js';
import { FIXED_BASE_MICROS, fixedRun } from './sample-run.js';

const LIMITS = { maxRows: 5000, maxEventMarks: 20_000 };

describe('collectRun', () => {
  it('reads every retained record with its times in microseconds', () => {
    const tracker = fixedRun(
      [
        { id: 'a', start: 0, end: 10 },
        { id: 'b', start: 5, end: 7.5, status: 'failed', error: 'boom' },
        { id: 'a', start: 12 },
      ],
      [{ source: 'a', at: 3 }],
    );
    const run = collectRun(tracker);
    expect(
      run.executions.map((x) => [
        x.routineId,
        x.ordinal,
        x.startMicros - FIXED_BASE_MICROS,
        x.endMicros === undefined ? null : x.endMicros - FIXED_BASE_MICROS,
        x.status,
      ]),
    ).toEqual([
      ['a', 1, 0, 10_000, 'completed'],
      ['a', 2, 12_000, null, 'running'],
      ['b', 1, 5_000, 7_500, 'failed'],
    ]);
    expect(run.events.map((e) => e.micros - FIXED_BASE_MICROS)).toEqual([
      3_000,
    ]);
    expect(run.executions[2]?.record.error).toBe('boom');
  });
});

describe('cutText and detailJson', () => {
  it('keeps short text and cuts long text with a note of how much', () => {
    expect(cutText('short')).toBe('short');
    const cut = cutText('x'.repeat(5000), 1000);
    expect(cut).toBe(`${'x'.repeat(1000)}… (4000 more characters)`);
  });

  it('never leaves half a surrogate pair', () => {
    const cut = cutText(`${'a'.repeat(9)}😀tail`, 10);
    expect(cut.startsWith(`${'a'.repeat(9)}…`)).toBe(true);
  });

  it('writes values as indented JSON, whatever JSON cannot hold converted', () => {
    const cycle: Record<string, unknown> = { n: 1n };
    cycle.self = cycle;
    expect(JSON.parse(detailJson(cycle))).toEqual({
      n: '1',
      self: '[Circular]',
    });
    expect(detailJson({ a: [1, 2] })).toBe(
      '{\n  "a": [\n    1,\n    2\n  ]\n}',
    );
    expect(detailJson(undefined)).toBe('null');
  });

  it('shows values under secret-looking keys as [REDACTED], at any depth', () => {
    const shown = JSON.parse(
      detailJson({
        user: 'ann',
        password: 'hunter2',
        headers: { Authorization: 'Bearer abc', accept: 'json' },
        api: { key: 'sk-1' },
      }),
    ) as unknown;
    expect(shown).toEqual({
      user: 'ann',
      password: '[REDACTED]',
      headers: { Authorization: '[REDACTED]', accept: 'json' },
      api: { key: '[REDACTED]' },
    });
  });

  it('cuts what it shows to the detail length, with bounded work', () => {
    const shared = Array.from({ length: 100 }, (_, i) => i);
    const huge = Array.from({ length: 10_000 }, () => shared);
    const text = detailJson({ huge, long: 'y'.repeat(100_000) });
    expect(text.length).toBeLessThan(DETAIL_MAX_CHARS + 40);
    expect(text).toMatch(/… \(\d+ more characters\)$/);
  });
});

describe('buildPayload', () => {
  it('gives the details of every drawn bar and mark, in drawing order', () => {
    const tracker = fixedRun(
      [
        { id: 'b', start: 10, end: 30, result: { ok: true } },
        { id: 'a', start: 0, end: 20, status: 'failed', error: 'bad row 7' },
        { id: 'c', start: 25, params: { q: 1 } },
      ],
      [
        { source: 'a', at: 5, name: 'output', target: 'b', data: { n: 3 } },
        { source: 'ghost', at: 40, name: 'tick' },
      ],
    );
    const run = collectRun(tracker);
    const layout = layoutTimeline(run.executions, run.events, LIMITS);
    const payload = buildPayload(run, layout);

    expect(payload.executions.map((x) => [x.routine, x.status])).toEqual([
      ['a', 'failed'],
      ['b', 'completed'],
      ['c', 'running'],
    ]);
    expect(payload.executions[0]).toMatchObject({
      ordinal: 1,
      offset: 0,
      duration: 0.02,
      incomplete: false,
      params: '{}',
      result: null,
      error: 'bad row 7',
    });
    expect(payload.executions[1]?.result).toBe('{\n  "ok": true\n}');
    // Running: its duration is how long it had run by the end of the run.
    expect(payload.executions[2]).toMatchObject({
      incomplete: true,
      end: null,
      offset: 25_000,
      params: '{\n  "q": 1\n}',
    });
    expect(payload.executions[2]?.duration).toBeCloseTo(0.015, 9);

    expect(payload.events).toEqual([
      expect.objectContaining({
        name: 'output',
        source: 'a',
        target: 'b',
        offset: 5_000,
        on: 'a #1',
        running: 1,
        data: '{\n  "n": 3\n}',
      }),
      expect.objectContaining({
        name: 'tick',
        source: 'ghost',
        target: null,
        on: null,
        running: 0,
        data: '{}',
      }),
    ]);
  });
});

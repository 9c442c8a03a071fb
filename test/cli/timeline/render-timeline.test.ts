import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  DEFAULT_MAX_TIMELINE_ROWS,
  renderTimelineHtml,
} from '../../../src/cli/timeline/render-timeline.js';
import type { TimelinePayload } from '../../../src/cli/timeline/timeline-data.js';
import {
  ExecutionTracker,
  type SerializedTracker,
} from '../../../src/index.js';
import { fixedRun } from './sample-run.js';

const FIXTURE = JSON.parse(
  readFileSync(
    new URL('../../fixtures/routilux/routilux-0.11.0.json', import.meta.url),
    'utf8',
  ),
) as { vectors: { name: string; serialized: SerializedTracker }[] };

const GENERATED = new Date('2026-02-01T12:00:00.000Z');

/** The JSON the page's script reads. */
function payloadOf(html: string): TimelinePayload {
  const json =
    /<script type="application\/json" id="timeline-data">([\s\S]*?)<\/script>/.exec(
      html,
    )?.[1];
  if (json === undefined) throw new Error('no data element');
  return JSON.parse(json) as TimelinePayload;
}

function count(html: string, pattern: RegExp): number {
  return html.match(pattern)?.length ?? 0;
}

const BARS = /<div class="bar status-/g;
const MARKS = /<span class="mark"/g;

describe('renderTimelineHtml: a self-contained page', () => {
  const html = renderTimelineHtml(
    fixedRun(
      [
        { id: 'extract', start: 0, end: 40, params: { source: 'db' } },
        { id: 'transform', start: 10, end: 60, status: 'failed', error: 'x' },
        { id: 'load', start: 50 },
      ],
      [
        { source: 'extract', at: 20 },
        { source: 'scheduler', at: 70 },
      ],
      'nightly',
    ),
    { generatedAt: GENERATED },
  );

  it('is one HTML document with a policy that forbids every load', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    const csp =
      /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(
        html,
      )?.[1];
    expect(csp).toBeDefined();
    const directives = (csp ?? '').replace(/&#39;/g, "'").split('; ');
    expect(directives).toContain("default-src 'none'");
    expect(directives).toContain("base-uri 'none'");
    expect(directives).toContain("form-action 'none'");
    // Nothing but the page's own script may run: its hash is pinned.
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(script, 'utf8').digest('base64');
    expect(directives).toContain(`script-src 'sha256-${hash}'`);
    // The policy comes before anything that could load or run.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(
      html.indexOf('<style>'),
    );
  });

  it('refers to nothing outside itself', () => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\b(src|href|action|srcset)=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(count(html, /<script/g)).toBe(2);
    expect(count(html, /<link/g)).toBe(0);
  });

  it('draws a row per execution, the running one incomplete, and every event', () => {
    expect(count(html, BARS)).toBe(3);
    expect(html).toContain(
      '<div class="bar status-completed" style="left:0%;width:57.143%" data-x="0"',
    );
    expect(html).toContain(
      '<div class="bar status-failed" style="left:14.286%;width:71.429%" data-x="1"',
    );
    expect(html).toContain(
      '<div class="bar status-running incomplete" style="left:71.429%;width:28.571%" data-x="2"',
    );
    expect(count(html, MARKS)).toBe(2);
    // The scheduler ran nothing here: its event is on the flow row.
    expect(html).toMatch(
      /<div class="row flow-row">.*<span class="mark" style="left:100%" data-e="1"/,
    );
    expect(html).toContain('≥ 20.0 ms');
  });

  it('has a time axis with ticks, a legend, a title and the generation time', () => {
    expect(html).toContain(
      '<span class="tick first" style="left:0%">0 ms</span>',
    );
    expect(html).toContain(
      '<span class="tick" style="left:85.714%">60 ms</span>',
    );
    for (const status of [
      'completed',
      'failed',
      'error_continued',
      'skipped',
      'running',
    ]) {
      expect(html).toContain(
        `<span class="swatch status-${status}"></span>${status}</li>`,
      );
    }
    expect(html).toContain(
      '<span class="swatch status-other"></span>other status</li>',
    );
    expect(html).toContain('<title>flow nightly</title>');
    expect(html).toContain('generated <time>2026-02-01T12:00:00.000Z</time>');
  });

  it('embeds the details of every bar and mark as data', () => {
    const payload = payloadOf(html);
    expect(payload.executions.map((x) => x.routine)).toEqual([
      'extract',
      'transform',
      'load',
    ]);
    expect(payload.executions[0]?.params).toBe('{\n  "source": "db"\n}');
    expect(payload.executions[1]?.error).toBe('x');
    expect(payload.events.map((e) => e.on)).toEqual(['extract #1', null]);
  });

  it('takes the title from the options', () => {
    const titled = renderTimelineHtml(
      fixedRun([{ id: 'a', start: 0, end: 1 }]),
      {
        title: 'Nightly <import>',
        generatedAt: GENERATED,
      },
    );
    expect(titled).toContain('<title>Nightly &lt;import&gt;</title>');
    expect(titled).toContain('<h1>Nightly &lt;import&gt;</h1>');
  });
});

describe('renderTimelineHtml: escaping', () => {
  const IMG = '<img src=x onerror=alert(1)>';
  const SCRIPT = '</script><script>window.__pwned=1</script>';
  const html = renderTimelineHtml(
    fixedRun(
      [
        {
          id: IMG,
          start: 0,
          end: 10,
          params: { note: SCRIPT, [IMG]: '<!--' },
          result: { html: '<b>bold</b>' },
        },
        {
          id: 'b',
          start: 2,
          end: 8,
          status: '<i>odd</i>',
          error: '<svg onload=alert(2)>',
        },
      ],
      [
        {
          source: IMG,
          at: 5,
          name: '<u>event</u>',
          target: '"><x>',
          data: { s: SCRIPT },
        },
      ],
      '<em>flow</em>',
    ),
    { generatedAt: GENERATED },
  );

  it('shows markup in ids, names, params, results and errors as text', () => {
    for (const markup of [
      IMG,
      '<b>bold</b>',
      '<i>odd</i>',
      '<svg',
      '<u>event</u>',
      '<em>flow</em>',
      '<x>',
      'window.__pwned=1</script>',
      '<!--',
    ]) {
      expect(html, markup).not.toContain(markup);
    }
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<title>flow &lt;em&gt;flow&lt;/em&gt;</title>');
    expect(html).toContain(
      'title="&lt;img src=x onerror=alert(1)&gt;">&lt;img src=x onerror=alert(1)&gt;<span class="ordinal">#1</span>',
    );
    // A status outside the known ones colours as other, never as a class of its own.
    expect(html).toContain('<div class="bar status-other"');
    expect(count(html, /<script/g)).toBe(2);
    expect(count(html, /<\/script>/g)).toBe(2);
  });

  it('writes them into the data with < escaped, and reads back the same', () => {
    const data =
      /id="timeline-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(data).not.toMatch(/[<>]/);
    expect(data).toContain('\\u003c/script\\u003e');
    const payload = payloadOf(html);
    expect(payload.executions[0]?.routine).toBe(IMG);
    expect(JSON.parse(payload.executions[0]?.params ?? '')).toEqual({
      note: SCRIPT,
      [IMG]: '<!--',
    });
    expect(payload.executions[1]?.error).toBe('<svg onload=alert(2)>');
    expect(payload.executions[1]?.status).toBe('<i>odd</i>');
    expect(payload.events[0]).toMatchObject({
      name: '<u>event</u>',
      target: '"><x>',
      on: `${IMG} #1`,
    });
  });
});

describe('renderTimelineHtml: every routilux 0.11.0 vector', () => {
  for (const vector of FIXTURE.vectors) {
    it(`renders ${vector.name}`, () => {
      const tracker = ExecutionTracker.deserialize(vector.serialized);
      const html = renderTimelineHtml(tracker, { generatedAt: GENERATED });
      const records = Object.values(
        vector.serialized.routine_executions,
      ).flat();
      expect(count(html, BARS)).toBe(records.length);
      expect(count(html, /<div class="bar [^"]*incomplete/g)).toBe(
        records.filter((record) => record.end_time === undefined).length,
      );
      expect(count(html, MARKS)).toBe(vector.serialized.event_flow.length);
      expect(html).toContain(`<code>${vector.serialized.flow_id}</code>`);
      const payload = payloadOf(html);
      expect(payload.executions).toHaveLength(records.length);
      expect(payload.events).toHaveLength(vector.serialized.event_flow.length);
      const body = /<tbody>([\s\S]*)<\/tbody>/.exec(html)?.[1] ?? '';
      const rows = count(body, /<tr[ >]/g);
      expect(rows).toBe(
        Math.max(1, Object.keys(vector.serialized.routine_executions).length),
      );
    });
  }

  it('puts the events of routilux_chain, sent by Python object ids, on the flow row and cuts their data', () => {
    const vector = FIXTURE.vectors.find((v) => v.name === 'routilux_chain');
    if (vector === undefined) throw new Error('routilux_chain is missing');
    const html = renderTimelineHtml(
      ExecutionTracker.deserialize(vector.serialized),
      { generatedAt: GENERATED },
    );
    const payload = payloadOf(html);
    expect(payload.events.every((e) => e.on === null)).toBe(true);
    expect(payload.events.every((e) => e.source.startsWith('0x7f'))).toBe(true);
    // The job state each event carries is longer than the details show.
    expect(payload.events[0]?.data).toMatch(/… \(\d+ more characters\)$/);
    expect(payload.executions[0]).toMatchObject({
      routine: 'source',
      status: 'running',
      incomplete: true,
    });
  });
});

describe('renderTimelineHtml: the performance table', () => {
  it('shows the figures of getPerformanceMetrics', () => {
    const tracker = fixedRun([
      { id: 'w', start: 0, end: 5 },
      { id: 'w', start: 5, end: 15 },
      { id: 'w', start: 15, end: 30 },
      { id: 'w', start: 30, end: 30.5, status: 'failed', error: 'timeout' },
      { id: 'v', start: 0, end: 2 },
    ]);
    const metrics = tracker.getPerformanceMetrics();
    const html = renderTimelineHtml(tracker, { generatedAt: GENERATED });
    const w = metrics.routines.w;
    const ms = (seconds: number | undefined): string =>
      ((seconds ?? 0) * 1000).toFixed(1);
    const row =
      '<tr class="bottleneck"><th scope="row"><span class="routine-name">w</span> <span class="badge">bottleneck</span></th>' +
      '<td class="num">4</td><td class="num has-failures">1</td><td class="num">75.0%</td>' +
      `<td class="num">${ms(w?.avg_execution_time)}</td><td class="num">${ms(w?.p50_execution_time)}</td>` +
      `<td class="num">${ms(w?.p95_execution_time)}</td><td class="num">15.0</td>`;
    expect(ms(w?.avg_execution_time)).toBe('7.6');
    expect(html).toContain(row);
    expect(html).toContain(
      `<span class="share-text">${((metrics.bottlenecks[0]?.share ?? 0) * 100).toFixed(1)}%</span>`,
    );
    expect(html).toContain(
      '<span class="routine-name">v</span></th><td class="num">1</td>',
    );
  });
});

describe('renderTimelineHtml: large runs', () => {
  it(`draws at most ${DEFAULT_MAX_TIMELINE_ROWS} rows and says how many were left out`, () => {
    const tracker = new ExecutionTracker({
      flowId: 'big',
      maxExecutionsPerRoutine: Infinity,
    });
    for (let i = 0; i < 6000; i++) {
      const execution = tracker.recordRoutineStart(`r${i % 7}`, { i });
      execution.recordEvent('output', null, { i });
      execution.end('completed', { i });
    }
    tracker.end();
    const html = renderTimelineHtml(tracker, { generatedAt: GENERATED });
    expect(count(html, BARS)).toBe(DEFAULT_MAX_TIMELINE_ROWS);
    expect(html).toContain(
      'Showing the first 5,000 of 6,000 executions by start time; 1,000 left out.',
    );
    expect(html).toContain('1,000 of 6,000 events not marked.');
    expect(payloadOf(html).executions).toHaveLength(DEFAULT_MAX_TIMELINE_ROWS);
    // The table still covers every execution.
    expect(html).toContain('6,000 executions of 7 routines');
  });

  it('takes smaller bounds from the options', () => {
    const tracker = fixedRun(
      Array.from({ length: 10 }, (_, i) => ({ id: 'a', start: i, end: i + 1 })),
      Array.from({ length: 10 }, (_, i) => ({ source: 'a', at: i + 0.5 })),
    );
    const html = renderTimelineHtml(tracker, {
      maxRows: 3,
      maxEventMarks: 2,
      generatedAt: GENERATED,
    });
    expect(count(html, BARS)).toBe(3);
    expect(count(html, MARKS)).toBe(2);
    expect(html).toContain('Showing the first 3 of 10 executions');
    expect(html).toContain('8 of 10 events not marked.');
  });

  it('says so when the tracker itself had dropped records', () => {
    const tracker = new ExecutionTracker({ flowId: 'bounded', maxEvents: 2 });
    for (let i = 0; i < 5; i++) tracker.recordEvent('a', 'tick');
    const html = renderTimelineHtml(tracker, { generatedAt: GENERATED });
    expect(html).toContain('0 executions and 3 events were dropped');
  });
});

describe('renderTimelineHtml: an empty run', () => {
  it('renders a page that says nothing was recorded', () => {
    const html = renderTimelineHtml(new ExecutionTracker('empty'), {
      generatedAt: GENERATED,
    });
    expect(html).toContain('Nothing was recorded in this run.');
    expect(html).toContain('No executions recorded.');
    expect(count(html, BARS)).toBe(0);
  });
});

/**
 * The timeline page in a real headless Chromium (Debian's, at
 * /usr/bin/chromium): what it draws, what hovering shows, that markup in
 * the data stays text, and that opening it sends nothing anywhere.
 */
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  chromium,
  type Browser,
  type Locator,
  type Page,
} from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  CHROMIUM_PATH,
  HEADLESS_CHROMIUM_ARGS,
} from '../../../scripts/ensure-chromium.mjs';
import { renderTimelineHtml } from '../../../src/cli/timeline/render-timeline.js';
import { parseTimestamp } from '../../../src/format/timestamps.js';
import {
  ExecutionTracker,
  type PerformanceMetrics,
  type SerializedTracker,
} from '../../../src/index.js';
import {
  MARKUP_IMG,
  MARKUP_ROUTINE_ID,
  MARKUP_SCRIPT,
  recordSampleRun,
} from './sample-run.js';

const CHROMIUM = CHROMIUM_PATH;
const CHROMIUM_MISSING = `${CHROMIUM} is missing: the timeline browser tests need Debian's chromium package (apt-get install chromium)`;

/** The bar colours of the stylesheet, as the browser computes them. */
const STATUS_COLOURS: Record<string, string> = {
  completed: 'rgb(47, 158, 107)',
  failed: 'rgb(217, 63, 63)',
  error_continued: 'rgb(229, 138, 43)',
  skipped: 'rgb(154, 163, 178)',
  running: 'rgb(58, 123, 213)',
  other: 'rgb(139, 98, 208)',
};

const FIXTURE = JSON.parse(
  readFileSync(
    new URL('../../fixtures/routilux/routilux-0.11.0.json', import.meta.url),
    'utf8',
  ),
) as { vectors: { name: string; serialized: SerializedTracker }[] };

/** An open page, with everything it asked for and complained about. */
interface OpenedPage {
  readonly page: Page;
  readonly url: string;
  readonly requests: string[];
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  /** Requests that failed, with why: `url reason`. */
  readonly failures: string[];
}

/** What the page shows of one execution row. */
interface RowInfo {
  label: string;
  duration: string;
  barClass: string;
  left: number;
  width: number;
  trackLeft: number;
  trackWidth: number;
  marks: number;
  background: string;
  backgroundImage: string;
}

let browser: Browser | undefined;
let scratch = '';
let pages = 0;

async function open(html: string): Promise<OpenedPage> {
  // Every test that needs the browser fails with this, rather than being
  // skipped, when Chromium is not installed.
  if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_MISSING);
  if (browser === undefined) throw new Error('Chromium did not start');
  const file = join(scratch, `timeline-${++pages}.html`);
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({
    viewport: { width: 1280, height: 800 },
  });
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const failures: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('requestfailed', (request) =>
    failures.push(`${request.url()} ${request.failure()?.errorText ?? ''}`),
  );
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // Belt and braces: should the page ever ask for anything but itself,
  // the request is recorded above and goes nowhere.
  await page.route('**/*', (route) =>
    route.request().url() === url ? route.continue() : route.abort(),
  );
  await page.goto(url, { waitUntil: 'load' });
  return { page, url, requests, consoleErrors, pageErrors, failures };
}

/**
 * The little of the DOM that the functions run in the page use: the
 * project is type-checked without the DOM library, which would otherwise
 * let library code use browser globals unnoticed.
 */
interface DomRect {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly width: number;
  readonly height: number;
}
interface DomElement {
  readonly className: string;
  readonly tagName: string;
  readonly textContent: string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  getBoundingClientRect(): DomRect;
}
interface DomWindow {
  readonly document: {
    readonly scripts: ArrayLike<DomElement>;
    querySelectorAll(selector: string): ArrayLike<DomElement>;
    elementFromPoint(x: number, y: number): DomElement | null;
    addEventListener(
      type: 'securitypolicyviolation',
      listener: (event: { readonly effectiveDirective: string }) => void,
    ): void;
  };
  readonly Image: new () => {
    onload: (() => void) | null;
    onerror: (() => void) | null;
    src: string;
  };
  readonly __pwned?: unknown;
  getComputedStyle(element: DomElement): {
    readonly backgroundColor: string;
    readonly backgroundImage: string;
  };
}

async function rowsOf(page: Page): Promise<RowInfo[]> {
  return page.evaluate(() => {
    const win = globalThis as unknown as DomWindow;
    const rows = Array.from(
      win.document.querySelectorAll('.row:not(.flow-row)'),
    );
    return rows.map((row): RowInfo => {
      const part = (selector: string): DomElement => {
        const found = row.querySelector(selector);
        if (found === null) throw new Error(`no ${selector} in a row`);
        return found;
      };
      const bar = part('.bar');
      const box = bar.getBoundingClientRect();
      const trackBox = part('.track').getBoundingClientRect();
      const style = win.getComputedStyle(bar);
      return {
        label: part('.label').textContent ?? '',
        duration: part('.dur').textContent ?? '',
        barClass: bar.className,
        left: box.left,
        width: box.width,
        trackLeft: trackBox.left,
        trackWidth: trackBox.width,
        marks: row.querySelectorAll('.mark').length,
        background: style.backgroundColor,
        backgroundImage: style.backgroundImage,
      };
    });
  });
}

/** The text of every cell of every body row of the performance table. */
async function tableCells(page: Page): Promise<string[][]> {
  return page.evaluate(() => {
    const win = globalThis as unknown as DomWindow;
    return Array.from(
      win.document.querySelectorAll('.perf-table tbody tr'),
    ).map((row) =>
      Array.from(row.querySelectorAll('th, td')).map((cell) =>
        (cell.textContent ?? '').replace(/\s+/g, ' ').trim(),
      ),
    );
  });
}

/**
 * Hovers a bar where no event mark covers it: marks sit above bars, and
 * where one does the mark is what the pointer is over.
 */
async function hoverBar(bar: Locator): Promise<void> {
  await bar.scrollIntoViewIfNeeded();
  const point = await bar.evaluate((element: DomElement) => {
    const win = globalThis as unknown as DomWindow;
    const box = element.getBoundingClientRect();
    const y = box.top + box.height / 2;
    for (let x = box.left + 1; x < box.right; x += 1) {
      if (win.document.elementFromPoint(x, y) === element) return { x, y };
    }
    return null;
  });
  if (point === null) throw new Error('every point of the bar is covered');
  await bar.page().mouse.move(point.x, point.y);
}

async function tooltipText(page: Page): Promise<string> {
  await page.locator('#tooltip').waitFor({ state: 'visible' });
  return (await page.locator('#tooltip').textContent()) ?? '';
}

function ms(seconds: number | undefined): string {
  return ((seconds ?? 0) * 1000).toFixed(1);
}

function percent(fraction: number | undefined): string {
  return `${((fraction ?? 0) * 100).toFixed(1)}%`;
}

/** The table's rows as the figures of `metrics` say they must read. */
function expectedTable(metrics: PerformanceMetrics): string[][] {
  return metrics.bottlenecks.map((entry, index) => {
    const perf = metrics.routines[entry.routine_id];
    return [
      index === 0 && entry.share > 0
        ? `${entry.routine_id} bottleneck`
        : entry.routine_id,
      String(perf?.total_executions ?? 0),
      String(perf?.failed ?? 0),
      percent(perf?.success_rate),
      ms(perf?.avg_execution_time),
      ms(perf?.p50_execution_time),
      ms(perf?.p95_execution_time),
      ms(perf?.max_execution_time),
      percent(entry.share),
    ];
  });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return;
  scratch = mkdtempSync(join(tmpdir(), 'timeline-browser-'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...HEADLESS_CHROMIUM_ARGS],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

describe(
  'the timeline of a recorded run, in Chromium',
  { timeout: 60_000 },
  () => {
    // Recorded and opened once, by the first test that asks: a hook that
    // failed would skip the tests, and a missing Chromium must fail them.
    let sample:
      Promise<{ tracker: ExecutionTracker; opened: OpenedPage }> | undefined;
    const sampleRun = (): Promise<{
      tracker: ExecutionTracker;
      opened: OpenedPage;
    }> =>
      (sample ??= (async () => {
        const tracker = await recordSampleRun();
        const opened = await open(
          renderTimelineHtml(tracker, { title: 'sample run' }),
        );
        return { tracker, opened };
      })());

    afterAll(async () => {
      const opened = await sample?.then(
        (run) => run.opened,
        () => undefined,
      );
      await opened?.page.close();
    });

    it("finds Debian's Chromium", () => {
      expect(existsSync(CHROMIUM), CHROMIUM_MISSING).toBe(true);
    });

    it('draws a row per execution and a mark per event', async () => {
      const { tracker, opened } = await sampleRun();
      const records = [...tracker.routineExecutions.values()].flat();
      const { page } = opened;
      expect(records).toHaveLength(11);
      expect(await page.locator('.bar').count()).toBe(records.length);
      expect(await page.locator('.row:not(.flow-row)').count()).toBe(
        records.length,
      );
      expect(await page.locator('.mark').count()).toBe(
        tracker.eventFlow.length,
      );
      // The scheduler ran nothing in this flow: its tick is on the flow row.
      expect(await page.locator('.flow-row .mark').count()).toBe(1);

      const rows = await rowsOf(page);
      expect(rows.map((row) => row.label)).toEqual([
        'extract#1',
        'transform#1',
        'transform#2',
        'transform#3',
        'transform#4',
        'validate#1',
        'load#1',
        'audit#1',
        'notify#1',
        `${MARKUP_ROUTINE_ID}#1`,
        'load#2',
      ]);
      // extract emitted four batches; each transform but the failed one its
      // output; load its commit, and the second load, still running, progress.
      expect(rows.map((row) => row.marks)).toEqual([
        4, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1,
      ]);
    });

    it('places and sizes each bar by its times on the shared axis', async () => {
      const { tracker, opened } = await sampleRun();
      // Microseconds: at this scale a millisecond is several pixels.
      const micros = (text: string | undefined): number =>
        parseTimestamp(text ?? '') ?? Number.NaN;
      const starts: number[] = [];
      const ends: number[] = [];
      const records = [...tracker.routineExecutions.values()]
        .flat()
        .sort((a, b) => micros(a.start_time) - micros(b.start_time));
      for (const record of records) {
        starts.push(micros(record.start_time));
        if (record.end_time !== undefined) ends.push(micros(record.end_time));
      }
      const times = tracker.eventFlow.map((event) => micros(event.timestamp));
      const runStart = Math.min(...starts, ...times);
      const runEnd = Math.max(...starts, ...ends, ...times);
      const rows = await rowsOf(opened.page);
      rows.forEach((row, index) => {
        const record = records[index];
        const start = micros(record?.start_time);
        const end =
          record?.end_time === undefined ? runEnd : micros(record.end_time);
        const scale = row.trackWidth / (runEnd - runStart);
        expect(row.left - row.trackLeft, row.label).toBeCloseTo(
          (start - runStart) * scale,
          -0.5,
        );
        expect(row.width, row.label).toBeCloseTo(
          Math.max(3, (end - start) * scale),
          -0.5,
        );
      });
    });

    it('colours each bar by its status and draws the running one as incomplete', async () => {
      const { opened } = await sampleRun();
      const rows = await rowsOf(opened.page);
      const byLabel = new Map(rows.map((row) => [row.label, row]));
      const expected: [string, string][] = [
        ['extract#1', 'completed'],
        ['transform#3', 'failed'],
        ['validate#1', 'error_continued'],
        ['notify#1', 'skipped'],
        ['load#2', 'running'],
        ['audit#1', 'other'],
      ];
      for (const [label, status] of expected) {
        const row = byLabel.get(label);
        expect(row?.barClass, label).toContain(`status-${status}`);
        expect(row?.background, label).toBe(STATUS_COLOURS[status]);
      }
      expect(new Set(Object.values(STATUS_COLOURS)).size).toBe(6);
      const running = byLabel.get('load#2');
      expect(running?.barClass).toContain('incomplete');
      expect(running?.backgroundImage).toContain('repeating-linear-gradient');
      expect(running?.duration.startsWith('≥ ')).toBe(true);
      // It runs to the end of the axis.
      expect((running?.left ?? 0) + (running?.width ?? 0)).toBeCloseTo(
        (running?.trackLeft ?? 0) + (running?.trackWidth ?? 0),
        0,
      );
      expect(byLabel.get('load#1')?.backgroundImage).toBe('none');
    });

    it('shows params, result and error on hover, and hides them after', async () => {
      const { opened } = await sampleRun();
      const { page } = opened;
      await hoverBar(page.locator('.bar.status-failed'));
      let text = await tooltipText(page);
      expect(text).toContain('transform #3');
      expect(text).toContain('failed');
      expect(text).toContain('"batch": 3');
      expect(text).toContain('ValueError: bad row 7 in batch 3');
      expect(text).not.toContain('result');

      await hoverBar(page.locator('.bar').first());
      text = await tooltipText(page);
      expect(text).toContain('extract #1');
      expect(text).toContain('"source": "orders.csv"');
      expect(text).toContain('"batch_size": 250');
      expect(text).toContain('"rows": 1000');

      await hoverBar(page.locator('.bar.status-error_continued'));
      text = await tooltipText(page);
      expect(text).toContain('"checked": 747');
      expect(text).toContain('schema drift: column "amount" holds strings');

      await page.mouse.move(2, 2);
      await expect.poll(() => page.locator('#tooltip').isHidden()).toBe(true);
    });

    it('shows an event on hover, with its data and the row it is drawn on', async () => {
      const { opened } = await sampleRun();
      const { page } = opened;
      await page.locator('.flow-row .mark').hover();
      let text = await tooltipText(page);
      expect(text).toContain('event tick');
      expect(text).toContain('scheduler');
      expect(text).toContain('"cron": "0 2 * * *"');
      expect(text).toContain(
        'the flow row: no execution of its source was running',
      );

      await page.locator('.row:not(.flow-row)').last().locator('.mark').hover();
      text = await tooltipText(page);
      expect(text).toContain('event progress');
      expect(text).toContain('"of": 1000');
      expect(text).toContain('load #2');
    });

    it('pins the details on click until Escape', async () => {
      const { opened } = await sampleRun();
      const { page } = opened;
      await hoverBar(page.locator('.bar.status-skipped'));
      await page.mouse.down();
      await page.mouse.up();
      await page.mouse.move(2, 2);
      const text = await tooltipText(page);
      expect(text).toContain('notify #1');
      expect(text).toContain('"reason": "quiet hours"');
      expect(await page.locator('#tooltip').getAttribute('class')).toContain(
        'pinned',
      );
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('#tooltip').isHidden()).toBe(true);
    });

    it('has the performance table with the figures of getPerformanceMetrics', async () => {
      const { tracker, opened } = await sampleRun();
      const { page } = opened;
      const cells = await tableCells(page);
      const metrics = tracker.getPerformanceMetrics();
      expect(cells).toEqual(expectedTable(metrics));
      expect(cells.map((row) => row[0])).toContain(MARKUP_ROUTINE_ID);
      expect(metrics.bottlenecks[0]?.routine_id).toBe('transform');
      expect(await page.locator('.perf-table tr.bottleneck').count()).toBe(1);
      expect(
        await page.locator('.perf-table tr.bottleneck th').textContent(),
      ).toContain('transform');
    });

    it('shows markup in the data as literal text and runs none of it', async () => {
      const { opened } = await sampleRun();
      const { page } = opened;
      const label = page.locator('.row .label', { hasText: MARKUP_ROUTINE_ID });
      expect(await label.textContent()).toBe(`${MARKUP_ROUTINE_ID}#1`);
      const bar = page
        .locator('.row', {
          has: page.locator('.label', { hasText: MARKUP_ROUTINE_ID }),
        })
        .locator('.bar');
      await hoverBar(bar);
      const text = await tooltipText(page);
      expect(text).toContain(MARKUP_ROUTINE_ID);
      expect(text).toContain(JSON.stringify(MARKUP_SCRIPT));
      expect(text).toContain(JSON.stringify(MARKUP_IMG));
      expect(text).toContain('"<b>done</b>"');

      const injected = await page.evaluate(() => {
        const win = globalThis as unknown as DomWindow;
        return {
          pwned: win.__pwned,
          bold: win.document.querySelectorAll('b').length,
          images: win.document.querySelectorAll('img').length,
          scripts: win.document.scripts.length,
          tooltipElements: Array.from(
            win.document.querySelectorAll('#tooltip *'),
          ).map((node) => node.tagName),
        };
      });
      expect(injected.pwned).toBeUndefined();
      expect(injected.bold).toBe(0);
      expect(injected.images).toBe(0);
      expect(injected.scripts).toBe(2);
      expect(new Set(injected.tooltipElements)).toEqual(
        new Set(['DIV', 'SPAN', 'DL', 'DT', 'DD', 'PRE']),
      );
      expect(await page.title()).toBe('sample run');
    });

    it('requested nothing but its own file, and logged no error', async () => {
      const { opened } = await sampleRun();
      expect(opened.requests).toEqual([opened.url]);
      expect(opened.consoleErrors).toEqual([]);
      expect(opened.pageErrors).toEqual([]);
    });
  },
);

describe(
  'the Content-Security-Policy of the page, in Chromium',
  { timeout: 60_000 },
  () => {
    let server: Server;
    let hits = 0;
    let port = 0;

    beforeAll(async () => {
      server = createServer((_request, response) => {
        hits++;
        response.end('seen');
      });
      await new Promise<void>((resolve) =>
        server.listen(0, '127.0.0.1', resolve),
      );
      port = (server.address() as AddressInfo).port;
    });

    afterAll(async () => {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    });

    it('blocks loads the page might attempt, before they leave it', async () => {
      const opened = await open(
        renderTimelineHtml(new ExecutionTracker('csp'), { title: 'csp' }),
      );
      try {
        const base = `http://127.0.0.1:${port}`;
        const outcome = await opened.page.evaluate(async (origin) => {
          const win = globalThis as unknown as DomWindow;
          const violations: string[] = [];
          win.document.addEventListener('securitypolicyviolation', (event) => {
            violations.push(event.effectiveDirective);
          });
          const fetched = await fetch(`${origin}/fetch`).then(
            () => 'loaded',
            () => 'blocked',
          );
          const image = await new Promise<string>((resolve) => {
            const img = new win.Image();
            img.onload = () => {
              resolve('loaded');
            };
            img.onerror = () => {
              resolve('blocked');
            };
            img.src = `${origin}/image.png`;
          });
          await new Promise((resolve) => setTimeout(resolve, 100));
          return { fetched, image, violations };
        }, base);
        expect(outcome.fetched).toBe('blocked');
        expect(outcome.image).toBe('blocked');
        expect(outcome.violations).toEqual(
          expect.arrayContaining(['connect-src', 'img-src']),
        );
        // Chromium reports the image it was asked for, then fails it on the
        // policy; the server never hears of either.
        expect(hits).toBe(0);
        for (const url of opened.requests.filter((url) =>
          url.startsWith(base),
        )) {
          expect(opened.failures).toContain(`${url} csp`);
        }
      } finally {
        await opened.page.close();
      }
    });
  },
);

describe(
  'the timeline of routilux dumps, in Chromium',
  { timeout: 60_000 },
  () => {
    it('renders routilux_chain, a real routilux Flow, with its events on the flow row', async () => {
      const vector = FIXTURE.vectors.find((v) => v.name === 'routilux_chain');
      if (vector === undefined) throw new Error('routilux_chain is missing');
      const tracker = ExecutionTracker.deserialize(vector.serialized);
      const opened = await open(renderTimelineHtml(tracker));
      try {
        const { page } = opened;
        expect(await page.locator('.bar').count()).toBe(1);
        expect(
          await page.locator('.bar.status-running.incomplete').count(),
        ).toBe(1);
        expect(await page.locator('.flow-row .mark').count()).toBe(6);
        await page.locator('.flow-row .mark').first().hover();
        const text = await tooltipText(page);
        expect(text).toContain('0x7f1019482990');
        expect(text).toContain('0x7f1019482dd0');
        expect(text).toMatch(/more characters\)/);
        const cells = await tableCells(page);
        expect(cells).toEqual(expectedTable(tracker.getPerformanceMetrics()));
        expect(opened.requests).toEqual([opened.url]);
        expect(opened.consoleErrors).toEqual([]);
        expect(opened.pageErrors).toEqual([]);
      } finally {
        await opened.page.close();
      }
    });

    it('renders every other vector without an error', async () => {
      for (const vector of FIXTURE.vectors) {
        const tracker = ExecutionTracker.deserialize(vector.serialized);
        const opened = await open(renderTimelineHtml(tracker));
        try {
          const records = Object.values(
            vector.serialized.routine_executions,
          ).flat();
          expect(await opened.page.locator('.bar').count(), vector.name).toBe(
            records.length,
          );
          expect(await opened.page.locator('.mark').count(), vector.name).toBe(
            vector.serialized.event_flow.length,
          );
          expect(opened.consoleErrors, vector.name).toEqual([]);
          expect(opened.pageErrors, vector.name).toEqual([]);
          expect(opened.requests, vector.name).toEqual([opened.url]);
        } finally {
          await opened.page.close();
        }
      }
    });
  },
);

describe(
  'the timeline of a large run, in Chromium',
  { timeout: 120_000 },
  () => {
    it('opens a run of 6,000 executions with the rows capped, and shows the details of a late bar', async () => {
      const tracker = new ExecutionTracker({ flowId: 'large' });
      for (let i = 0; i < 6000; i++) {
        const execution = tracker.recordRoutineStart(`step-${i % 12}`, { i });
        if (i % 3 === 0) execution.recordEvent('output', null, { i });
        execution.end(
          i % 97 === 0 ? 'failed' : 'completed',
          { i },
          i % 97 === 0 ? 'boom' : undefined,
        );
      }
      tracker.end();
      const opened = await open(renderTimelineHtml(tracker));
      try {
        const { page } = opened;
        expect(await page.locator('.bar').count()).toBe(5000);
        expect(await page.locator('.notice').first().textContent()).toBe(
          'Showing the first 5,000 of 6,000 executions by start time; 1,000 left out.',
        );
        await hoverBar(page.locator('.bar').nth(4000));
        expect(await tooltipText(page)).toContain('"i": 4000');
        expect(opened.consoleErrors).toEqual([]);
        expect(opened.pageErrors).toEqual([]);
        expect(opened.requests).toEqual([opened.url]);
      } finally {
        await opened.page.close();
      }
    });
  },
);

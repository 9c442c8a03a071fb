import { createHash } from 'node:crypto';

import { formatTimestamp } from '../../format/timestamps.js';
import { logger } from '../../internal/diag.js';
import { safeString } from '../../internal/values.js';
import type { PerformanceMetrics } from '../../records.js';
import type { ExecutionTracker } from '../../tracker/execution-tracker.js';
import { escapeHtml, jsonForScript } from './escape-html.js';
import { renderPerformanceSection } from './performance-section.js';
import {
  buildPayload,
  collectRun,
  cutText,
  type RunExecution,
  type RunRecords,
} from './timeline-data.js';
import { formatCount, formatDuration, formatTick } from './timeline-format.js';
import {
  layoutTimeline,
  STATUS_CLASSES,
  type StatusClass,
  type TimelineLayout,
} from './timeline-layout.js';
import { TIMELINE_SCRIPT } from './timeline-script.js';
import { TIMELINE_STYLE } from './timeline-style.js';

/** Execution rows drawn at most by default. */
export const DEFAULT_MAX_TIMELINE_ROWS = 5000;

/** Event marks drawn at most by default. */
export const DEFAULT_MAX_EVENT_MARKS = 20_000;

/** How {@link renderTimelineHtml} titles and bounds the page. */
export interface TimelineOptions {
  /** The page's title; `flow <flow id>` by default. */
  readonly title?: string;
  /** The time the page says it was generated at; now by default. */
  readonly generatedAt?: Date;
  /**
   * Execution rows drawn at most (default 5,000): the earliest-starting
   * ones are drawn and the page says how many were left out.
   */
  readonly maxRows?: number;
  /** Event marks drawn at most (default 20,000). */
  readonly maxEventMarks?: number;
}

// The page may run exactly this script and nothing else: the hash pins it.
// Styles must allow inline `style` attributes, which position the bars;
// they cannot load anything, since every fetch directive falls back to
// `default-src 'none'`.
const SCRIPT_HASH = createHash('sha256')
  .update(TIMELINE_SCRIPT, 'utf8')
  .digest('base64');
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  `script-src 'sha256-${SCRIPT_HASH}'`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const STATUS_LABELS: Readonly<Record<StatusClass, string>> = {
  completed: 'completed',
  failed: 'failed',
  error_continued: 'error_continued',
  skipped: 'skipped',
  running: 'running',
  other: 'other status',
};

/**
 * The run recorded by `tracker` as one self-contained HTML page: a
 * waterfall with one row per execution on the run's time axis, bars
 * coloured by status, events marked where they were emitted, details of
 * every bar and mark on hover, a legend, and the per-routine performance
 * table from `getPerformanceMetrics()`.
 *
 * The page needs no network: its style and script are inline and its
 * Content-Security-Policy forbids every load. Whatever the tracker holds
 * (routine ids, the flow id, event names, params, results, errors) is
 * written as escaped text or as JSON data the script reads as text, never
 * as markup. Runs larger than `maxRows` executions draw the earliest ones
 * and say how many were left out.
 *
 * @example
 * await writeFile('run.html', renderTimelineHtml(tracker, { title: 'nightly import' }));
 */
export function renderTimelineHtml(
  tracker: ExecutionTracker,
  options: TimelineOptions = {},
): string {
  const metrics = tracker.getPerformanceMetrics();
  const run = collectRun(tracker);
  const layout = layoutTimeline(run.executions, run.events, {
    maxRows: validLimit(options.maxRows, DEFAULT_MAX_TIMELINE_ROWS),
    maxEventMarks: validLimit(options.maxEventMarks, DEFAULT_MAX_EVENT_MARKS),
  });
  if (layout.omittedExecutions > 0 || layout.omittedEvents > 0) {
    logger.debug(
      `timeline: drew ${layout.rows.length} of ${run.executions.length} executions and ${layout.marks.length} of ${run.events.length} events`,
    );
  }
  const payload = buildPayload(run, layout);
  // Callers from plain JavaScript may pass anything as the title.
  const title =
    options.title === undefined
      ? `flow ${cutText(metrics.flow_id)}`
      : cutText(safeString(options.title));
  const generatedAt = options.generatedAt ?? new Date();
  const generated = Number.isNaN(generatedAt.getTime())
    ? 'an unknown time'
    : generatedAt.toISOString();

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CONTENT_SECURITY_POLICY)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${TIMELINE_STYLE}</style>`,
    '</head>',
    '<body>',
    renderHeader(title, generated, metrics, layout),
    renderTimelineSection(run, layout, metrics),
    renderPerformanceSection(metrics),
    '<div id="tooltip" class="tooltip" role="tooltip" hidden></div>',
    `<script type="application/json" id="timeline-data">${jsonForScript(payload)}</script>`,
    `<script>${TIMELINE_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function validLimit(value: number | undefined, fallback: number): number {
  return value !== undefined && value >= 0 ? Math.floor(value) : fallback;
}

function renderHeader(
  title: string,
  generated: string,
  metrics: PerformanceMetrics,
  layout: TimelineLayout,
): string {
  // The same counts as the table's summary line: `failed` is the status
  // of that name; `error_continued`, a failure the flow went on from, is
  // shown beside it only when there was one.
  const failed = metrics.status_counts.failed ?? 0;
  const continued = metrics.status_counts.error_continued ?? 0;
  // Each card: its name, its figure, and a class that colours the figure.
  const stats: (readonly [string, string, string])[] = [
    ['executions', formatCount(metrics.total_executions), ''],
    ['routines', formatCount(metrics.total_routines), ''],
    ['events', formatCount(metrics.total_events), ''],
    ['failed', formatCount(failed), failed > 0 ? 'is-failed' : ''],
  ];
  if (continued > 0) {
    stats.push(['error_continued', formatCount(continued), 'is-continued']);
  }
  stats.push(
    [
      'running',
      formatCount(metrics.running_executions),
      metrics.running_executions > 0 ? 'is-running' : '',
    ],
    ['wall time', formatDuration(metrics.wall_time), ''],
    ['throughput', `${metrics.throughput.toFixed(1)}/s`, ''],
  );
  const started =
    layout.rows.length > 0 || layout.marks.length > 0
      ? ` · run started <time>${escapeHtml(formatTimestamp(layout.startMicros))}</time>`
      : '';
  return [
    '<header>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="meta">flow <code>${escapeHtml(cutText(metrics.flow_id))}</code>${started} · generated <time>${escapeHtml(generated)}</time></p>`,
    '<dl class="summary">',
    ...stats.map(
      ([name, value, extra]) =>
        `<div${extra === '' ? '' : ` class="${extra}"`}><dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd></div>`,
    ),
    '</dl>',
    '</header>',
  ].join('\n');
}

function renderLegend(): string {
  const items = STATUS_CLASSES.map(
    (status) =>
      `<li><span class="swatch status-${status}"></span>${escapeHtml(STATUS_LABELS[status])}</li>`,
  );
  items.push(
    '<li><span class="swatch status-running incomplete"></span>no end recorded</li>',
    '<li><span class="swatch mark-swatch"></span>event</li>',
  );
  return `<ul class="legend" aria-label="Legend">${items.join('')}</ul>`;
}

function renderTimelineSection(
  run: RunRecords,
  layout: TimelineLayout,
  metrics: PerformanceMetrics,
): string {
  const notices: string[] = [];
  if (layout.omittedExecutions > 0) {
    notices.push(
      `Showing the first ${formatCount(layout.rows.length)} of ${formatCount(
        run.executions.length,
      )} executions by start time; ${formatCount(layout.omittedExecutions)} left out.`,
    );
  }
  if (layout.omittedEvents > 0) {
    notices.push(
      `${formatCount(layout.omittedEvents)} of ${formatCount(run.events.length)} events not marked.`,
    );
  }
  if (metrics.dropped_executions > 0 || metrics.dropped_events > 0) {
    notices.push(
      `The tracker kept only its most recent records: ${formatCount(
        metrics.dropped_executions,
      )} executions and ${formatCount(metrics.dropped_events)} events were dropped before this page was made.`,
    );
  }

  // The axis runs from the first start or event to the last end or event;
  // it can be longer than the metrics' wall time, which ends at the last
  // end and is 0 while nothing has ended.
  const span =
    layout.rows.length > 0 || layout.marks.length > 0
      ? ` <span class="span">${escapeHtml(
          formatDuration((layout.endMicros - layout.startMicros) / 1e6),
        )} from the first record to the last</span>`
      : '';

  const marksByRow = new Map<number | null, string[]>();
  layout.marks.forEach((mark, index) => {
    const list = marksByRow.get(mark.row) ?? [];
    const event = run.events[mark.event];
    const name = escapeHtml(
      event === undefined
        ? 'event'
        : `event ${cutText(event.record.event_name)} from ${cutText(event.sourceRoutineId)}`,
    );
    list.push(
      `<span class="mark" style="left:${mark.left}%" data-e="${index}" tabindex="0" aria-label="${name}"></span>`,
    );
    marksByRow.set(mark.row, list);
  });

  const rows: string[] = [];
  const flowMarks = marksByRow.get(null);
  if (flowMarks !== undefined) {
    rows.push(
      `<div class="row flow-row"><div class="label" title="events with no running execution of their source">flow events</div><div class="dur"></div><div class="track">${flowMarks.join('')}</div></div>`,
    );
  }
  layout.rows.forEach((row, index) => {
    const execution = run.executions[row.execution] as RunExecution;
    const routine = escapeHtml(cutText(execution.routineId));
    const seconds =
      execution.record.execution_time ??
      (row.drawnEndMicros - execution.startMicros) / 1e6;
    const duration = `${row.incomplete ? '≥ ' : ''}${formatDuration(seconds)}`;
    const classes = `bar status-${row.statusClass}${row.incomplete ? ' incomplete' : ''}`;
    const label = escapeHtml(
      `${cutText(execution.routineId)} #${execution.ordinal}: ${cutText(execution.status)}, ${duration}`,
    );
    rows.push(
      `<div class="row" data-status="${row.statusClass}">` +
        `<div class="label" title="${routine}">${routine}<span class="ordinal">#${execution.ordinal}</span></div>` +
        `<div class="dur">${escapeHtml(duration)}</div>` +
        `<div class="track"><div class="${classes}" style="left:${row.left}%;width:${row.width}%" data-x="${index}" tabindex="0" aria-label="${label}"></div>${(marksByRow.get(index) ?? []).join('')}</div>` +
        '</div>',
    );
  });

  const ticks = layout.ticks
    .map(
      (tick, index) =>
        `<span class="tick${index === 0 ? ' first' : ''}" style="left:${tick.left}%">${escapeHtml(
          formatTick(tick.offsetMicros, layout.tickStepMicros),
        )}</span>`,
    )
    .join('');
  const grid = layout.ticks
    .map((tick) => `<span style="left:${tick.left}%"></span>`)
    .join('');
  const axis = `<div class="axis"><div class="col-label">routine</div><div class="col-dur">duration</div><div class="ticks">${ticks}</div></div>`;
  const body =
    rows.length > 0
      ? `${axis}\n<div class="rows"><div class="grid">${grid}</div>\n${rows.join('\n')}\n</div>`
      : '<p class="empty-chart">Nothing was recorded in this run.</p>';

  return [
    '<section class="card timeline" aria-labelledby="timeline-heading">',
    `<div class="card-head"><h2 id="timeline-heading">Timeline${span}</h2>${renderLegend()}</div>`,
    ...notices.map((text) => `<p class="notice">${escapeHtml(text)}</p>`),
    '<div class="chart" id="chart">',
    body,
    '</div>',
    '</section>',
  ].join('\n');
}

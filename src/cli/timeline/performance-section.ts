import type { PerformanceMetrics } from '../../records.js';
import { escapeHtml } from './escape-html.js';
import { cutText } from './timeline-data.js';
import {
  formatCount,
  formatDuration,
  formatMilliseconds,
  formatPercent,
} from './timeline-format.js';

/** The columns of the table: heading, and whether it holds a figure. */
const COLUMNS: readonly (readonly [string, boolean])[] = [
  ['routine', false],
  ['executions', true],
  ['failed', true],
  ['success', true],
  ['avg ms', true],
  ['p50 ms', true],
  ['p95 ms', true],
  ['max ms', true],
  ['share', true],
];

/**
 * The performance table of the page, as HTML: per routine the executions,
 * failures, success rate, average / median / 95th percentile / longest
 * time and share of the flow's total execution time, largest share first,
 * with the bottleneck (the largest non-zero share) marked. Every figure is
 * taken from `metrics` as `getPerformanceMetrics()` gives it.
 */
export function renderPerformanceSection(metrics: PerformanceMetrics): string {
  const bottleneck = metrics.bottlenecks[0];
  const hasBottleneck = bottleneck !== undefined && bottleneck.share > 0;
  const rows = metrics.bottlenecks.map((entry, index) => {
    const perf = Object.hasOwn(metrics.routines, entry.routine_id)
      ? metrics.routines[entry.routine_id]
      : undefined;
    const marked = index === 0 && hasBottleneck;
    const name =
      `<span class="routine-name">${escapeHtml(cutText(entry.routine_id))}</span>` +
      (marked ? ' <span class="badge">bottleneck</span>' : '');
    const failed = perf?.failed ?? 0;
    const cells = [
      `<th scope="row">${name}</th>`,
      numberCell(formatCount(perf?.total_executions ?? 0)),
      numberCell(formatCount(failed), failed > 0 ? 'has-failures' : ''),
      numberCell(formatPercent(perf?.success_rate)),
      numberCell(formatMilliseconds(perf?.avg_execution_time)),
      numberCell(formatMilliseconds(perf?.p50_execution_time)),
      numberCell(formatMilliseconds(perf?.p95_execution_time)),
      numberCell(formatMilliseconds(perf?.max_execution_time)),
      // The share bar is drawn from a clamped figure: a share is a
      // fraction, but nothing here should trust that it stays within 0-1.
      `<td class="num share"><span class="share-track"><span class="share-bar" style="width:${(
        Math.min(1, Math.max(0, entry.share)) * 100
      ).toFixed(1)}%"></span></span><span class="share-text">${formatPercent(
        entry.share,
      )}</span></td>`,
    ];
    return `<tr${marked ? ' class="bottleneck"' : ''}>${cells.join('')}</tr>`;
  });

  const head = COLUMNS.map(
    ([heading, numeric]) =>
      `<th scope="col"${numeric ? ' class="num"' : ''}>${escapeHtml(heading)}</th>`,
  ).join('');
  const body =
    rows.length > 0
      ? rows.join('\n')
      : `<tr><td class="empty" colspan="${COLUMNS.length}">No executions recorded.</td></tr>`;
  const summary =
    `${formatCount(metrics.total_executions)} executions of ` +
    `${formatCount(metrics.total_routines)} routines, ` +
    `${formatCount(metrics.status_counts.failed ?? 0)} failed, ` +
    `${formatCount(metrics.total_events)} events, ` +
    `${formatDuration(metrics.wall_time)} wall time, ` +
    `${metrics.throughput.toFixed(1)} executions/s`;
  const dropped =
    metrics.dropped_executions > 0 || metrics.dropped_events > 0
      ? `<p class="note">The tracker's bounds dropped ${formatCount(
          metrics.dropped_executions,
        )} execution records and ${formatCount(
          metrics.dropped_events,
        )} events; the figures above still cover every execution of the run.</p>`
      : '';
  const footnote = hasBottleneck
    ? '<p class="note"><span class="badge">bottleneck</span> the routine with the largest share of the total execution time.</p>'
    : '';

  return [
    '<section class="card performance" aria-labelledby="performance-heading">',
    '<h2 id="performance-heading">Performance by routine</h2>',
    '<div class="table-wrap"><table class="perf-table">',
    `<thead><tr>${head}</tr></thead>`,
    `<tbody>${body}</tbody>`,
    '</table></div>',
    `<p class="perf-summary">${escapeHtml(summary)}</p>`,
    dropped,
    footnote,
    '</section>',
  ].join('\n');
}

function numberCell(text: string, extraClass = ''): string {
  const classes = extraClass === '' ? 'num' : `num ${extraClass}`;
  return `<td class="${classes}">${escapeHtml(text)}</td>`;
}

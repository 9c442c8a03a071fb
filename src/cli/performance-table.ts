import type { PerformanceMetrics } from '../records.js';
import { printable } from './printable.js';

/** The columns of the performance table, in order. */
const HEADINGS = [
  'routine',
  'runs',
  'failed',
  'success',
  'avg ms',
  'p50 ms',
  'p95 ms',
  'max ms',
  'share',
] as const;

/**
 * The per-routine performance table, as plain text: executions, failures,
 * success rate, average / median / 95th percentile / longest time, and the
 * share of the flow's total execution time, with the bottleneck (the
 * largest share) marked. Routines are listed by share, largest first.
 *
 * @example
 * process.stdout.write(formatPerformanceTable(tracker.getPerformanceMetrics()));
 */
export function formatPerformanceTable(metrics: PerformanceMetrics): string {
  const rows = metrics.bottlenecks.map((bottleneck, index) => {
    const perf = metrics.routines[bottleneck.routine_id];
    const ms = (seconds: number | undefined): string =>
      ((seconds ?? 0) * 1000).toFixed(1);
    const mark = index === 0 && bottleneck.share > 0 ? ' *' : '';
    return [
      `${printable(bottleneck.routine_id)}${mark}`,
      String(perf?.total_executions ?? 0),
      String(perf?.failed ?? 0),
      `${((perf?.success_rate ?? 0) * 100).toFixed(1)}%`,
      ms(perf?.avg_execution_time),
      ms(perf?.p50_execution_time),
      ms(perf?.p95_execution_time),
      ms(perf?.max_execution_time),
      `${(bottleneck.share * 100).toFixed(1)}%`,
    ];
  });

  const table = [[...HEADINGS], ...rows];
  const widths = HEADINGS.map((_, column) =>
    Math.max(...table.map((row) => (row[column] ?? '').length)),
  );
  const lines = table.map((row) =>
    row
      .map((cell, column) =>
        column === 0
          ? cell.padEnd(widths[column] ?? 0)
          : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
  // The failed column counts `failed` only, as routilux does; executions
  // that erred and let the flow go on are counted here, and so are the
  // ones still running, so that no execution goes unmentioned.
  const continued = metrics.status_counts.error_continued ?? 0;
  const summary =
    `${metrics.total_executions} executions of ${metrics.total_routines} routines, ` +
    `${metrics.status_counts.failed ?? 0} failed, ` +
    (continued > 0 ? `${continued} continued after an error, ` : '') +
    (metrics.running_executions > 0
      ? `${metrics.running_executions} still running, `
      : '') +
    `${metrics.total_events} events, ` +
    `${metrics.wall_time.toFixed(3)} s wall time, ` +
    `${metrics.throughput.toFixed(1)} executions/s`;
  const footnote =
    rows.length > 0 && (metrics.bottlenecks[0]?.share ?? 0) > 0
      ? '* the bottleneck: the largest share of total execution time'
      : undefined;
  return [...lines, '', summary, ...(footnote === undefined ? [] : [footnote])]
    .join('\n')
    .concat('\n');
}

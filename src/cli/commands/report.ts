import { formatPerformanceTable } from '../performance-table.js';
import { readDump } from '../files.js';
import { printable } from '../printable.js';
import type { PerformanceMetrics } from '../../records.js';
import type { Command } from './command.js';

/** `report <dump.json> [--json]`: the performance of a recorded run. */
export const reportCommand: Command = {
  name: 'report',
  summary: 'print the performance table of a serialized tracker',
  usage: 'report <dump.json> [--json]',
  help: `Prints, per routine: executions, failures, success rate, average, median,
95th percentile and longest time, and share of the total execution time,
with the bottleneck marked. The dump may come from this library
(JSON.stringify(tracker)) or from routilux's Python ExecutionTracker.

Options:
  --json    print the getPerformanceMetrics() object as JSON instead`,
  options: { json: { type: 'boolean' } },
  async run({ positionals, values, out }) {
    const [path] = positionals;
    const { tracker } = await readDump(path as string);
    const metrics = tracker.getPerformanceMetrics();
    out(
      values.json === true
        ? `${JSON.stringify(metrics, null, 2)}\n`
        : `flow ${printable(metrics.flow_id)}\n\n${formatPerformanceTable(metrics)}${droppedNote(metrics)}`,
    );
    return 0;
  },
};

/**
 * A bounded tracker drops its oldest records; a dump of it holds the rest,
 * and figures recomputed from them leave out what was dropped. The table
 * must not pass for the whole run.
 */
function droppedNote(metrics: PerformanceMetrics): string {
  const { dropped_executions: executions, dropped_events: events } = metrics;
  if (executions + events === 0) return '';
  return `\nnote: the figures cover the records this dump holds; ${executions} execution records and ${events} events had been dropped by the bounds before it was written (see dropped_executions and dropped_events in --json)\n`;
}

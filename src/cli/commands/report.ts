import { formatPerformanceTable } from '../performance-table.js';
import { readDump } from '../files.js';
import { printable } from '../printable.js';
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
        : `flow ${printable(metrics.flow_id)}\n\n${formatPerformanceTable(metrics)}`,
    );
    return 0;
  },
};

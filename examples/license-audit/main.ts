/**
 * The license audit of this project's own installation, traced: audits
 * every package manifest under `node_modules/`, prints what was found and
 * the tracker's performance table, writes the report, the serialized run
 * and its HTML timeline to `out/`, and exports the run as one trace over
 * OTLP/HTTP.
 *
 *   npm run demo
 *   OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 npm run demo
 *
 * The endpoint is `http://127.0.0.1:4318` unless the `OTEL_*` variables
 * say otherwise; `JAEGER_UI_URL` sets where the printed trace link points.
 */
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { formatPerformanceTable } from '../../src/cli/performance-table.js';
import { ExecutionTracker } from '../../src/index.js';
import { renderTimelineHtml } from '../../src/cli/timeline/render-timeline.js';
import { setupTracing, tracesEndpoint } from '../../src/setup/index.js';
import { runLicenseAudit } from './audit.js';
import { writeFileAtomic } from './atomic-write.js';
import { jaegerTraceUrl, probeEndpoint } from './collector.js';
import type { LicenseReport } from './report.js';

const project = fileURLToPath(new URL('../../', import.meta.url));
const root = resolve(project, 'node_modules');
const outDir = resolve(project, 'out');
const shown = (path: string): string => relative(process.cwd(), path) || path;

// Asked before the run, so that the answer is about the collector the run
// exports to, not one started while it ran. The exporter would retry and
// count the failures quietly; this lets the last line say what happened,
// and, with nothing there, lets the run give up on exporting quickly.
const collectorAnswered = await probeEndpoint(tracesEndpoint(), 300);

// No exit hooks: this script ends its tracker and shuts tracing down
// itself, and then says what became of the trace.
const tracing = setupTracing({
  serviceName: 'license-audit',
  exitHooks: false,
  ...(collectorAnswered ? {} : { exportTimeoutMillis: 1000 }),
});

const tracker = new ExecutionTracker('license-audit');
const result = await runLicenseAudit({ root, outDir, tracker });

console.log(`license audit of ${shown(root)}`);
if (result.report !== undefined) printReport(result.report);
if (result.reportPath !== undefined) {
  console.log(`report written to ${shown(result.reportPath)}`);
}
if (result.error !== undefined) {
  console.log(`the audit stopped: ${result.error.message}`);
  process.exitCode = 1;
}
console.log('');
process.stdout.write(formatPerformanceTable(tracker.getPerformanceMetrics()));

const dump = resolve(outDir, 'license-audit.json');
const timeline = resolve(outDir, 'license-audit.html');
try {
  await writeFileAtomic(dump, `${JSON.stringify(tracker, null, 2)}\n`);
  console.log(`\nserialized run written to ${shown(dump)}`);
  await writeFileAtomic(
    timeline,
    renderTimelineHtml(tracker, { title: 'license audit of node_modules' }),
  );
  console.log(`timeline written to ${shown(timeline)}`);
} catch (error) {
  // The run itself is over and recorded; only its files could not be kept.
  console.log(
    `\ncould not write to ${shown(outDir)}: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}
await tracing.shutdown();
if (tracing.disabled) {
  console.log('tracing is off (OTEL_SDK_DISABLED=true): no trace was exported');
} else if (!collectorAnswered && tracing.stats.exportedSpans === 0) {
  console.log(
    `no collector answered at ${tracing.endpoint}; to see this run as a trace, ` +
      `start one: see 'View your flows in Jaeger' in the README`,
  );
} else if (result.traceId === undefined) {
  console.log(
    `a collector answered at ${tracing.endpoint}, but the run recorded no span (sampled out)`,
  );
} else if (tracing.stats.exportedSpans === 0) {
  console.log(
    `something answered at ${tracing.endpoint} but took none of the run's spans ` +
      `(${tracing.stats.failedRequests} failed requests); is it an OTLP/HTTP collector?`,
  );
} else {
  console.log(
    `trace ${result.traceId} (${tracing.stats.exportedSpans} spans sent to ${tracing.endpoint})`,
  );
  console.log(`open ${jaegerTraceUrl(result.traceId)}`);
}

/** The report's figures, in a few lines. */
function printReport(report: LicenseReport): void {
  const { manifests, classified, failed } = report.totals;
  console.log(
    `${manifests} manifests: ${classified} classified, ${failed} could not be used`,
  );
  const figures = (counts: Readonly<Record<string, number>>): string =>
    Object.entries(counts)
      .filter(([, count]) => count > 0)
      .map(([name, count]) => `${name} ${count}`)
      .join(', ');
  console.log(`categories: ${figures(report.categories)}`);
  console.log(`licenses: ${figures(report.licenses)}`);
  console.log(`declared as: ${figures(report.forms)}`);
  for (const failure of report.failures) {
    console.log(`  could not use ${failure.message}`);
  }
}

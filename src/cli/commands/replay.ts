import { trace } from '@opentelemetry/api';

import { replayTracker } from '../../replay/replay-tracker.js';
import { setupTracing } from '../../setup/setup-tracing.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../version.js';
import { CliError } from '../cli-error.js';
import { readDump } from '../files.js';
import { startProgress } from '../progress.js';
import type { Command } from './command.js';

/** `replay <dump.json>`: a recorded run, exported as the trace it was. */
export const replayCommand: Command = {
  name: 'replay',
  summary: 'export a serialized tracker over OTLP as a trace',
  usage: 'replay <dump.json> [--endpoint URL] [--service-name NAME]',
  help: `Turns a serialized tracker into the trace it would have produced live, with
its original timestamps: a root span, one span per execution, events at
their own times, failures as errors, executions still running in the dump
ended and marked incomplete. Works for dumps written by this library and by
routilux's Python ExecutionTracker, so that either can be opened in Jaeger.

The endpoint and service name follow the OTEL_* variables
(OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME); the default endpoint is
http://127.0.0.1:4318/v1/traces.

Options:
  --endpoint URL        the full OTLP/HTTP traces URL, used as given
  --service-name NAME   the service name (default: execution-tracker)`,
  options: {
    endpoint: { type: 'string' },
    'service-name': { type: 'string' },
  },
  async run({ positionals, values, out, err, interactive }) {
    const [path] = positionals;
    const { data } = await readDump(path as string);

    const tracing = setupTracing({
      endpoint: values.endpoint as string | undefined,
      serviceName: values['service-name'] as string | undefined,
      defaultServiceName: 'execution-tracker',
      exitHooks: false,
    });
    try {
      const summary = replayTracker(data, {
        tracer: trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION),
      });
      const progress = interactive
        ? startProgress(err, () => tracing.stats.exportedSpans, summary.spans)
        : undefined;
      await tracing.shutdown();
      progress?.stop();

      const { exportedSpans, lastError } = tracing.stats;
      if (exportedSpans < summary.spans) {
        throw new CliError(
          `could not deliver ${summary.spans - exportedSpans} of ${summary.spans} spans to ${tracing.endpoint}: ${lastError ?? 'the backend did not answer'}`,
        );
      }
      out(
        `sent ${summary.spans} spans (${summary.events} events, ${summary.incomplete} incomplete executions) of flow ${summary.flowId} to ${tracing.endpoint}\n` +
          `trace id ${summary.spanContext?.traceId ?? 'none (the dump has no records)'}\n`,
      );
      return 0;
    } finally {
      await tracing.shutdown();
    }
  },
};

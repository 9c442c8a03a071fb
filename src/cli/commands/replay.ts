import { diag, DiagLogLevel, trace, type DiagLogger } from '@opentelemetry/api';

import { replayTracker } from '../../replay/replay-tracker.js';
import { setupTracing } from '../../setup/setup-tracing.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../version.js';
import { CliError } from '../cli-error.js';
import { readDump } from '../files.js';
import { startProgress } from '../progress.js';
import type { ExecutionTracker } from '../../tracker/execution-tracker.js';
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
    const endpoint = values.endpoint as string | undefined;
    if (endpoint !== undefined && !isHttpUrl(endpoint)) {
      throw new CliError(
        `--endpoint: expected an http or https URL, received ${JSON.stringify(endpoint)}`,
        2,
      );
    }
    const { data, tracker } = await readDump(path as string);

    // What the set-up has to say (an OTEL_* variable it ignores, say) is
    // for the user running the command: it goes to standard error. Like
    // the tracer provider the set-up registers, the diag logger is global:
    // the command owns both while it runs, even inside another program
    // that calls main().
    diag.setLogger(stderrLogger(err), {
      logLevel: DiagLogLevel.WARN,
      suppressOverrideMessage: true,
    });
    const tracing = setupTracing({
      endpoint,
      serviceName: values['service-name'] as string | undefined,
      defaultServiceName: 'execution-tracker',
      exitHooks: false,
      // Every span of the dump is made at once; the queue must hold them
      // all, or a large dump would lose what does not fit.
      maxQueueSize: Math.max(8192, spanCount(tracker) + 1),
    });
    // Export failures are summed up in the one line below instead.
    diag.disable();
    if (tracing.disabled) {
      await tracing.shutdown();
      throw new CliError(
        'tracing is disabled (OTEL_SDK_DISABLED=true): nothing was sent',
      );
    }
    try {
      const summary = replayTracker(data, {
        tracer: trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION),
      });
      const progress = interactive
        ? startProgress(err, () => tracing.stats.exportedSpans, summary.spans)
        : undefined;
      await tracing.shutdown();
      progress?.stop();

      const { exportedSpans, lastError, failedRequests } = tracing.stats;
      if (exportedSpans < summary.spans && failedRequests === 0) {
        throw new CliError(
          `${summary.spans - exportedSpans} of ${summary.spans} spans were not sampled, so not sent (see OTEL_TRACES_SAMPLER)`,
        );
      }
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

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** The spans a replay makes: one per execution, and the root. */
function spanCount(tracker: ExecutionTracker): number {
  return tracker.getPerformanceMetrics().total_executions + 1;
}

function stderrLogger(err: (text: string) => void): DiagLogger {
  // A component logger passes its name first and the message after it.
  const line = (message: string, ...args: unknown[]): void => {
    err(`execution-tracker: ${[message, ...args.map(String)].join(' ')}\n`);
  };
  return {
    error: line,
    warn: line,
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
}

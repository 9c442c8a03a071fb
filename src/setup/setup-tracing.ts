import {
  context,
  diag,
  DiagConsoleLogger,
  propagation,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  diagLogLevelFromString,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  defaultResource,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

import { logger } from '../internal/diag.js';
import { endOpenTrackers } from '../tracker/open-trackers.js';
import {
  redactUrl,
  resolveTracingConfig,
  type TracingOptions,
} from './config.js';
import { checkTracingOptions } from './check-options.js';
import { installExitHooks } from './exit-hooks.js';
import { QueueingExporter, type ExportStats } from './queueing-exporter.js';
import { QueueingSpanProcessor } from './queueing-span-processor.js';

/** What {@link setupTracing} set up, and the way to take it down. */
export interface TracingHandle {
  /** The registered tracer provider. */
  readonly provider: BasicTracerProvider;
  /** The `service.name` the spans are exported under. */
  readonly serviceName: string;
  /** The URL the spans are posted to. */
  readonly endpoint: string;
  /** Whether `OTEL_SDK_DISABLED=true` turned everything off. */
  readonly disabled: boolean;
  /** What has happened to the spans so far. */
  readonly stats: ExportStats;
  /** Exports every span ended so far; resolves when the backend took them or refused. */
  forceFlush(): Promise<void>;
  /**
   * Ends the trackers still open, flushes, shuts the provider down and
   * unregisters it, so that `setupTracing` may be called again.
   */
  shutdown(): Promise<void>;
}

let active: TracingHandle | undefined;

/**
 * Sets up OpenTelemetry tracing for an application that has none: a
 * tracer provider with a batch span processor and the OTLP/HTTP exporter,
 * registered globally with an AsyncLocalStorage context manager and the
 * W3C propagators. Call it once, at start-up, before creating trackers.
 * Every option follows its standard `OTEL_*` variable; see
 * {@link TracingOptions}.
 *
 * Export failures never reach the application: the spans wait in a bounded
 * queue and are retried, the first failure is logged through `diag` and the
 * rest are counted. On `SIGTERM`, `SIGINT`, at the natural end of the
 * process and on an uncaught exception that nothing else handles, the
 * trackers still open are ended (their running executions marked
 * incomplete) and the spans flushed.
 *
 * An application that already has an OpenTelemetry SDK does not need this:
 * trackers use the global API.
 *
 * @throws TypeError or RangeError naming an option that is unknown or
 *   makes no sense; Error when it was already called and not shut down, or
 *   another global tracer provider is registered
 * @example
 * import { setupTracing } from 'otel-execution-tracker/setup';
 *
 * const tracing = setupTracing({ serviceName: 'nightly-import' });
 * // … run flows with ExecutionTracker …
 * await tracing.shutdown();
 */
export function setupTracing(options?: TracingOptions): TracingHandle {
  const given = checkTracingOptions(options);
  if (active !== undefined) {
    throw new Error(
      'setupTracing has already been called; call shutdown() on its handle first',
    );
  }
  // Before the options are resolved, so that their warnings are shown.
  installDiagLogger(process.env.OTEL_LOG_LEVEL);
  const config = resolveTracingConfig(given, process.env, process.argv[1]);

  const exporter = new QueueingExporter(
    new OTLPTraceExporter({
      url: config.endpoint,
      headers: config.headers,
      timeoutMillis: config.exportTimeoutMillis,
    }),
    {
      // One queue holds the spans waiting to be sent and those waiting to be
      // sent again, so the bound on what is retained is its bound.
      maxQueuedSpans: config.maxRetainedSpans,
      maxBatchSize: config.maxExportBatchSize,
      maxConcurrentRequests: 2,
      scheduledDelayMillis: config.scheduledDelayMillis,
      destination: redactUrl(config.endpoint),
    },
  );
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes(config.resourceAttributes),
    ),
    sampler: config.sampler,
    spanLimits: config.spanLimits,
    spanProcessors: config.disabled
      ? []
      : [new QueueingSpanProcessor(exporter)],
  });

  const handle = config.disabled
    ? disabledHandle(provider, config.serviceName, config.endpoint)
    : register(provider, exporter, config);
  return handle;
}

function register(
  provider: BasicTracerProvider,
  exporter: QueueingExporter,
  config: ReturnType<typeof resolveTracingConfig>,
): TracingHandle {
  if (!trace.setGlobalTracerProvider(provider)) {
    throw new Error(
      'another global tracer provider is registered: use ExecutionTracker with that one, without setupTracing',
    );
  }
  // An application that brought its own context manager keeps it.
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const ownContextManager = context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [
        new W3CTraceContextPropagator(),
        new W3CBaggagePropagator(),
      ],
    }),
  );

  const flush = async (): Promise<void> => {
    await provider.forceFlush();
    await exporter.forceFlush();
  };
  const removeExitHooks = config.exitHooks
    ? installExitHooks({
        flush: async () => {
          endOpenTrackers();
          await flush();
        },
        timeoutMillis: config.exitTimeoutMillis,
        afterFlush: () => {
          const { pendingSpans, droppedSpans } = exporter.stats;
          if (pendingSpans + droppedSpans > 0) {
            logger.warn(
              `exiting with ${pendingSpans + droppedSpans} spans not delivered to ${redactUrl(config.endpoint)}`,
            );
          }
        },
        onAbruptExit: () => {
          const { pendingSpans } = exporter.stats;
          if (pendingSpans > 0) {
            logger.warn(
              `exiting with ${pendingSpans} spans not delivered to ${redactUrl(config.endpoint)}: process.exit() leaves no time to send them; await shutdown() before it`,
            );
          }
        },
      })
    : (): void => undefined;

  let shutDown: Promise<void> | undefined;
  const handle: TracingHandle = {
    provider,
    serviceName: config.serviceName,
    endpoint: config.endpoint,
    disabled: false,
    get stats() {
      return exporter.stats;
    },
    forceFlush: flush,
    shutdown() {
      shutDown ??= (async () => {
        removeExitHooks();
        endOpenTrackers();
        // Shutting the provider down flushes once; flushing before it as
        // well would wait out a backend that is down twice.
        await provider.shutdown();
        trace.disable();
        propagation.disable();
        if (ownContextManager) {
          contextManager.disable();
          context.disable();
        }
        active = undefined;
      })();
      return shutDown;
    },
  };
  active = handle;
  return handle;
}

function disabledHandle(
  provider: BasicTracerProvider,
  serviceName: string,
  endpoint: string,
): TracingHandle {
  return {
    provider,
    serviceName,
    endpoint,
    disabled: true,
    stats: {
      exportedSpans: 0,
      droppedSpans: 0,
      pendingSpans: 0,
      failedRequests: 0,
      lastError: undefined,
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => provider.shutdown(),
  };
}

/**
 * `OTEL_LOG_LEVEL` turns on the OpenTelemetry console logger, as the SDK
 * does; without it, `diag` stays as the application left it.
 */
function installDiagLogger(level: string | undefined): void {
  if (level === undefined || level.trim() === '') return;
  const parsed = diagLogLevelFromString(level);
  if (parsed === undefined) return;
  diag.setLogger(new DiagConsoleLogger(), {
    logLevel: parsed,
    suppressOverrideMessage: true,
  });
}

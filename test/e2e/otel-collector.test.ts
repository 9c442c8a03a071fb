// otel-collector.yaml against the real Jaeger binary: Jaeger's own validator
// accepts it (and rejects broken copies), and, run as the collector in front
// of two Jaegers (one standing in for Tempo), it delivers a trace recorded
// by the tracker through the OpenTelemetry SDK, whole, to both of them.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findBuiltJaeger } from '../../scripts/build-jaeger.mjs';
import { ExecutionTracker } from '../../src/index.js';
import {
  collectorConfigPath,
  contribHealthCheckPath,
  envReferences,
  readYaml,
} from '../support/collector-config.js';
import {
  LISTEN_HOST,
  listenerEnv,
  startJaeger,
  waitForTrace,
  waitForTraces,
} from '../support/jaeger.js';
import type {
  JaegerInstance,
  JaegerListener,
  JaegerSpan,
  JaegerTag,
  JaegerTrace,
} from '../support/jaeger.js';
import { listeningSockets } from '../support/listening-sockets.js';

// Three Jaegers start one after the other, about a second each; the margin
// is for a loaded machine.
const e2eTimeoutMs = 120_000;
const validateTimeoutMs = 30_000;

function jaegerBinary(): string {
  const binary = findBuiltJaeger();
  if (binary === undefined) {
    throw new Error(
      'No Jaeger binary: vitest builds it in its globalSetup ' +
        '(test/support/global-setup.ts); run the tests through vitest.',
    );
  }
  return binary;
}

const configText = readFileSync(collectorConfigPath, 'utf8');

// What validation sees: no OTEL_* variables (Jaeger's SDK and config would
// obey them) and none of the config's own, so that the defaults a user gets
// are what is checked, whatever the developer's shell exports.
async function validationEnv(): Promise<NodeJS.ProcessEnv> {
  const names = new Set([
    ...envReferences(await readYaml(collectorConfigPath)).keys(),
    ...envReferences(await readYaml(contribHealthCheckPath)).keys(),
  ]);
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^OTEL_/i.test(name) && !names.has(name),
    ),
  );
}

interface Validation {
  ok: boolean;
  output: string;
}

function validate(
  configs: string[],
  env: NodeJS.ProcessEnv,
): Promise<Validation> {
  const args = ['validate', ...configs.flatMap((path) => ['--config', path])];
  return new Promise((resolve) => {
    execFile(
      jaegerBinary(),
      args,
      { env, timeout: validateTimeoutMs },
      (error, stdout, stderr) => {
        resolve({ ok: error === null, output: `${stdout}${stderr}` });
      },
    );
  });
}

// Each breaks the file in one way the validator must notice; `needle` is
// what its message has to name, so that a failure for another reason (an
// unreadable file, say) does not pass for the expected one.
const breakages = [
  {
    what: 'a misspelt setting',
    from: 'check_interval:',
    to: 'check_intervall:',
    needle: 'check_intervall',
  },
  {
    what: 'a pipeline naming an exporter that is not defined',
    from: 'exporters: [otlphttp/jaeger, otlp/tempo]',
    to: 'exporters: [otlphttp/jaeger, otlp/tmpo]',
    needle: 'otlp/tmpo',
  },
  {
    what: 'a component Jaeger does not have',
    from: 'processors: [memory_limiter, batch]',
    to: 'processors: [memory_limiter, batch, groupbytrace]',
    needle: 'groupbytrace',
  },
];

describe('otel-collector.yaml, checked by the Jaeger binary', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'e2e-collector-validate-'));
    env = await validationEnv();
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'is valid with the defaults of every variable',
    async () => {
      const result = await validate([collectorConfigPath], env);
      expect(result.ok, result.output).toBe(true);
    },
    validateTimeoutMs,
  );

  it.each(breakages)(
    'rejects a copy with $what',
    async ({ from, to, needle }) => {
      expect(configText).toContain(from);
      const path = join(dir, `broken-${needle.replace(/\W/g, '_')}.yaml`);
      await writeFile(path, configText.replace(from, to));
      const result = await validate([path], env);
      expect(result.ok, result.output).toBe(false);
      expect(result.output).toContain(needle);
    },
    validateTimeoutMs,
  );

  it(
    "cannot take the contrib collector's health check, hence its own file",
    async () => {
      // The day Jaeger gains `health_check`, the health check can move into
      // otel-collector.yaml and this test should go.
      const result = await validate(
        [collectorConfigPath, contribHealthCheckPath],
        env,
      );
      expect(result.ok, result.output).toBe(false);
      expect(result.output).toContain('unknown type: "health_check"');
    },
    validateTimeoutMs,
  );
});

// The addresses the harness picks for a Jaeger, under the names the config
// reads them from. Jaeger's own health check stands in for the contrib one,
// on the same variable.
const listenVariables: Record<string, JaegerListener> = {
  OTLP_GRPC_ENDPOINT: 'otlpGrpc',
  OTLP_HTTP_ENDPOINT: 'otlpHttp',
  HEALTH_CHECK_ENDPOINT: 'health',
};

// The harness reads readiness from healthcheckv2 and takes one config file
// plus its telemetry pin; the config under test has no health check of its
// own. So the collector runs through a wrapper that maps the harness's
// addresses onto the config's variables and adds this file as a last
// --config, merged over the others.
const healthCheckOverlay = `extensions:
  healthcheckv2:
    use_v2: true
    http:
      endpoint: \${env:HEALTH_CHECK_ENDPOINT}
service:
  extensions: [healthcheckv2]
`;

const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

async function writeCollectorWrapper(
  dir: string,
): Promise<{ wrapper: string; overlay: string }> {
  const overlay = join(dir, 'health-check.yaml');
  await writeFile(overlay, healthCheckOverlay);
  const exports = Object.entries(listenVariables).map(
    ([name, listener]) => `export ${name}="$${listenerEnv(listener).endpoint}"`,
  );
  const wrapper = join(dir, 'jaeger-collector');
  // exec keeps the process id, so the harness signals Jaeger itself.
  await writeFile(
    wrapper,
    [
      '#!/bin/sh',
      ...exports,
      `exec ${shellQuote(jaegerBinary())} "$@" --config ${shellQuote(overlay)}`,
      '',
    ].join('\n'),
  );
  await chmod(wrapper, 0o755);
  return { wrapper, overlay };
}

/** A span reduced to what must survive the trip through the collector. */
interface SpanFacts {
  spanId: string;
  name: string;
  /** `CHILD_OF <trace id> <span id>` for the parent, if any. */
  references: string[];
  /** Microseconds since the epoch. */
  startTime: number;
  tags: Record<string, unknown>;
  events: { name: string; fields: Record<string, unknown> }[];
}

const hrMicros = ([seconds, nanos]: [number, number]): number =>
  seconds * 1_000_000 + Math.floor(nanos / 1_000);

function sentFacts(span: ReadableSpan): SpanFacts {
  const parent = span.parentSpanContext;
  return {
    spanId: span.spanContext().spanId,
    name: span.name,
    references: parent ? [`CHILD_OF ${parent.traceId} ${parent.spanId}`] : [],
    startTime: hrMicros(span.startTime),
    tags: { ...span.attributes },
    events: span.events.map((event) => ({
      name: event.name,
      fields: { ...event.attributes },
    })),
  };
}

const fieldsOf = (tags: JaegerTag[]): Record<string, unknown> =>
  Object.fromEntries(tags.map((tag) => [tag.key, tag.value]));

// Jaeger prints trace ids without leading zeros.
const traceIdOf = (id: string): string => id.padStart(32, '0');

function receivedFacts(span: JaegerSpan, sentKeys: Set<string>): SpanFacts {
  const tags = fieldsOf(span.tags);
  return {
    spanId: span.spanID,
    name: span.operationName,
    references: span.references.map(
      (ref) => `${ref.refType} ${traceIdOf(ref.traceID)} ${ref.spanID}`,
    ),
    startTime: span.startTime,
    // Jaeger adds tags of its own (span kind, status, scope); those are
    // checked apart.
    tags: Object.fromEntries(
      Object.entries(tags).filter(([key]) => sentKeys.has(key)),
    ),
    events: span.logs.map((log) => {
      const { event, ...fields } = fieldsOf(log.fields);
      return { name: String(event), fields };
    }),
  };
}

// A wait that times out says which backend it was about, with the
// collector's output, where an export error would show.
async function forBackend<T>(
  backend: string,
  collector: JaegerInstance,
  wait: Promise<T>,
): Promise<T> {
  try {
    return await wait;
  } catch (error) {
    const output = collector.logs().trimEnd().split('\n').slice(-40).join('\n');
    throw new Error(
      `${backend}: ${error instanceof Error ? error.message : String(error)}` +
        `\nThe collector's output:\n${output}`,
      { cause: error },
    );
  }
}

const byStart = (a: SpanFacts, b: SpanFacts): number =>
  a.startTime - b.startTime || a.spanId.localeCompare(b.spanId);

describe('otel-collector.yaml, run by Jaeger as the collector', () => {
  it(
    'forwards a tracker run over OTLP, whole, to Jaeger and to Tempo',
    async () => {
      const started: JaegerInstance[] = [];
      const dir = await mkdtemp(join(tmpdir(), 'e2e-collector-run-'));
      let provider: BasicTracerProvider | undefined;
      try {
        const jaeger = await startJaeger();
        started.push(jaeger);
        // Tempo's part is played by a Jaeger: both take OTLP/gRPC.
        const tempo = await startJaeger();
        started.push(tempo);

        const backendEnv: Record<string, string> = {
          JAEGER_OTLP_ENDPOINT: jaeger.otlpHttpEndpoint,
          TEMPO_OTLP_ENDPOINT: `${LISTEN_HOST}:${tempo.ports.otlpGrpc}`,
          TEMPO_OTLP_INSECURE: 'true',
        };
        const { wrapper, overlay } = await writeCollectorWrapper(dir);
        // No variable may fall back to its default: those listen on every
        // interface, on fixed ports, and export to hosts named jaeger and
        // tempo.
        const given = [
          ...Object.keys(backendEnv),
          ...Object.keys(listenVariables),
        ];
        const read = [
          ...envReferences(await readYaml(collectorConfigPath)).keys(),
          ...envReferences(await readYaml(overlay)).keys(),
        ];
        expect(given.sort()).toEqual([...new Set(read)].sort());

        const collector = await startJaeger({
          configPath: collectorConfigPath,
          binary: wrapper,
          env: backendEnv,
        });
        started.push(collector);
        if (process.platform === 'linux') {
          const expected = (
            ['otlpGrpc', 'otlpHttp', 'health', 'metrics'] as const
          ).map((listener) => `${LISTEN_HOST}:${collector.ports[listener]}`);
          const listening = listeningSockets(collector.pid).map(
            (socket) => `${socket.address}:${socket.port}`,
          );
          expect(listening.sort(), collector.logs()).toEqual(expected.sort());
        }

        // An application's SDK: spans go out over OTLP/HTTP in batches. The
        // in-memory copy is what the backends are compared with.
        const serviceName = 'otel-collector-e2e';
        const sent = new InMemorySpanExporter();
        provider = new BasicTracerProvider({
          resource: resourceFromAttributes({
            [ATTR_SERVICE_NAME]: serviceName,
          }),
          spanProcessors: [
            new BatchSpanProcessor(
              new OTLPTraceExporter({
                url: `${collector.otlpHttpEndpoint}/v1/traces`,
              }),
            ),
            new SimpleSpanProcessor(sent),
          ],
        });

        const flowId = `nightly-import-${randomUUID()}`;
        const tracker = new ExecutionTracker({
          flowId,
          tracer: provider.getTracer('test'),
        });
        tracker.recordRoutineStart('extract', { source: 'orders.csv' });
        tracker.recordEvent('extract', 'batch', 'transform', { rows: 2 });
        tracker.recordEvent('extract', 'batch', 'transform', { rows: 1 });
        tracker.recordRoutineEnd('extract', 'completed', { batches: 2 });
        const first = tracker.recordRoutineStart('transform', { batch: 0 });
        const second = tracker.recordRoutineStart('transform', { batch: 1 });
        tracker.recordEvent('transform', 'rows', 'load', { count: 3 });
        first.end('completed', { rows: 2 });
        second.end('completed', { rows: 1 });
        tracker.recordRoutineStart('load', { table: 'orders' });
        tracker.recordRoutineEnd(
          'load',
          'failed',
          undefined,
          new Error('disk full'),
        );
        tracker.end();
        await provider.forceFlush();
        // Read before shutdown(), which empties the in-memory exporter.
        const spans = sent.getFinishedSpans();
        await provider.shutdown();
        provider = undefined;

        expect(spans.map((span) => span.name).sort()).toEqual(
          [
            'extract',
            'load',
            'transform',
            'transform',
            `flow ${flowId}`,
          ].sort(),
        );
        const traceId = spans[0]?.spanContext().traceId ?? '';
        const root = spans.find((span) => span.name === `flow ${flowId}`);
        const load = spans.find((span) => span.name === 'load');
        const expected = spans.map(sentFacts).sort(byStart);
        const sentKeys = new Set(
          spans.flatMap((span) => Object.keys(span.attributes)),
        );

        for (const [backend, instance] of [
          ['Jaeger', jaeger],
          ['Tempo', tempo],
        ] as const) {
          const found = await forBackend(
            backend,
            collector,
            waitForTraces(instance.queryUrl, serviceName, {
              timeoutMs: 20_000,
            }),
          );
          expect(
            found.map((trace) => traceIdOf(trace.traceID)),
            backend,
          ).toEqual([traceId]);

          const trace: JaegerTrace = await forBackend(
            backend,
            collector,
            waitForTrace(instance.queryUrl, traceId, {
              spans: spans.length,
              timeoutMs: 20_000,
            }),
          );
          expect(traceIdOf(trace.traceID), backend).toBe(traceId);
          expect(trace.spans, backend).toHaveLength(spans.length);
          for (const span of trace.spans) {
            expect(traceIdOf(span.traceID), backend).toBe(traceId);
            expect(trace.processes[span.processID]?.serviceName, backend).toBe(
              serviceName,
            );
            // A routine's span is the child of the one that emitted to it,
            // and so starts after its parent ended; Jaeger's clock-skew
            // check remarks on that, and on that alone.
            const warnings = (span.warnings ?? []).filter(
              (warning) => !warning.startsWith('clock skew adjustment'),
            );
            expect(warnings, backend).toEqual([]);
          }

          const received = trace.spans
            .map((span) => receivedFacts(span, sentKeys))
            .sort(byStart);
          expect(received, backend).toEqual(expected);

          // What the facts above do not spell out: the root is a root, and
          // the failure is marked as one.
          const rootFacts = received.find((s) => s.name === `flow ${flowId}`);
          expect(rootFacts?.spanId, backend).toBe(root?.spanContext().spanId);
          expect(rootFacts?.references, backend).toEqual([]);
          const failed = trace.spans.find((s) => s.operationName === 'load');
          expect(failed?.spanID, backend).toBe(load?.spanContext().spanId);
          const failedTags = fieldsOf(failed?.tags ?? []);
          expect(failedTags['otel.status_code'], backend).toBe('ERROR');
          expect(failedTags['otel.status_description'], backend).toBe(
            'disk full',
          );
          expect(failedTags.error, backend).toBe(true);
        }
      } finally {
        await provider?.shutdown().catch(() => undefined);
        // The collector first, so that it does not retry against stopped
        // backends while they go.
        for (const instance of started.reverse()) {
          await instance.stop();
        }
        await rm(dir, { recursive: true, force: true });
      }
    },
    e2eTimeoutMs,
  );
});

describe('otel-collector.yaml, as documentation', () => {
  it('lists every variable it reads in its leading comment', async () => {
    const header = configText.slice(0, configText.indexOf('\nreceivers:'));
    const names = envReferences(await readYaml(collectorConfigPath)).keys();
    for (const name of names) {
      expect(header).toContain(name);
    }
  });
});

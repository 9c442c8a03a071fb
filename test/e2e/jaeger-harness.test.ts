// The harness itself, against the real Jaeger binary: a trace sent over
// OTLP/HTTP comes back from the query API, Jaeger listens on loopback only
// and on the ports it was given, and stop() really closes them.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  LISTEN_HOST,
  serviceOf,
  startJaeger,
  tagValue,
  waitForTrace,
  waitForTraces,
} from '../support/jaeger.js';
import type { JaegerInstance, JaegerListener } from '../support/jaeger.js';
import { listeningSockets } from '../support/listening-sockets.js';

// Starting Jaeger takes about a second; the margin is for a loaded machine.
const testTimeoutMs = 60_000;

interface TraceToSend {
  service: string;
  spanName: string;
  attributes: Record<string, string>;
}

interface SentTrace {
  traceId: string;
  spanId: string;
}

async function postTrace(
  otlpHttpEndpoint: string,
  trace: TraceToSend,
): Promise<SentTrace> {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  const endNanos = BigInt(Date.now()) * 1_000_000n;
  const body = {
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: trace.service } },
          ],
        },
        scopeSpans: [
          {
            scope: { name: 'jaeger-harness.test' },
            spans: [
              {
                traceId,
                spanId,
                name: trace.spanName,
                kind: 1,
                startTimeUnixNano: String(endNanos - 5_000_000n),
                endTimeUnixNano: String(endNanos),
                attributes: Object.entries(trace.attributes).map(
                  ([key, value]) => ({ key, value: { stringValue: value } }),
                ),
              },
            ],
          },
        ],
      },
    ],
  };
  const response = await fetch(`${otlpHttpEndpoint}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.text()).toBe(200);
  return { traceId, spanId };
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: LISTEN_HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

function expectListeners(
  jaeger: JaegerInstance,
  listeners: JaegerListener[],
): void {
  if (process.platform !== 'linux') {
    return;
  }
  const expected = listeners
    .map((listener) => ({ address: LISTEN_HOST, port: jaeger.ports[listener] }))
    .sort((a, b) => a.port - b.port);
  expect(listeningSockets(jaeger.pid), jaeger.logs()).toEqual(expected);
}

describe('Jaeger harness', () => {
  it(
    'stores an OTLP/HTTP trace, serves it back and frees its ports on stop',
    async () => {
      const jaeger = await startJaeger();
      const listeners: JaegerListener[] = [
        'otlpGrpc',
        'otlpHttp',
        'queryHttp',
        'queryGrpc',
        'health',
        'metrics',
      ];
      const ports = listeners.map((listener) => jaeger.ports[listener]);
      try {
        expect(jaeger.otlpHttpEndpoint).toBe(
          `http://${LISTEN_HOST}:${jaeger.ports.otlpHttp}`,
        );
        expectListeners(jaeger, listeners);

        const sent = await postTrace(jaeger.otlpHttpEndpoint, {
          service: 'harness-check',
          spanName: 'routine.run',
          attributes: { 'routine.name': 'ingest' },
        });

        const [found] = await waitForTraces(jaeger.queryUrl, 'harness-check');
        expect(found?.traceID).toBe(sent.traceId);

        const trace = await waitForTrace(jaeger.queryUrl, sent.traceId);
        expect(trace.spans).toHaveLength(1);
        const [span] = trace.spans;
        if (span === undefined) {
          throw new Error('the trace has no span');
        }
        expect(span.spanID).toBe(sent.spanId);
        expect(span.operationName).toBe('routine.run');
        expect(serviceOf(trace, span)).toBe('harness-check');
        expect(tagValue(span, 'routine.name')).toBe('ingest');
      } finally {
        await jaeger.stop();
      }

      for (const port of ports) {
        expect(await acceptsConnections(port), `port ${port}`).toBe(false);
      }
    },
    testTimeoutMs,
  );

  it(
    'runs a collector config that learns its addresses from the environment',
    async () => {
      const backend = await startJaeger();
      const dir = await mkdtemp(join(tmpdir(), 'e2e-collector-'));
      const leaked = process.env.OTEL_SERVICE_NAME;
      let collector: JaegerInstance | undefined;
      try {
        // No telemetry section: the harness must keep the collector off its
        // default fixed metrics port all the same.
        const configPath = join(dir, 'collector.yaml');
        await writeFile(
          configPath,
          `service:
  extensions: [healthcheckv2]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [attributes]
      exporters: [otlphttp]
extensions:
  healthcheckv2:
    use_v2: true
    http:
      endpoint: \${env:E2E_HEALTH_ENDPOINT}
receivers:
  otlp:
    protocols:
      http:
        endpoint: \${env:E2E_OTLP_HTTP_ENDPOINT}
processors:
  attributes:
    actions:
      - key: e2e.marker
        value: \${env:E2E_MARKER}
        action: insert
      - key: e2e.otel_service_name
        value: \${env:OTEL_SERVICE_NAME:-stripped}
        action: insert
exporters:
  otlphttp:
    endpoint: \${env:E2E_BACKEND}
`,
        );
        process.env.OTEL_SERVICE_NAME = 'must-not-reach-jaeger';
        collector = await startJaeger({
          configPath,
          env: {
            E2E_BACKEND: backend.otlpHttpEndpoint,
            E2E_MARKER: 'from-the-env-map',
          },
        });
        expectListeners(collector, ['otlpHttp', 'health', 'metrics']);

        const sent = await postTrace(collector.otlpHttpEndpoint, {
          service: 'via-collector',
          spanName: 'event.dispatch',
          attributes: {},
        });
        const trace = await waitForTrace(backend.queryUrl, sent.traceId);
        const [span] = trace.spans;
        if (span === undefined) {
          throw new Error('the trace has no span');
        }
        expect(serviceOf(trace, span)).toBe('via-collector');
        expect(tagValue(span, 'e2e.marker')).toBe('from-the-env-map');
        expect(tagValue(span, 'e2e.otel_service_name')).toBe('stripped');
      } finally {
        if (leaked === undefined) {
          delete process.env.OTEL_SERVICE_NAME;
        } else {
          process.env.OTEL_SERVICE_NAME = leaked;
        }
        await collector?.stop();
        await backend.stop();
        await rm(dir, { recursive: true, force: true });
      }
    },
    testTimeoutMs,
  );
});

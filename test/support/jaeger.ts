// A real Jaeger v2 for the end-to-end tests: one process per caller, every
// listener on a fresh loopback port, traces kept in memory, and helpers that
// read traces back through Jaeger's HTTP query API.
//
// The binary comes from scripts/build-jaeger.mjs (vitest's globalSetup runs
// it), so the version under test is the one pinned in tools/jaeger/go.mod.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll } from 'vitest';

import { findBuiltJaeger } from '../../scripts/build-jaeger.mjs';

/** The only address any test Jaeger listens on. */
export const LISTEN_HOST = '127.0.0.1';

/** The listeners a test Jaeger opens, each on a port of its own. */
export interface JaegerPorts {
  /** OTLP/gRPC receiver. */
  otlpGrpc: number;
  /** OTLP/HTTP receiver. */
  otlpHttp: number;
  /** Query service: HTTP API (and UI). */
  queryHttp: number;
  /** Query service: gRPC API. */
  queryGrpc: number;
  /** healthcheckv2 extension, serving `/status`. */
  health: number;
  /** The collector's own Prometheus metrics. */
  metrics: number;
}

/** One of the listeners in {@link JaegerPorts}. */
export type JaegerListener = keyof JaegerPorts;

// Upper-case stems of the variables that tell a config where to listen.
const envStems: Record<JaegerListener, string> = {
  otlpGrpc: 'OTLP_GRPC',
  otlpHttp: 'OTLP_HTTP',
  queryHttp: 'QUERY_HTTP',
  queryGrpc: 'QUERY_GRPC',
  health: 'HEALTH',
  metrics: 'METRICS',
};

const listeners = Object.keys(envStems) as JaegerListener[];

/**
 * The variables that carry a listener's address into Jaeger's environment,
 * for configs that reference them as `${env:NAME}`.
 * @param listener which listener
 * @returns the names of its `host:port` and bare-port variables
 */
export function listenerEnv(listener: JaegerListener): {
  endpoint: string;
  port: string;
} {
  const stem = envStems[listener];
  return { endpoint: `E2E_${stem}_ENDPOINT`, port: `E2E_${stem}_PORT` };
}

/** Options for {@link startJaeger}. */
export interface StartJaegerOptions {
  /**
   * A collector-style YAML to run instead of the generated Jaeger config,
   * e.g. Jaeger acting as an OpenTelemetry Collector. It learns its listen
   * addresses from the environment: `E2E_LISTEN_HOST` and, per listener,
   * the variables named by {@link listenerEnv} (`E2E_OTLP_HTTP_ENDPOINT`,
   * `E2E_METRICS_PORT`, ...). It must run the `healthcheckv2` extension
   * (`use_v2: true`) on `E2E_HEALTH_ENDPOINT`, since readiness is read from
   * its `/status`, and should set `enable_tracing: false` on any
   * `jaeger_query` extension. Listeners it does not open stay closed.
   */
  configPath?: string;
  /**
   * Variables added to Jaeger's environment (after every inherited `OTEL_*`
   * variable has been removed), e.g. the address of another Jaeger to
   * export to.
   */
  env?: Record<string, string>;
  /**
   * With `configPath`, merge a second config over it that puts the
   * collector's own metrics on the `metrics` port and turns its self-tracing
   * off, so that a config written for production cannot open the default
   * fixed metrics port or trace itself. On by default.
   */
  pinTelemetry?: boolean;
  /**
   * Ports to use instead of fresh ones, e.g. the OTLP/HTTP port that an
   * application has been failing to reach, to bring its backend up late.
   */
  ports?: Partial<JaegerPorts>;
  /** The Jaeger binary; by default the one built from the current pin. */
  binary?: string;
  /** How long to wait for `/status` to report ready. Default 30 s. */
  startupTimeoutMs?: number;
}

/** A running Jaeger, as returned by {@link startJaeger}. */
export interface JaegerInstance {
  /** Base URL for OTLP/HTTP: POST to `${otlpHttpEndpoint}/v1/traces`. */
  otlpHttpEndpoint: string;
  /** OTLP/gRPC address as exporters take it: `http://127.0.0.1:PORT`. */
  otlpGrpcEndpoint: string;
  /** Base URL of the query service, for {@link getTraces}. */
  queryUrl: string;
  /** The health check's status URL. */
  healthUrl: string;
  /** The collector's own Prometheus metrics. */
  metricsUrl: string;
  /** Every port handed to this Jaeger. */
  ports: JaegerPorts;
  /** The Jaeger process id. */
  pid: number;
  /** Jaeger's stdout and stderr so far, the latest 256 K characters. */
  logs(): string;
  /** Terminates Jaeger, waits for it to exit and removes its temp dir. */
  stop(): Promise<void>;
}

const defaultStartupTimeoutMs = 30_000;
const stopGraceMs = 10_000;
const maxLogChars = 256 * 1024;
// Ports are picked by binding and releasing them, so another process can
// take one before Jaeger binds it; a fresh set on a clash is the remedy.
const maxAttempts = 3;

// Every Jaeger still running, with its temp dir, so that nothing outlives
// the test process even when a test forgets stop() or the run is cut short.
const running = new Map<ChildProcess, string>();
let exitHooksInstalled = false;

function killAllNow(): void {
  for (const [child, dir] of running) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  running.clear();
}

function installExitHooks(): void {
  if (exitHooksInstalled) {
    return;
  }
  exitHooksInstalled = true;
  process.once('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllNow();
      // A listener replaces the default action of dying; where nobody else
      // handles the signal, restore that by raising it again.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

async function pickPorts(): Promise<JaegerPorts> {
  // All are held open together, so that the kernel hands out distinct ports.
  const servers = await Promise.all(
    listeners.map(
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, LISTEN_HOST, () => {
            resolve(server);
          });
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') {
      throw new Error(`unexpected address for a TCP server: ${address}`);
    }
    return address.port;
  });
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
        }),
    ),
  );
  return Object.fromEntries(
    listeners.map((listener, index) => [listener, ports[index]]),
  ) as unknown as JaegerPorts;
}

const endpoint = (port: number): string => `${LISTEN_HOST}:${port}`;

function telemetryYaml(ports: JaegerPorts): string {
  return `  telemetry:
    resource:
      service.name: jaeger
    logs:
      level: info
    metrics:
      level: basic
      readers:
        - pull:
            exporter:
              prometheus:
                host: ${LISTEN_HOST}
                port: ${ports.metrics}
    traces:
      level: none
`;
}

// Jaeger v2 with memory storage and nothing but what the tests use: no
// Jaeger/Zipkin receivers, remote sampling, pprof, expvar or zpages, each of
// which would open a listener of its own. Self-tracing is off twice over:
// the collector's internal tracer (telemetry.traces.level: none) and the
// query service's, which jaeger_query turns on by default in v2.
function generatedConfig(ports: JaegerPorts): string {
  return `service:
  extensions: [jaeger_storage, jaeger_query, healthcheckv2]
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [jaeger_storage_exporter]
${telemetryYaml(ports)}
extensions:
  healthcheckv2:
    use_v2: true
    http:
      endpoint: ${endpoint(ports.health)}
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 100000
  jaeger_query:
    enable_tracing: false
    storage:
      traces: memstore
    http:
      endpoint: ${endpoint(ports.queryHttp)}
    grpc:
      endpoint: ${endpoint(ports.queryGrpc)}

receivers:
  otlp:
    protocols:
      grpc:
        endpoint: ${endpoint(ports.otlpGrpc)}
      http:
        endpoint: ${endpoint(ports.otlpHttp)}

exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
}

function childEnv(
  ports: JaegerPorts,
  extra: Record<string, string>,
): NodeJS.ProcessEnv {
  // The test process may carry OTEL_* settings (its own SDK's, or a
  // developer's shell's); Jaeger's SDK and config would obey them.
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^OTEL_/i.test(name)),
  );
  env.E2E_LISTEN_HOST = LISTEN_HOST;
  for (const listener of listeners) {
    const names = listenerEnv(listener);
    env[names.endpoint] = endpoint(ports[listener]);
    env[names.port] = String(ports[listener]);
  }
  return { ...env, ...extra };
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function describeExit(exit: Exit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited ${exit.code}`;
}

function withOutput(message: string, logs: string, lines = 60): string {
  const output = logs.trimEnd().split('\n').slice(-lines).join('\n');
  return output ? `${message} Its output:\n${output}` : message;
}

// fetch() reports a refused connection as "fetch failed", with the reason
// one level down.
function describeError(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  return error.cause instanceof Error
    ? `${error.message}: ${error.cause.message}`
    : error.message;
}

class StartFailure extends Error {
  constructor(
    message: string,
    readonly portClash: boolean,
  ) {
    super(message);
  }
}

async function launch(
  binary: string,
  options: StartJaegerOptions,
): Promise<JaegerInstance> {
  const ports = { ...(await pickPorts()), ...options.ports };
  const dir = await mkdtemp(join(tmpdir(), 'e2e-jaeger-'));
  const args: string[] = [];
  if (options.configPath === undefined) {
    const path = join(dir, 'config.yaml');
    await writeFile(path, generatedConfig(ports));
    args.push('--config', path);
  } else {
    args.push('--config', options.configPath);
    if (options.pinTelemetry ?? true) {
      // Later --config files are merged over earlier ones, lists replaced.
      const path = join(dir, 'telemetry.yaml');
      await writeFile(path, `service:\n${telemetryYaml(ports)}`);
      args.push('--config', path);
    }
  }

  const child = spawn(binary, args, {
    cwd: dir,
    env: childEnv(ports, options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.set(child, dir);
  installExitHooks();

  let logs = '';
  const onOutput = (chunk: Buffer): void => {
    logs += chunk.toString('utf8');
    if (logs.length > maxLogChars) {
      logs = logs.slice(-maxLogChars);
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);

  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exit === undefined && spawnError === undefined) {
        child.kill('SIGTERM');
        const escalate = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
        await exited;
        clearTimeout(escalate);
      }
      running.delete(child);
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const healthUrl = `http://${endpoint(ports.health)}/status`;
  const timeoutMs = options.startupTimeoutMs ?? defaultStartupTimeoutMs;
  const deadline = Date.now() + timeoutMs;
  let lastStatus = 'no answer yet';
  for (;;) {
    if (spawnError !== undefined || exit !== undefined) {
      await stop();
      const why = spawnError
        ? `could not be started (${spawnError.message})`
        : describeExit(exit ?? { code: null, signal: null });
      throw new StartFailure(
        withOutput(`Jaeger ${why} before it was ready.`, logs),
        /address already in use/i.test(logs),
      );
    }
    try {
      const response = await fetch(healthUrl, {
        signal: AbortSignal.timeout(2_000),
      });
      const body = await response.text();
      lastStatus = `HTTP ${response.status} ${body}`;
      // 200 also covers components in error; ready means all are OK.
      if (response.ok && isStatusOk(body)) {
        break;
      }
    } catch (error) {
      lastStatus = describeError(error);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new StartFailure(
        withOutput(
          `Jaeger was not ready within ${timeoutMs} ms ` +
            `(${healthUrl}: ${lastStatus}).`,
          logs,
        ),
        false,
      );
    }
    await sleep(100);
  }

  return {
    otlpHttpEndpoint: `http://${endpoint(ports.otlpHttp)}`,
    otlpGrpcEndpoint: `http://${endpoint(ports.otlpGrpc)}`,
    queryUrl: `http://${endpoint(ports.queryHttp)}`,
    healthUrl,
    metricsUrl: `http://${endpoint(ports.metrics)}/metrics`,
    ports,
    pid: child.pid ?? -1,
    logs: () => logs,
    stop,
  };
}

function isStatusOk(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { status?: unknown };
    return parsed.status === 'StatusOK';
  } catch {
    return false;
  }
}

/**
 * Starts a Jaeger v2 on loopback and waits until its health check reports
 * every component ready.
 *
 * By default Jaeger runs a generated config: OTLP gRPC and HTTP receivers,
 * in-memory storage, the query service, the health check and the
 * collector's own metrics, each on its own free port of 127.0.0.1, with
 * self-tracing off. `options.configPath` runs another config instead.
 * Jaeger never sees the test process's `OTEL_*` variables.
 * @param options see {@link StartJaegerOptions}
 * @returns the running instance; call its `stop()` when done
 */
export async function startJaeger(
  options: StartJaegerOptions = {},
): Promise<JaegerInstance> {
  const binary = options.binary ?? findBuiltJaeger();
  if (binary === undefined) {
    throw new Error(
      'No Jaeger binary for the pin in tools/jaeger/go.mod: run ' +
        '`node scripts/build-jaeger.mjs` (vitest does this in its ' +
        'globalSetup, test/support/global-setup.ts).',
    );
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(binary, options);
    } catch (error) {
      if (
        !(error instanceof StartFailure && error.portClash) ||
        attempt >= maxAttempts
      ) {
        throw error;
      }
    }
  }
}

/** A key-value pair on a span or process, as the query API returns it. */
/**
 * Starts a Jaeger before the tests of the calling file and stops it after
 * them; the function returned gives the running instance.
 */
export function useJaegerInThisFile(): () => JaegerInstance {
  let jaeger: JaegerInstance | undefined;
  beforeAll(async () => {
    jaeger = await startJaeger();
  });
  afterAll(async () => {
    await jaeger?.stop();
  });
  return () => {
    if (jaeger === undefined) throw new Error('Jaeger has not started');
    return jaeger;
  };
}

export interface JaegerTag {
  key: string;
  type: string;
  value: unknown;
}

/** A span as the query API returns it. */
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  /** Microseconds since the epoch. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags: JaegerTag[];
  logs: { timestamp: number; fields: JaegerTag[] }[];
  processID: string;
  warnings: string[] | null;
}

/** The process (resource) a span came from. */
export interface JaegerProcess {
  serviceName: string;
  tags: JaegerTag[];
}

/** A trace as the query API returns it. */
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, JaegerProcess>;
  warnings: string[] | null;
}

interface QueryResponse {
  data: JaegerTrace[] | null;
  errors: { code?: number; msg: string }[] | null;
}

async function queryJson(url: URL): Promise<QueryResponse | undefined> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (response.status === 404) {
    return undefined;
  }
  const body = await response.text();
  if (!response.ok) {
    throw new Error(`GET ${url.href}: HTTP ${response.status} ${body}`);
  }
  return JSON.parse(body) as QueryResponse;
}

/**
 * Searches the traces of one service (`GET /api/traces?service=…`).
 * @param queryUrl the instance's `queryUrl`
 * @param service the `service.name` resource attribute to look for
 * @param params further search parameters of the query API, such as
 *   `operation`, `limit`, `lookback` or `tags`
 * @returns the traces found; none (not an error) for an unknown service
 */
export async function getTraces(
  queryUrl: string,
  service: string,
  params: Record<string, string> = {},
): Promise<JaegerTrace[]> {
  const url = new URL('/api/traces', queryUrl);
  url.searchParams.set('service', service);
  for (const [name, value] of Object.entries(params)) {
    url.searchParams.set(name, value);
  }
  return (await queryJson(url))?.data ?? [];
}

/**
 * Fetches one trace by id (`GET /api/traces/{id}`).
 * @param queryUrl the instance's `queryUrl`
 * @param traceId the trace id in hex
 * @returns the trace, or undefined while Jaeger does not have it
 */
export async function getTrace(
  queryUrl: string,
  traceId: string,
): Promise<JaegerTrace | undefined> {
  const url = new URL(`/api/traces/${encodeURIComponent(traceId)}`, queryUrl);
  return (await queryJson(url))?.data?.[0];
}

/** Options for {@link pollUntil} and the waits built on it. */
export interface PollOptions {
  /** Give up after this long. Default 10 s. */
  timeoutMs?: number;
  /** Pause between tries. Default 100 ms. */
  intervalMs?: number;
}

/**
 * Retries a probe until it yields a value: Jaeger stores what it receives
 * asynchronously, so a trace can be missing for a moment after its export
 * has been acknowledged.
 * @param what what is awaited, for the timeout message
 * @param probe resolves to the value, or to undefined to try again; an
 *   error also means try again, and the last one is reported on timeout
 * @param options timing
 * @returns the first value the probe yields
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: PollOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause =
        lastError === undefined
          ? ''
          : ` (last error: ${describeError(lastError)})`;
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${cause}`,
      );
    }
    await sleep(options.intervalMs ?? 100);
  }
}

/**
 * Waits until Jaeger serves a trace with at least `spans` spans; the spans
 * of one trace may arrive in several exports.
 * @param queryUrl the instance's `queryUrl`
 * @param traceId the trace id in hex
 * @param options `spans` (default 1) and timing
 * @returns the trace
 */
export function waitForTrace(
  queryUrl: string,
  traceId: string,
  options: PollOptions & { spans?: number } = {},
): Promise<JaegerTrace> {
  const spans = options.spans ?? 1;
  return pollUntil(
    `trace ${traceId} with ${spans} span(s)`,
    async () => {
      const trace = await getTrace(queryUrl, traceId);
      return trace && trace.spans.length >= spans ? trace : undefined;
    },
    options,
  );
}

/**
 * Waits until a service has at least `count` traces.
 * @param queryUrl the instance's `queryUrl`
 * @param service the `service.name` to search for
 * @param options `count` (default 1), search `params` and timing
 * @returns the traces found
 */
export function waitForTraces(
  queryUrl: string,
  service: string,
  options: PollOptions & {
    count?: number;
    params?: Record<string, string>;
  } = {},
): Promise<JaegerTrace[]> {
  const count = options.count ?? 1;
  return pollUntil(
    `${count} trace(s) of service ${service}`,
    async () => {
      const traces = await getTraces(queryUrl, service, options.params);
      return traces.length >= count ? traces : undefined;
    },
    options,
  );
}

/**
 * Reads a tag of a span.
 * @param span the span
 * @param key the attribute name
 * @returns its value, or undefined when the span has no such tag
 */
export function tagValue(span: JaegerSpan, key: string): unknown {
  return span.tags.find((tag) => tag.key === key)?.value;
}

/**
 * Names the service a span came from.
 * @param trace the trace holding the span
 * @param span the span
 * @returns the `service.name` of the span's process
 */
export function serviceOf(
  trace: JaegerTrace,
  span: JaegerSpan,
): string | undefined {
  return trace.processes[span.processID]?.serviceName;
}

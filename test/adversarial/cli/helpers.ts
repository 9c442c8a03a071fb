// Shared helpers of the trial tests: a scratch folder, the CLI run in
// process, and a tiny OTLP/HTTP sink on 127.0.0.1 that counts requests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runCli } from '../../support/run-cli.js';

export function scratch(prefix: string): {
  dir: string;
  file: (name: string, contents: string) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), `trial-${prefix}-`));
  return {
    dir,
    file: (name, contents) => {
      const path = join(dir, name);
      writeFileSync(path, contents);
      return path;
    },
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The command line run in process; see {@link runCli}. */
export const cli = runCli;

/** An HTTP server on 127.0.0.1 answering every request with `status`. */
export async function sink(status = 200): Promise<{
  url: string;
  requests: () => number;
  close: () => Promise<void>;
}> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** A dump with `n` executions of one routine, each emitting one event. */
export function dumpOf(
  n: number,
  extra: { params?: Record<string, unknown> } = {},
): string {
  const base = Date.parse('2026-01-01T00:00:00Z');
  const iso = (ms: number): string =>
    new Date(ms).toISOString().replace('Z', '+00:00');
  const records = [];
  const events = [];
  for (let i = 0; i < n; i++) {
    records.push({
      routine_id: 'work',
      start_time: iso(base + i * 2),
      params: { i, ...extra.params },
      status: 'completed',
      end_time: iso(base + i * 2 + 1),
      execution_time: 0.001,
    });
    events.push({
      timestamp: iso(base + i * 2),
      source_routine_id: 'work',
      event_name: 'out',
      target_routine_id: null,
      data: { i },
    });
  }
  return JSON.stringify({
    _type: 'ExecutionTracker',
    flow_id: `dump-${n}`,
    routine_executions: { work: records },
    event_flow: events,
    performance_metrics: {},
  });
}

/**
 * Replays a dump file into a Jaeger through the command line, and returns
 * what it printed with the trace id it named.
 */
export async function replayInto(
  otlpHttpEndpoint: string,
  path: string,
  service: string,
): Promise<{ code: number; out: string; err: string; traceId: string }> {
  const result = await cli(
    'replay',
    path,
    '--endpoint',
    `${otlpHttpEndpoint}/v1/traces`,
    '--service-name',
    service,
  );
  const traceId = /trace id ([0-9a-f]{32})/.exec(result.out)?.[1] ?? '';
  return { ...result, traceId };
}

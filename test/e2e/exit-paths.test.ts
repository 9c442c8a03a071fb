import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import {
  startFakeOtlpBackend,
  waitUntil,
  type FakeOtlpBackend,
} from '../support/fake-otlp-backend.js';
import {
  getTrace,
  tagValue,
  waitForTrace,
  type JaegerSpan,
  type JaegerTrace,
  useJaegerInThisFile,
} from '../support/jaeger.js';

// SIGTERM mid-run and a script that ends with an execution still running
// are in exit-hooks.test.ts.

const CHILD = fileURLToPath(
  new URL('./children/exit-paths.ts', import.meta.url),
);

const jaeger = useJaegerInThisFile();

const children: ChildProcess[] = [];
const backends: FakeOtlpBackend[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
  }
  await Promise.all(backends.splice(0).map((backend) => backend.close()));
});

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The trace ids the child printed, in order. */
  traces: string[];
}

/**
 * Runs the child script in `mode` until it has exited and closed its
 * output, with tracing configured by OTEL_* variables only.
 */
function runChild(
  mode: string,
  service: string,
  env: Record<string, string> = {},
): Promise<ChildRun> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode], {
    env: {
      ...inherited,
      OTEL_SERVICE_NAME: service,
      OTEL_EXPORTER_OTLP_ENDPOINT: jaeger().otlpHttpEndpoint,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      const traces = [...stdout.matchAll(/^trace ([0-9a-f]{32})$/gm)].map(
        (match) => match[1] as string,
      );
      resolve({ code, signal, stdout, stderr, traces });
    });
  });
}

function span(trace: JaegerTrace, name: string): JaegerSpan {
  const found = trace.spans.filter((s) => s.operationName === name);
  expect(found, name).toHaveLength(1);
  return found[0] as JaegerSpan;
}

/** fetch ended and sent rows to slow, which was cut off while running. */
function expectRunWithIncompleteSlow(trace: JaegerTrace, flow: string): void {
  const names = trace.spans.map((s) => s.operationName).sort();
  expect(names).toEqual(['fetch', `flow ${flow}`, 'slow']);
  const fetch = span(trace, 'fetch');
  const slow = span(trace, 'slow');
  expect(tagValue(fetch, 'flow.routine.status')).toBe('completed');
  expect(tagValue(slow, 'flow.routine.status')).toBe('running');
  expect(tagValue(slow, 'flow.routine.incomplete')).toBe(true);
  expect(slow.references[0]?.spanID).toBe(fetch.spanID);
}

/** What Node prints for an error nobody caught: the stack, and its version. */
function expectReportedAsNodeDoes(run: ChildRun): void {
  expect(run, run.stderr).toMatchObject({ code: 1, signal: null });
  const reports = run.stderr.match(/^Error: the host failed mid-run$/gm);
  expect(reports, run.stderr).toHaveLength(1);
  // The stack is the one of the throw, in the child's own timer.
  expect(run.stderr).toMatch(
    /Error: the host failed mid-run\n\s+at Timeout\._onTimeout \(.*exit-paths\.ts:\d+:\d+\)/,
  );
  expect(run.stderr).toContain(`Node.js ${process.version}`);
}

describe('an uncaught exception in the host', () => {
  it('reaches Jaeger with the running execution marked incomplete, and the process still fails with it', async () => {
    const run = await runChild('uncaught-exception', 'e2e-exit-uncaught');
    expectReportedAsNodeDoes(run);
    const trace = await waitForTrace(jaeger().queryUrl, run.traces[0] ?? '', {
      spans: 3,
    });
    expectRunWithIncompleteSlow(trace, 'exit-uncaught-exception');
  }, 60_000);

  it('is the same for a rejection nobody handles', async () => {
    const run = await runChild('unhandled-rejection', 'e2e-exit-rejection');
    expectReportedAsNodeDoes(run);
    const trace = await waitForTrace(jaeger().queryUrl, run.traces[0] ?? '', {
      spans: 3,
    });
    expectRunWithIncompleteSlow(trace, 'exit-unhandled-rejection');
  }, 60_000);

  it('fails the process once exitTimeoutMillis is over when the backend never answers', async () => {
    const backend = await startFakeOtlpBackend({
      behaviour: { answer: 'hang' },
    });
    backends.push(backend);
    const run = await runChild('uncaught-exception', 'e2e-exit-hung', {
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: backend.url,
      // Only the exit deadline can end the wait.
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '60000',
      EXIT_TIMEOUT_MILLIS: '300',
    });
    expectReportedAsNodeDoes(run);
    // The flush was tried: the whole run went out, and was never answered.
    await waitUntil('the request at the backend', () =>
      backend.requests.some((r) => r.status === 'hung'),
    );
    expect(backend.requests.map((r) => [r.status, r.spans])).toEqual([
      ['hung', 3],
    ]);
  }, 60_000);

  it('is left to the host when it listens for uncaught exceptions itself', async () => {
    const run = await runChild('handled-by-host', 'e2e-exit-handled');
    expect(run, run.stderr).toMatchObject({ code: 0, signal: null });
    expect(run.stdout).toContain('handled: the host failed mid-run');
    // The run went on: slow finished instead of being cut off.
    const trace = await waitForTrace(jaeger().queryUrl, run.traces[0] ?? '', {
      spans: 3,
    });
    const slow = span(trace, 'slow');
    expect(tagValue(slow, 'flow.routine.status')).toBe('completed');
    expect(tagValue(slow, 'flow.routine.incomplete')).toBeUndefined();
    expect(tagValue(slow, 'flow.routine.result')).toBe('all rows');
  }, 60_000);
});

describe('process.exit() in the host', () => {
  it('loses what was not yet sent, says so, and keeps its exit code', async () => {
    const run = await runChild('process-exit', 'e2e-exit-process-exit', {
      OTEL_LOG_LEVEL: 'warn',
    });
    expect(run, run.stderr).toMatchObject({ code: 3, signal: null });
    expect(run.stdout).toContain('flushed');
    const [flushed, cutOff] = run.traces;

    // The run flushed before process.exit() is there, whole.
    const before = await waitForTrace(jaeger().queryUrl, flushed ?? '', {
      spans: 3,
    });
    expect(before.spans).toHaveLength(3);
    // The one still queued is not, and cannot arrive any more: the process
    // that held it is gone.
    expect(cutOff).toMatch(/^[0-9a-f]{32}$/);
    expect(await getTrace(jaeger().queryUrl, cutOff ?? '')).toBeUndefined();
    expect(run.stderr).toMatch(
      /exiting with 1 spans not delivered to http:\/\/127\.0\.0\.1:\d+\/v1\/traces: process\.exit\(\) leaves no time to send them/,
    );
  }, 60_000);
});

describe('a script that simply finishes, without shutdown()', () => {
  it('delivers every span, over several requests', async () => {
    const run = await runChild('many', 'e2e-exit-many');
    expect(run, run.stderr).toMatchObject({ code: 0, signal: null });
    const trace = await waitForTrace(jaeger().queryUrl, run.traces[0] ?? '', {
      spans: 2001,
      timeoutMs: 20_000,
    });
    expect(trace.spans).toHaveLength(2001);
    expect(trace.spans.filter((s) => s.operationName === 'step')).toHaveLength(
      2000,
    );
  }, 60_000);
});

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import {
  tagValue,
  waitForTrace,
  waitForTraces,
  type JaegerTrace,
  useJaegerInThisFile,
} from '../support/jaeger.js';

const CHILD = fileURLToPath(
  new URL('./children/unfinished-flow.ts', import.meta.url),
);

const jaeger = useJaegerInThisFile();

interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the child flow with tracing configured only by OTEL_* variables. */
function runChild(
  mode: 'natural-end' | 'signal',
  service: string,
): Promise<ChildExit> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode], {
    env: {
      ...process.env,
      OTEL_SERVICE_NAME: service,
      // A base URL: the helper appends /v1/traces.
      OTEL_EXPORTER_OTLP_ENDPOINT: jaeger().otlpHttpEndpoint,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    if (mode === 'signal' && chunk.toString().includes('running')) {
      child.kill('SIGTERM');
    }
  });
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal, stderr });
    });
  });
}

/** The service's one trace, once all three of its spans have arrived. */
async function traceOf(service: string): Promise<JaegerTrace> {
  const [found] = await waitForTraces(jaeger().queryUrl, service, {
    timeoutMs: 20_000,
  });
  return waitForTrace(jaeger().queryUrl, found?.traceID ?? '', { spans: 3 });
}

function expectWholeRunWithIncompleteSlow(
  trace: JaegerTrace,
  flow: string,
): void {
  const names = trace.spans.map((span) => span.operationName).sort();
  expect(names).toEqual(['fetch', `flow ${flow}`, 'slow']);
  const slow = trace.spans.find((span) => span.operationName === 'slow');
  expect(slow && tagValue(slow, 'flow.routine.incomplete')).toBe(true);
  expect(slow && tagValue(slow, 'flow.routine.status')).toBe('running');
  const fetch = trace.spans.find((span) => span.operationName === 'fetch');
  expect(fetch && tagValue(fetch, 'flow.routine.status')).toBe('completed');
  // Causality survives the exit: fetch sent rows to slow.
  expect(slow?.references[0]?.spanID).toBe(fetch?.spanID);
}

describe('exit hooks', () => {
  it('flush a script that ends without end() or shutdown()', async () => {
    const exit = await runChild('natural-end', 'e2e-exit-natural');
    expect(exit).toMatchObject({ code: 0, signal: null });
    expectWholeRunWithIncompleteSlow(
      await traceOf('e2e-exit-natural'),
      'exit-natural-end',
    );
  }, 60_000);

  it('flush on SIGTERM and let the process die of the signal as usual', async () => {
    const exit = await runChild('signal', 'e2e-exit-signal');
    expect(exit.signal, exit.stderr).toBe('SIGTERM');
    expectWholeRunWithIncompleteSlow(
      await traceOf('e2e-exit-signal'),
      'exit-signal',
    );
  }, 60_000);
});

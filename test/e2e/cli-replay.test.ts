import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import type { SerializedTracker } from '../../src/index.js';
import { parseTimestamp } from '../../src/format/timestamps.js';
import {
  tagValue,
  waitForTrace,
  useJaegerInThisFile,
} from '../support/jaeger.js';
import { routiluxDump } from '../support/routilux-vectors.js';
import { runCli } from '../support/run-cli.js';

const jaeger = useJaegerInThisFile();
const dir = mkdtempSync(join(tmpdir(), 'replay-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function replay(
  name: string,
  service: string,
): Promise<{
  code: number;
  out: string;
  err: string;
  data: SerializedTracker;
}> {
  const data = routiluxDump(name);
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(data));
  const result = await runCli(
    'replay',
    path,
    '--endpoint',
    `${jaeger().otlpHttpEndpoint}/v1/traces`,
    '--service-name',
    service,
  );
  return { ...result, data };
}

describe('execution-tracker replay, into a real Jaeger', () => {
  it("opens routilux's multi-routine flow in Jaeger with its original times", async () => {
    const { code, out, err, data } = await replay(
      'multi_routine_flow',
      'replay-f9',
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    const traceId = /trace id ([0-9a-f]{32})/.exec(out)?.[1] ?? '';
    expect(out).toContain(
      'sent 4 spans (2 events, 0 incomplete executions) of flow f9',
    );

    const trace = await waitForTrace(jaeger().queryUrl, traceId, { spans: 4 });
    const span = (name: string) =>
      trace.spans.find((s) => s.operationName === name);
    const transform = span('transform');
    expect(transform?.startTime).toBe(
      parseTimestamp(data.routine_executions.transform?.[0]?.start_time ?? ''),
    );
    expect(transform?.duration).toBe(6229);
    expect(transform?.references[0]?.spanID).toBe(span('extract')?.spanID);
    const load = span('load');
    expect(load && tagValue(load, 'otel.status_description')).toBe('disk full');
    expect(trace.processes[transform?.processID ?? '']?.serviceName).toBe(
      'replay-f9',
    );
    expect(span('extract')?.logs[0]?.fields).toContainEqual({
      key: 'flow.event.data.rows',
      type: 'int64',
      value: 100,
    });
  });

  it('opens the large real routilux chain, its running execution marked incomplete', async () => {
    const { code, out } = await replay('routilux_chain', 'replay-chain');
    expect(code).toBe(0);
    expect(out).toContain('sent 2 spans (6 events, 1 incomplete executions)');
    const traceId = /trace id ([0-9a-f]{32})/.exec(out)?.[1] ?? '';
    const trace = await waitForTrace(jaeger().queryUrl, traceId, { spans: 2 });
    const source = trace.spans.find((s) => s.operationName === 'source');
    expect(source && tagValue(source, 'flow.routine.incomplete')).toBe(true);
    const root = trace.spans.find(
      (s) => s.operationName === 'flow routilux_chain',
    );
    expect(root?.logs).toHaveLength(6);
  });
});

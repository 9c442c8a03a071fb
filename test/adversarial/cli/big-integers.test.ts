// Whole numbers beyond the safe integer range (1e19, 2**63, a huge JSON
// literal) in params, results or event data: OTLP would send them as 64-bit
// integers, which a backend refuses with the whole batch, so they must be
// exported as text, live and in replay.
import { afterAll, describe, expect, it } from 'vitest';

import { ExecutionTracker } from '../../../src/index.js';
import { createInMemoryTracing } from '../../support/in-memory-tracing.js';
import { waitForTrace, useJaegerInThisFile } from '../../support/jaeger.js';
import { replayInto, scratch } from './helpers.js';

const INT64_MAX = 2 ** 63;

/** Whether the SDK can put `value` on the wire as a valid OTLP AnyValue. */
function encodable(value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.every(
    (v) =>
      typeof v !== 'number' ||
      !Number.isInteger(v) ||
      (v < INT64_MAX && v >= -INT64_MAX),
  );
}

describe('integers beyond int64 in recorded values', () => {
  it('are exported as attributes that OTLP can carry', () => {
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'big-ints',
      tracer: tracing.tracer,
    });
    const run = tracker.recordRoutineStart('upload', {
      bytes: 1e19,
      huge: 1e308,
      list: [1, 1e20],
    });
    run.recordEvent('done', null, { offset: -(2 ** 64) });
    run.end('completed', { total: 2 ** 70 });
    tracker.end();

    const span = tracing.span('upload');
    const bad = Object.entries(span.attributes).filter(
      ([, value]) => !encodable(value),
    );
    for (const event of span.events) {
      for (const entry of Object.entries(event.attributes ?? {})) {
        if (!encodable(entry[1])) bad.push(entry);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('replay of a dump holding a large integer, into a real Jaeger', () => {
  const files = scratch('bigint');
  const jaeger = useJaegerInThisFile();
  afterAll(() => {
    files.cleanup();
  });

  it('delivers the trace', async () => {
    const path = files.file(
      'bigint.json',
      JSON.stringify({
        flow_id: 'bigint',
        routine_executions: {
          load: [
            {
              routine_id: 'load',
              start_time: '2026-01-01T00:00:00+00:00',
              params: { bytes: 1e19 },
              status: 'completed',
              end_time: '2026-01-01T00:00:01+00:00',
              execution_time: 1,
            },
          ],
        },
        event_flow: [],
      }),
    );
    const { code, err, traceId } = await replayInto(
      jaeger().otlpHttpEndpoint,
      path,
      'trial-bigint',
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    const trace = await waitForTrace(jaeger().queryUrl, traceId, { spans: 2 });
    expect(trace.spans).toHaveLength(2);
  }, 60_000);
});

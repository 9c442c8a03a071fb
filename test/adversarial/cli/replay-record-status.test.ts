// A record whose status is final but whose end_time is missing or before
// its start is replayed as ended with that status, not as running.
import { describe, expect, it } from 'vitest';

import { replayTracker } from '../../../src/index.js';
import { createInMemoryTracing } from '../../support/in-memory-tracing.js';

function dumpWith(record: Record<string, unknown>): unknown {
  return {
    flow_id: 'status',
    routine_executions: {
      a: [
        {
          routine_id: 'a',
          start_time: '2026-01-01T00:00:00+00:00',
          status: 'completed',
          ...record,
        },
      ],
    },
    event_flow: [],
  };
}

describe('replay keeps the status a record ended with', () => {
  it.each([
    ['no end_time', {}],
    ['an end_time before its start', { end_time: '2025-12-31T23:59:59+00:00' }],
  ])('a completed record with %s', (_why, record) => {
    const tracing = createInMemoryTracing();
    replayTracker(dumpWith(record), { tracer: tracing.tracer });
    const span = tracing.span('a');
    expect(span.attributes['flow.routine.status']).toBe('completed');
  });
});

// A redactKeys RegExp that throws when run (frozen and global, or with an
// exec of its own that throws) cannot tell which keys are secret: every
// key is then kept secret, and the rest of the execution (its status, its
// error, its events) still reaches its span.
import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';

import { ExecutionTracker } from '../../src/index.js';
import { createInMemoryTracing } from '../support/in-memory-tracing.js';

const throwingExec = Object.assign(/card/, {
  exec(): RegExpExecArray | null {
    throw new Error('exec');
  },
});

describe('a redactKeys RegExp that throws', () => {
  for (const [what, pattern] of [
    ['frozen and global', Object.freeze(/ssn/gi)],
    ['with an exec that throws', throwingExec],
  ] as const) {
    it(`${what}: a failed execution is still an error with its status; its event is still on its span`, () => {
      const tracing = createInMemoryTracing();
      const tracker = new ExecutionTracker({
        flowId: 'f',
        tracer: tracing.tracer,
        redactKeys: [pattern],
      });
      const execution = tracker.recordRoutineStart('r', { a: 1 });
      execution.recordEvent('out', 'next', { rows: 3 });
      execution.end('failed', { partial: true }, new Error('bad'));
      tracker.end();

      const span = tracing.span('r');
      expect(span.attributes['flow.routine.params.a']).toBe('[REDACTED]');
      expect(span.attributes['flow.routine.status']).toBe('failed');
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.status.message).toBe('bad');
      expect(span.events.map((e) => e.name)).toContain('out');
      expect(tracker.getRoutinePerformance('r')?.failed).toBe(1);
    });
  }
});

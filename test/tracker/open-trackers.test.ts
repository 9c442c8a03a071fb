import type { Tracer } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';

import { ExecutionTracker } from '../../src/index.js';
import { endOpenTrackers } from '../../src/tracker/open-trackers.js';
import { createInMemoryTracing } from '../support/in-memory-tracing.js';

describe('the open trackers the exit hooks end', () => {
  it('hold a tracker from its first record until its end()', () => {
    endOpenTrackers();
    const tracker = new ExecutionTracker('held');
    expect(endOpenTrackers()).toBe(0);
    tracker.recordRoutineStart('a');
    expect(endOpenTrackers()).toBe(1);
    expect(tracker.ended).toBe(true);
    expect(endOpenTrackers()).toBe(0);
  });

  it('hold an ended tracker again while executions started after its end run', () => {
    endOpenTrackers();
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'late',
      tracer: tracing.tracer,
    });
    tracker.recordRoutineStart('early').end();
    tracker.end();
    expect(endOpenTrackers()).toBe(0);

    tracker.recordRoutineStart('late');
    expect(endOpenTrackers()).toBe(1);
    expect(tracing.span('late').attributes['flow.routine.incomplete']).toBe(
      true,
    );
    expect(endOpenTrackers()).toBe(0);
  });

  it('let an ended tracker go once its late executions have ended', () => {
    endOpenTrackers();
    const tracker = new ExecutionTracker('late-then-done');
    tracker.end();
    const late = tracker.recordRoutineStart('late');
    const later = tracker.recordRoutineStart('later');
    late.end();
    later.end();
    expect(endOpenTrackers()).toBe(0);
    expect(tracker.getFlowPerformance().total_routines).toBe(2);
  });

  it('let an ended tracker go when a late execution got no span', () => {
    endOpenTrackers();
    let failing = false;
    const tracing = createInMemoryTracing();
    const tracer: Tracer = {
      startSpan: (...args: Parameters<Tracer['startSpan']>) => {
        if (failing) throw new Error('tracer down');
        return tracing.tracer.startSpan(...args);
      },
      startActiveSpan: tracing.tracer.startActiveSpan.bind(tracing.tracer),
    };
    const tracker = new ExecutionTracker({ flowId: 'no-span', tracer });
    tracker.recordRoutineStart('early').end();
    tracker.end();
    failing = true;
    const late = tracker.recordRoutineStart('late');
    late.end();
    expect(late.ended).toBe(true);
    expect(endOpenTrackers()).toBe(0);
  });
});

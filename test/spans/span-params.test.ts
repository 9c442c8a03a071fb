// Params written when the span ends, or when tracker.end() ends a running
// execution's span as incomplete; and not converted for spans the sampler
// dropped (README "The spans": "only to spans that record, so that an
// execution the sampler drops costs no conversion").
import { describe, expect, it } from 'vitest';

import { ExecutionTracker } from '../../src/index.js';
import {
  createInMemoryTracing,
  dropEverything,
  useAsyncContextInThisFile,
} from '../support/in-memory-tracing.js';

useAsyncContextInThisFile();

function countingParams(): {
  params: Record<string, unknown>;
  reads: () => number;
} {
  let reads = 0;
  const params = Object.defineProperty({ plain: 1 }, 'counted', {
    enumerable: true,
    get() {
      reads++;
      return 'v';
    },
  }) as Record<string, unknown>;
  return { params, reads: () => reads };
}

describe('params on spans', () => {
  it('are written on the span when it ends, with the status', () => {
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'f',
      tracer: tracing.tracer,
      maxAttributeLength: 4,
    });
    tracker
      .recordRoutineStart('r', { a: 'abcdefgh', password: 'x', n: NaN })
      .end('completed', { b: 'abcdefgh' });
    tracker.end();
    expect(tracing.span('r').attributes).toMatchObject({
      'flow.routine.params.a': 'abcd',
      'flow.routine.params.pass': '[RED',
      'flow.routine.params.n': 'NaN',
      'flow.routine.status': 'comp',
      'flow.routine.result.b': 'abcd',
      'flow.attributes.truncated': 4,
    });
  });

  it('are written on the span of an execution that tracker.end() leaves incomplete', () => {
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'f',
      tracer: tracing.tracer,
      maxAttributeLength: 4,
    });
    const execution = tracker.recordRoutineStart('r', {
      a: 'abcdefgh',
      nested: { deep: true },
    });
    tracker.end();
    const span = tracing.span('r');
    expect(span.attributes).toMatchObject({
      'flow.routine.params.a': 'abcd',
      'flow.routine.params.nest.deep': true,
      'flow.routine.status': 'runn',
      'flow.routine.incomplete': true,
      'flow.attributes.truncated': 2,
    });
    // Ending it afterwards changes nothing on the span and still records.
    execution.end('completed', { late: 1 });
    expect(tracing.spans().filter((s) => s.name === 'r')).toHaveLength(1);
    expect(
      tracing.span('r').attributes['flow.routine.result.late'],
    ).toBeUndefined();
    expect(tracker.getRoutinePerformance('r')?.completed).toBe(1);
  });

  it('an execution of a routine started after end() gets its params when end() is called again', () => {
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'f',
      tracer: tracing.tracer,
    });
    tracker.recordRoutineStart('before');
    tracker.end();
    tracker.recordRoutineStart('after', { k: 'v' });
    tracker.end();
    expect(tracing.span('after').attributes).toMatchObject({
      'flow.routine.params.k': 'v',
      'flow.routine.incomplete': true,
    });
  });

  it('are not converted for a span the sampler dropped, when it ends', () => {
    const tracing = createInMemoryTracing({ sampler: dropEverything() });
    const tracker = new ExecutionTracker({
      flowId: 'f',
      tracer: tracing.tracer,
    });
    const { params, reads } = countingParams();
    tracker.recordRoutineStart('r', params).end();
    tracker.end();
    expect(reads()).toBe(0);
  });

  it('are not converted for a span the sampler dropped, when tracker.end() finds it running', () => {
    const tracing = createInMemoryTracing({ sampler: dropEverything() });
    const tracker = new ExecutionTracker({
      flowId: 'f',
      tracer: tracing.tracer,
    });
    const { params, reads } = countingParams();
    tracker.recordRoutineStart('r', params);
    tracker.end();
    expect(reads()).toBe(0);
  });
});

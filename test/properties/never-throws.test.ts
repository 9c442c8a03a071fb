// README, "Recording never throws": whatever a call is given, recording
// and reading do not throw into the engine; only the constructor and
// deserialize throw. Random sequences of every public call check it, and
// check after each sequence that the mirror and the trace still add up.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ExecutionTracker } from '../../src/index.js';
import { useAsyncContextInThisFile } from '../support/in-memory-tracing.js';
import { operations, SEED } from './arbitraries.js';
import { checkMirror } from './mirror-checks.js';
import { OperationRunner } from './operations.js';
import { checkPayload, checkTrace, otlpPayload } from './span-checks.js';
import { createTracing, watchComplaints } from './tracing.js';

useAsyncContextInThisFile();

describe('any sequence of public calls', () => {
  it('never throws, and leaves the mirror and the trace consistent', async () => {
    await fc.assert(
      fc.asyncProperty(operations, async (list) => {
        const watch = watchComplaints();
        try {
          const tracing = createTracing();
          const tracker = new ExecutionTracker({
            flowId: 'properties',
            tracer: tracing.tracer,
            maxExecutionsPerRoutine: Infinity,
            maxEvents: Infinity,
          });
          const runner = new OperationRunner(tracker);
          await runner.run(list);
          await runner.flush();
          checkMirror(tracker, runner);

          tracker.end();
          // README, end(): "executions started after it still get spans";
          // only those, still running, may keep a span open.
          const lateRunning = new Set(
            runner.expected
              .filter((e) => e.afterEnd && e.status === undefined)
              .map((e) => e.handle.spanContext.spanId),
          );
          expect(
            tracing.ledger.open().filter((id) => !lateRunning.has(id)),
          ).toEqual([]);

          runner.endEverything();
          expect(runner.failures).toEqual([]);
          checkMirror(tracker, runner);
          const spans = tracing.spans();
          checkTrace(spans, tracing.ledger);
          const routineSpans = spans.filter(
            (s) => s.attributes['flow.routine.id'] !== undefined,
          );
          expect(routineSpans).toHaveLength(runner.expected.length);
          expect(spans.length - routineSpans.length).toBeLessThanOrEqual(1);
          expect(
            new Set(spans.map((s) => s.spanContext().traceId)).size,
          ).toBeLessThanOrEqual(1);
          checkPayload(otlpPayload(spans), spans.length);
          expect(watch.complaints).toEqual([]);
        } finally {
          watch.stop();
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
  }, 120_000);
});

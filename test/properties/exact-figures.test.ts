// Figures stay exact over the whole run whatever the bound dropped: the
// durations read back from each handle's record, after it ended, add up
// to the routine's figures.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ExecutionTracker, type ExecutionHandle } from '../../src/index.js';
import { exactQuantile } from '../support/percentiles.js';
import { SEED } from './arbitraries.js';

describe('exact figures under a small bound', () => {
  it('many concurrent executions ended in random order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 90 }),
        async (limit, order) => {
          const tracker = new ExecutionTracker({
            flowId: 'f',
            maxExecutionsPerRoutine: limit,
          });
          const handles: ExecutionHandle[] = [];
          for (let k = 0; k < order.length; k++) {
            handles.push(tracker.recordRoutineStart('r', { k }));
            if (k % 7 === 0)
              await new Promise((resolve) => setImmediate(resolve));
          }
          const pending = [...handles];
          for (const pick of order) {
            const [handle] = pending.splice(pick % pending.length, 1);
            handle?.end(pick % 2 === 0 ? 'completed' : 'failed');
            if (pick % 5 === 0)
              await new Promise((resolve) => setImmediate(resolve));
          }
          const times = handles
            .map((h) => h.record.execution_time ?? NaN)
            .sort((a, b) => a - b);
          const perf = tracker.getRoutinePerformance('r');
          expect(perf?.total_executions).toBe(order.length);
          expect(perf?.min_execution_time).toBe(times[0]);
          expect(perf?.max_execution_time).toBe(times[times.length - 1]);
          expect(perf?.total_execution_time).toBeCloseTo(
            times.reduce((a, b) => a + b, 0),
            9,
          );
          if (times.length <= 64) {
            expect(perf?.p50_execution_time).toBe(exactQuantile(times, 0.5));
            expect(perf?.p95_execution_time).toBe(exactQuantile(times, 0.95));
          }
          const retained = tracker.routineExecutions.get('r') ?? [];
          expect(retained.length).toBe(Math.min(limit, order.length));
          // The ones kept are the last to finish, listed in start order.
          const ks = retained.map((r) => r.params.k as number);
          expect(ks).toStrictEqual([...ks].sort((a, b) => a - b));
          expect(tracker.getPerformanceMetrics().dropped_executions).toBe(
            order.length - retained.length,
          );
          const reloaded = ExecutionTracker.deserialize(
            JSON.parse(JSON.stringify(tracker)) as unknown,
          );
          expect(reloaded.routineExecutions.get('r') ?? []).toStrictEqual(
            retained,
          );
          tracker.end();
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });
});

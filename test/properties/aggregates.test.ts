// README, "The mirror's bounds": past the bound records are dropped, but
// "counts, sums, minimum, maximum and percentiles stay exact over the whole
// run, not just over what is retained". Two trackers, one unbounded and one
// with small bounds, receive the same calls at the same instants of a
// stubbed clock: every figure but the dropped counts must be the same, and
// the unbounded one's must match its own full record list.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { ExecutionTracker } from '../../src/index.js';
import { operations, SEED } from './arbitraries.js';
import { checkMirror } from './mirror-checks.js';
import { OperationRunner } from './operations.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** The tracker's clock reads Date.now once and performance.now after. */
function stubClock(): { advance(ms: number): void } {
  let monotonic = 1_000;
  vi.spyOn(Date, 'now').mockReturnValue(1_764_800_000_000);
  vi.spyOn(performance, 'now').mockImplementation(() => monotonic);
  return {
    advance: (ms) => {
      monotonic += ms;
    },
  };
}

const ticks = fc.array(fc.constantFrom(0, 0, 0.0004, 0.25, 1, 7.5, 1000), {
  minLength: 40,
  maxLength: 40,
});

describe('a tracker with small bounds', () => {
  it('answers every figure as an unbounded one does', async () => {
    await fc.assert(
      fc.asyncProperty(
        operations,
        ticks,
        fc.nat({ max: 3 }),
        fc.nat({ max: 3 }),
        async (list, pauses, maxExecutionsPerRoutine, maxEvents) => {
          const clock = stubClock();
          const runners = [
            { maxExecutionsPerRoutine: Infinity, maxEvents: Infinity },
            { maxExecutionsPerRoutine, maxEvents },
          ].map(
            (limits) =>
              new OperationRunner(
                new ExecutionTracker({ flowId: 'exact', ...limits }),
              ),
          );
          const [full, bounded] = runners as [OperationRunner, OperationRunner];
          for (const [index, operation] of list.entries()) {
            for (const runner of runners) {
              if (operation.op === 'flush') await runner.flush();
              else runner.call(operation);
            }
            clock.advance(pauses[index] ?? 0);
          }
          for (const runner of runners) await runner.flush();
          expect(full.failures).toEqual([]);
          expect(bounded.failures).toEqual([]);
          checkMirror(full.tracker, full);
          checkMirror(bounded.tracker, bounded);

          const exact = full.tracker.getPerformanceMetrics();
          const kept = bounded.tracker.getPerformanceMetrics();
          expect({ ...kept, dropped_executions: 0, dropped_events: 0 }).toEqual(
            exact,
          );

          const retained = [...bounded.tracker.routineExecutions.values()];
          for (const records of retained) {
            expect(records.length).toBeLessThanOrEqual(maxExecutionsPerRoutine);
          }
          expect(kept.dropped_executions).toBe(
            exact.total_executions - retained.flat().length,
          );
          const events = (tracker: ExecutionTracker): string[] =>
            tracker.eventFlow.map(
              (e) =>
                `${e.timestamp} ${e.source_routine_id} ${e.event_name} ${String(e.target_routine_id)}`,
            );
          const allEvents = events(full.tracker);
          const keptEvents = allEvents.slice(
            Math.max(0, allEvents.length - maxEvents),
          );
          // The oldest events are the ones dropped.
          expect(events(bounded.tracker)).toEqual(keptEvents);
          expect(kept.dropped_events).toBe(
            allEvents.length - keptEvents.length,
          );
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  }, 120_000);
});

// README: execution_time comes from a "monotonic clock: a clock step cannot
// make a duration negative"; the tracker's clock "reads the system clock
// once, at construction, and advances from there with the monotonic clock"
// (src/tracker/clock.ts). Both clocks are stubbed, and the wall clock
// steps back and forth by up to a day between calls.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { ExecutionTracker, type ExecutionHandle } from '../../src/index.js';
import { SEED } from './arbitraries.js';
import { microsOf } from './mirror-checks.js';
import { checkTrace } from './span-checks.js';
import { createTracing, watchComplaints } from './tracing.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const WALL_MS = 1_764_800_000_000;
const DAY_MS = 86_400_000;

interface Step {
  readonly wall: number;
  readonly monotonic: number;
  readonly action: 'start' | 'end' | 'event';
  readonly pick: number;
}

const steps = fc.array(
  fc.record<Step>({
    wall: fc.integer({ min: -DAY_MS, max: DAY_MS }),
    // A replaced performance.now (fake timers installed mid-run) can go
    // back too; the real one only goes forward.
    monotonic: fc.oneof(
      { weight: 9, arbitrary: fc.double({ min: 0, max: 5000, noNaN: true }) },
      { weight: 1, arbitrary: fc.double({ min: -5000, max: 0, noNaN: true }) },
    ),
    action: fc.constantFrom('start', 'end', 'event'),
    pick: fc.nat(),
  }),
  { maxLength: 30 },
);

/** Plays the steps; `wallSteps` false keeps the wall clock still. */
function play(list: readonly Step[], wallSteps: boolean) {
  let wall = WALL_MS;
  let monotonic = 50_000;
  vi.spyOn(Date, 'now').mockImplementation(() => wall);
  vi.spyOn(performance, 'now').mockImplementation(() => monotonic);
  const tracing = createTracing();
  const tracker = new ExecutionTracker({
    flowId: 'clock',
    tracer: tracing.tracer,
  });
  const running: ExecutionHandle[] = [];
  for (const step of list) {
    if (wallSteps) wall += step.wall;
    monotonic += step.monotonic;
    if (step.action === 'start') {
      running.push(tracker.recordRoutineStart(`r${running.length % 3}`));
    } else if (running.length > 0) {
      const index = step.pick % running.length;
      const handle = running[index];
      if (step.action === 'end') {
        running.splice(index, 1);
        handle?.end('completed');
      } else {
        handle?.recordEvent('tick', null, { step: step.pick });
      }
    }
  }
  tracker.end();
  vi.restoreAllMocks();
  return { tracker, tracing };
}

describe('the tracker clock', () => {
  it('gives durations that are never negative, and the same times the spans carry', () => {
    fc.assert(
      fc.property(steps, (list) => {
        const watch = watchComplaints();
        try {
          const { tracker, tracing } = play(list, true);
          const lists = [...tracker.routineExecutions.values()];
          for (const list of lists) {
            const starts = list.map((record) => microsOf(record.start_time));
            expect(starts).toEqual([...starts].sort((a, b) => a - b));
          }
          const records = lists.flat();
          for (const record of records) {
            const start = microsOf(record.start_time);
            if (record.end_time === undefined) continue;
            const micros = microsOf(record.end_time) - start;
            expect(micros).toBeGreaterThanOrEqual(0);
            expect(record.execution_time).toBe(micros / 1e6);
          }

          const spans = tracing.spans();
          checkTrace(spans, tracing.ledger);
          const micros = (time: readonly [number, number]): number =>
            time[0] * 1e6 + time[1] / 1000;
          const routineSpans = spans.filter((s) => !s.name.startsWith('flow '));
          expect(
            routineSpans.map((s) => micros(s.startTime)).sort((a, b) => a - b),
          ).toEqual(
            records.map((r) => microsOf(r.start_time)).sort((a, b) => a - b),
          );
          for (const record of records.filter(
            (r) => r.end_time !== undefined,
          )) {
            const span = routineSpans.find(
              (s) =>
                micros(s.startTime) === microsOf(record.start_time) &&
                s.attributes['flow.routine.status'] === 'completed',
            );
            expect(span).toBeDefined();
          }
          const eventTimes = spans.flatMap((s) =>
            s.events.map((e) => micros(e.time)),
          );
          expect(eventTimes.sort((a, b) => a - b)).toEqual(
            tracker.eventFlow.map((e) => microsOf(e.timestamp)),
          );
          expect(watch.complaints).toEqual([]);
        } finally {
          watch.stop();
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('is not moved by the wall clock once the tracker is built', () => {
    fc.assert(
      fc.property(steps, (list) => {
        const stepping = play(list, true).tracker;
        const still = play(list, false).tracker;
        expect(stepping.serialize()).toEqual(still.serialize());
        const [first] = [...stepping.routineExecutions.values()].flat();
        if (first !== undefined) {
          // The first reading after the anchor: the wall time at
          // construction plus the monotonic time elapsed since.
          const elapsed = list
            .slice(0, list.findIndex((s) => s.action === 'start') + 1)
            .reduce((sum, s) => sum + s.monotonic, 0);
          const reading = WALL_MS * 1000 + elapsed * 1000;
          expect(
            Math.abs(microsOf(first.start_time) - reading),
          ).toBeLessThanOrEqual(1);
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

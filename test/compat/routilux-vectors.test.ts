import { describe, expect, it } from 'vitest';

import {
  ExecutionTracker,
  type FlowPerformance,
  type RoutinePerformance,
  type SerializedTracker,
} from '../../src/index.js';
import { routiluxVectors } from '../support/routilux-vectors.js';

/**
 * The flow figures by this library's definition, recomputed from the dump:
 * the sum of every finished execution's duration, over the routines that
 * have records.
 */
function documentedFlowPerformance(data: SerializedTracker): FlowPerformance {
  const lists = Object.values(data.routine_executions);
  const total = lists
    .flat()
    .reduce((sum, record) => sum + (record.execution_time ?? 0), 0);
  const routines = lists.filter((list) => list.length > 0).length;
  return {
    total_routines: routines,
    total_events: data.event_flow.length,
    total_execution_time: total,
    avg_routine_time: routines > 0 ? total / routines : 0,
  };
}

describe('routilux 0.11.0 reference vectors', () => {
  it('are all present', () => {
    expect(routiluxVectors.map((v) => v.name)).toEqual([
      'single_completed',
      'repeated_with_failure',
      'end_without_start',
      'statuses',
      'running_left_open',
      'events_only',
      'multi_routine_flow',
      'routilux_chain',
    ]);
  });

  for (const vector of routiluxVectors) {
    describe(vector.name, () => {
      const tracker = ExecutionTracker.deserialize(vector.serialized);

      it("matches routilux's get_routine_performance to 1e-9", () => {
        for (const [id, expected] of Object.entries(
          vector.reference.routine_performance,
        )) {
          const actual = tracker.getRoutinePerformance(id);
          if (expected === null) {
            expect(actual, id).toBeNull();
            continue;
          }
          expect(actual, id).not.toBeNull();
          for (const [key, value] of Object.entries(expected)) {
            const got = actual?.[key as keyof RoutinePerformance];
            expect(
              Math.abs((got ?? NaN) - value),
              `${id}.${key}`,
            ).toBeLessThanOrEqual(1e-9);
          }
        }
      });

      it('matches the documented flow performance', () => {
        const expected = documentedFlowPerformance(vector.serialized);
        const actual = tracker.getFlowPerformance();
        expect(actual.total_routines).toBe(expected.total_routines);
        expect(actual.total_events).toBe(expected.total_events);
        expect(actual.total_execution_time).toBeCloseTo(
          expected.total_execution_time,
          9,
        );
        expect(actual.avg_routine_time).toBeCloseTo(
          expected.avg_routine_time,
          9,
        );
        // routilux 0.11 agrees wherever no routine ran twice.
        const ranOnce = Object.values(
          vector.serialized.routine_executions,
        ).every((list) => list.length <= 1);
        if (ranOnce) {
          expect(actual.total_execution_time).toBeCloseTo(
            vector.reference.flow_performance.total_execution_time,
            9,
          );
        }
      });

      it('keeps every record and event through a round trip', () => {
        const original = vector.serialized;
        const again = tracker.serialize();
        expect(Object.keys(again.routine_executions)).toEqual(
          Object.keys(original.routine_executions),
        );
        for (const [id, records] of Object.entries(
          original.routine_executions,
        )) {
          const copies = again.routine_executions[id] ?? [];
          expect(copies).toHaveLength(records.length);
          records.forEach((record, i) => {
            const copy = copies[i];
            expect(copy?.routine_id).toBe(record.routine_id);
            expect(copy?.status).toBe(record.status);
            expect(copy?.params).toEqual(record.params);
            expect(copy?.result).toEqual(record.result);
            expect(copy?.error).toEqual(record.error);
            expect(copy?.execution_time).toEqual(record.execution_time);
            // Naive local times come back as the same instant in UTC.
            expect(Date.parse(copy?.start_time ?? '')).toBe(
              new Date(record.start_time).getTime(),
            );
          });
        }
        expect(
          again.event_flow.map((e) => [
            e.source_routine_id,
            e.event_name,
            e.target_routine_id,
            e.data,
          ]),
        ).toEqual(
          original.event_flow.map((e) => [
            e.source_routine_id,
            e.event_name,
            e.target_routine_id,
            e.data,
          ]),
        );
        expect(ExecutionTracker.deserialize(again).serialize()).toEqual(again);
      });
    });
  }

  it('shows the deliberate difference from routilux in repeated_with_failure', () => {
    const vector = routiluxVectors.find(
      (v) => v.name === 'repeated_with_failure',
    );
    const tracker = ExecutionTracker.deserialize(vector?.serialized);
    // routilux 0.11 sums per-routine averages: one routine, so its average.
    expect(vector?.reference.flow_performance.total_execution_time).toBeCloseTo(
      0.00771675,
      9,
    );
    expect(tracker.getFlowPerformance().total_execution_time).toBeCloseTo(
      0.030867,
      9,
    );
  });
});

// The store's one running list against a model of README "The mirror's
// bounds": records that finished first are dropped first; a running record
// is dropped only when its routine holds nothing but running records;
// recordRoutineEnd closes the newest running execution, held or dropped;
// a dump's running records become executions that can be ended.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ExecutionTracker, type ExecutionHandle } from '../../src/index.js';
import { SEED } from './arbitraries.js';

interface ModelRecord {
  readonly i: number;
  readonly routine: string;
  status: string;
  held: boolean;
  ended: boolean;
}

class Model {
  readonly records: ModelRecord[] = [];
  /** Per routine: finished held records, in the order they ended. */
  private readonly finished = new Map<string, ModelRecord[]>();
  dropped = 0;

  constructor(private readonly limit: number) {}

  private finishedOf(routine: string): ModelRecord[] {
    let list = this.finished.get(routine);
    if (list === undefined) {
      list = [];
      this.finished.set(routine, list);
    }
    return list;
  }

  add(record: ModelRecord): void {
    this.records.push(record);
    if (record.ended) this.finishedOf(record.routine).push(record);
    this.bound(record.routine);
  }

  end(record: ModelRecord, status: string): void {
    record.status = status;
    record.ended = true;
    if (record.held) this.finishedOf(record.routine).push(record);
  }

  newestRunning(routine: string): ModelRecord | undefined {
    for (let k = this.records.length - 1; k >= 0; k--) {
      const r = this.records[k] as ModelRecord;
      if (r.routine === routine && !r.ended) return r;
    }
    return undefined;
  }

  private bound(routine: string): void {
    const finished = this.finishedOf(routine);
    const heldRunning = () =>
      this.records.filter((r) => r.routine === routine && r.held && !r.ended);
    while (finished.length + heldRunning().length > this.limit) {
      const victim = finished.shift() ?? heldRunning()[0];
      if (victim === undefined) return;
      victim.held = false;
      this.dropped++;
    }
  }

  retained(routine: string): number[] {
    return this.records
      .filter((r) => r.routine === routine && r.held)
      .map((r) => r.i);
  }
}

type Op =
  | { kind: 'start'; routine: string }
  | { kind: 'endHandle'; pick: number; status: string }
  | { kind: 'endRoutine'; routine: string; status: string }
  | { kind: 'reload'; limit: number };

const routineArb = fc.constantFrom('a', 'b', 'c');
const statusArb = fc.constantFrom('completed', 'failed', 'skipped', 'odd');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('start' as const),
      routine: routineArb,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('endHandle' as const),
      pick: fc.nat(),
      status: statusArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('endRoutine' as const),
      routine: routineArb,
      status: statusArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reload' as const),
      limit: fc.integer({ min: 0, max: 4 }),
    }),
  },
);

function check(
  tracker: ExecutionTracker,
  model: Model,
  droppedBefore: number,
): void {
  const executions = tracker.routineExecutions;
  const metrics = tracker.getPerformanceMetrics();
  for (const routine of ['a', 'b', 'c']) {
    const mine = model.records.filter((r) => r.routine === routine);
    const got = (executions.get(routine) ?? []).map((r) => r.params.i);
    expect(got, `retained ${routine}`).toStrictEqual(model.retained(routine));
    for (const record of executions.get(routine) ?? []) {
      const m = mine.find((r) => r.i === record.params.i);
      expect(record.status).toBe(m?.status);
    }
    const perf = tracker.getRoutinePerformance(routine);
    if (mine.length === 0) {
      expect(perf).toBeNull();
      continue;
    }
    expect(perf?.total_executions).toBe(mine.length);
    expect(perf?.completed).toBe(
      mine.filter((r) => r.status === 'completed').length,
    );
    expect(perf?.failed).toBe(mine.filter((r) => r.status === 'failed').length);
  }
  expect(metrics.running_executions).toBe(
    model.records.filter((r) => !r.ended).length,
  );
  expect(metrics.dropped_executions).toBe(model.dropped + droppedBefore);
  const counts: Record<string, number> = {};
  for (const r of model.records) counts[r.status] = (counts[r.status] ?? 0) + 1;
  expect(metrics.status_counts).toStrictEqual(counts);
}

describe('the bound, the running list and recordRoutineEnd, against a model', () => {
  it('random starts and ends in any order, with reloads from dumps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.array(opArb, { maxLength: 60 }),
        (limit, ops) => {
          let tracker = new ExecutionTracker({
            flowId: 'f',
            maxExecutionsPerRoutine: limit,
          });
          let model = new Model(limit);
          let droppedBefore = 0;
          // Live handles, by model record; a reload leaves none.
          let handles: [ModelRecord, ExecutionHandle][] = [];
          let next = 0;
          for (const op of ops) {
            switch (op.kind) {
              case 'start': {
                const record: ModelRecord = {
                  i: next++,
                  routine: op.routine,
                  status: 'running',
                  held: true,
                  ended: false,
                };
                handles.push([
                  record,
                  tracker.recordRoutineStart(op.routine, { i: record.i }),
                ]);
                model.add(record);
                break;
              }
              case 'endHandle': {
                if (handles.length === 0) break;
                const [record, handle] = handles[op.pick % handles.length] as [
                  ModelRecord,
                  ExecutionHandle,
                ];
                const wasEnded = record.ended;
                handle.end(op.status);
                if (!wasEnded) model.end(record, op.status);
                expect(handle.ended).toBe(true);
                break;
              }
              case 'endRoutine': {
                const newest = model.newestRunning(op.routine);
                tracker.recordRoutineEnd(op.routine, op.status);
                if (newest !== undefined) model.end(newest, op.status);
                break;
              }
              case 'reload': {
                const dump = JSON.parse(JSON.stringify(tracker)) as unknown;
                tracker = ExecutionTracker.deserialize(dump, {
                  maxExecutionsPerRoutine: op.limit,
                });
                droppedBefore += model.dropped;
                const kept = model.records.filter((r) => r.held);
                model = new Model(op.limit);
                // The dump lists each routine's records in start order.
                for (const routine of ['a', 'b', 'c']) {
                  for (const r of kept.filter((k) => k.routine === routine)) {
                    model.add({ ...r, held: true });
                  }
                }
                handles = [];
                break;
              }
            }
            check(tracker, model, droppedBefore);
          }
          tracker.end();
        },
      ),
      { seed: SEED, numRuns: 1500 },
    );
  });
});

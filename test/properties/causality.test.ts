// Every span's parent against README "The spans": the active span when it
// is one of the run's; else the span of the execution that emitted the
// latest event sent to the routine (kept on the routine's store once it
// has one, in the bridge's map before); else the root.
import { context } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ExecutionTracker, type ExecutionHandle } from '../../src/index.js';
import {
  createInMemoryTracing,
  parentId,
  useAsyncContextInThisFile,
} from '../support/in-memory-tracing.js';
import { SEED } from './arbitraries.js';

useAsyncContextInThisFile();

type Op =
  | { kind: 'start'; routine: string; inside: number | null }
  | { kind: 'emitHandle'; pick: number; target: string | null }
  | {
      kind: 'emitId';
      source: string;
      target: string | null;
      inside: number | null;
    }
  | { kind: 'end'; pick: number }
  | { kind: 'endRoutine'; routine: string }
  | { kind: 'trackerEnd' };

const routine = fc.constantFrom('a', 'b', 'c', 'd');
const inside = fc.option(fc.nat(), { freq: 3 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('start' as const),
      routine,
      inside,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('emitHandle' as const),
      pick: fc.nat(),
      target: fc.option(routine),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('emitId' as const),
      source: routine,
      target: fc.option(routine),
      inside,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('end' as const), pick: fc.nat() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('endRoutine' as const), routine }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'trackerEnd' as const }) },
);

type Who = number | 'root';

interface Exec {
  readonly i: number;
  readonly routine: string;
  readonly handle: ExecutionHandle;
  ended: boolean;
}

describe('parents under causality, against the README rules', () => {
  it('random starts, emits and ends, in and out of execution contexts', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 40 }),
        fc.integer({ min: 1, max: 3 }),
        (ops, limit) => {
          const tracing = createInMemoryTracing();
          const tracker = new ExecutionTracker({
            flowId: 'f',
            tracer: tracing.tracer,
            maxExecutionsPerRoutine: limit,
          });
          const execs: Exec[] = [];
          const cause = new Map<string, Who>();
          const expected = new Map<number, Who>();
          const newestRunning = (r: string): Exec | undefined =>
            [...execs].reverse().find((e) => e.routine === r && !e.ended);
          const within = <T>(
            index: number | null,
            fn: () => T,
          ): [T, Exec | undefined] => {
            if (index === null || execs.length === 0) return [fn(), undefined];
            const outer = execs[index % execs.length] as Exec;
            return [context.with(outer.handle.context, fn), outer];
          };
          for (const op of ops) {
            switch (op.kind) {
              case 'start': {
                const i = execs.length;
                const [handle, outer] = within(op.inside, () =>
                  tracker.recordRoutineStart(op.routine, { i }),
                );
                expected.set(
                  i,
                  outer !== undefined
                    ? outer.i
                    : (cause.get(op.routine) ?? 'root'),
                );
                execs.push({ i, routine: op.routine, handle, ended: false });
                break;
              }
              case 'emitHandle': {
                const e = execs[op.pick % Math.max(1, execs.length)];
                if (e === undefined) break;
                e.handle.recordEvent('out', op.target);
                if (op.target !== null) cause.set(op.target, e.i);
                break;
              }
              case 'emitId': {
                const [, outer] = within(op.inside, () => {
                  tracker.recordEvent(op.source, 'out', op.target);
                });
                const sender =
                  outer?.routine === op.source && !outer.ended
                    ? outer
                    : newestRunning(op.source);
                if (op.target !== null)
                  cause.set(op.target, sender?.i ?? 'root');
                break;
              }
              case 'end': {
                const e = execs[op.pick % Math.max(1, execs.length)];
                if (e === undefined) break;
                e.handle.end();
                e.ended = true;
                break;
              }
              case 'endRoutine': {
                const e = newestRunning(op.routine);
                tracker.recordRoutineEnd(op.routine);
                if (e !== undefined) e.ended = true;
                break;
              }
              case 'trackerEnd':
                tracker.end();
                break;
            }
          }
          tracker.end();
          const spans = tracing.spans();
          const root = spans.find((s) => s.name === 'flow f');
          const byIndex = new Map<number, string>();
          for (const s of spans) {
            const i = s.attributes['flow.routine.params.i'];
            if (typeof i === 'number') byIndex.set(i, s.spanContext().spanId);
          }
          expect(byIndex.size).toBe(execs.length);
          for (const s of spans) {
            const i = s.attributes['flow.routine.params.i'];
            if (typeof i !== 'number') continue;
            const want = expected.get(i);
            const wantId =
              want === 'root'
                ? root?.spanContext().spanId
                : byIndex.get(want as number);
            expect(parentId(s), `parent of execution ${i}`).toBe(wantId);
            expect(s.spanContext().traceId).toBe(root?.spanContext().traceId);
          }
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

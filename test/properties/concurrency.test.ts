// Hundreds of overlapping async executions of the same routines on four
// trackers in one process, with an AsyncLocalStorage context manager as
// an SDK set-up registers. Every record pairs with its own end, each
// tracker's spans form one trace of their own, and every span's parent is
// the one README, "The spans", names: the active span when it is one of
// the run's, else the emitter of the latest event sent to the routine,
// else the root.
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ExecutionTracker, type ExecutionHandle } from '../../src/index.js';
import { useAsyncContextInThisFile } from '../support/in-memory-tracing.js';
import { SEED } from './arbitraries.js';
import { checkTrace } from './span-checks.js';
import { createTracing } from './tracing.js';

useAsyncContextInThisFile();

interface Job {
  readonly tracker: number;
  readonly routine: string;
  readonly viaHandle: boolean;
  readonly wait: readonly [number, number, number];
  readonly emitTo: string | null;
  readonly fail: boolean;
  /** Started outside any execution's context. */
  readonly isolated: boolean;
  readonly nested: Job | null;
}

const TRACKERS = 4;
const pause = fc.nat({ max: 4 });
const { job } = fc.letrec<{ job: Job }>((tie) => ({
  job: fc.record({
    tracker: fc.nat({ max: TRACKERS - 1 }),
    routine: fc.constantFrom('a', 'b', 'c'),
    viaHandle: fc.boolean(),
    wait: fc.tuple(pause, pause, pause),
    emitTo: fc.option(fc.constantFrom('a', 'b', 'c')),
    fail: fc.boolean(),
    isolated: fc.boolean(),
    nested: fc.option(tie('job'), { depthSize: 'small', maxDepth: 2 }),
  }),
}));

/** setTimeout for odd waits, setImmediate for even ones, 0 to 2 ms. */
function sleep(wait: number): Promise<void> {
  return new Promise((resolve) => {
    if (wait % 2 === 0) setImmediate(resolve);
    else setTimeout(resolve, wait >> 1);
  });
}

/** What an execution's parent must be: another execution, or the root. */
type Parent = number | 'root';

interface Started {
  readonly uid: number;
  readonly job: Job;
  readonly parent: Parent;
}

class Run {
  readonly tracing = createTracing();
  readonly trackers = Array.from(
    { length: TRACKERS },
    (_, i) =>
      new ExecutionTracker({ flowId: `f${i}`, tracer: this.tracing.tracer }),
  );
  readonly started: Started[] = [];
  readonly problems: string[] = [];
  // Which execution of which tracker each span belongs to.
  private readonly _owners = new Map<
    string,
    { tracker: number; uid: number }
  >();
  // Per tracker, the execution that sent the latest event to each routine.
  private readonly _senders = this.trackers.map(
    () => new Map<string, number>(),
  );
  private _uid = 0;

  /** Starts `job` and waits for it and what it nests to finish. */
  run(job: Job): Promise<void> {
    return job.isolated
      ? context.with(ROOT_CONTEXT, () => this._start(job))
      : this._start(job);
  }

  private async _start(job: Job): Promise<void> {
    const tracker = this.trackers[job.tracker] as ExecutionTracker;
    const uid = this._uid++;
    const active = trace.getSpan(context.active())?.spanContext().spanId;
    const owner = active === undefined ? undefined : this._owners.get(active);
    const parent: Parent =
      owner?.tracker === job.tracker
        ? owner.uid
        : (this._senders[job.tracker]?.get(job.routine) ?? 'root');
    this.started.push({ uid, job, parent });

    const body = async (
      execution: ExecutionHandle,
    ): Promise<{ uid: number }> => {
      this._owners.set(execution.spanContext.spanId, {
        tracker: job.tracker,
        uid,
      });
      await sleep(job.wait[0]);
      if (job.emitTo !== null) {
        if (job.viaHandle) execution.recordEvent('out', job.emitTo, { uid });
        else tracker.recordEvent(job.routine, 'out', job.emitTo, { uid });
        this._senders[job.tracker]?.set(job.emitTo, uid);
      }
      if (job.nested !== null) await this.run(job.nested);
      await sleep(job.wait[1]);
      if (job.fail) throw new Error(`failed ${uid}`);
      return { uid };
    };

    if (!job.viaHandle) {
      await tracker
        .trackRoutine(job.routine, { uid }, body)
        .catch((error: unknown) => {
          if (!job.fail || (error as Error).message !== `failed ${uid}`)
            this.problems.push(`${uid} threw`);
        });
      return;
    }
    const execution = tracker.recordRoutineStart(job.routine, { uid });
    try {
      const result = await context.with(execution.context, () =>
        body(execution),
      );
      await sleep(job.wait[2]);
      execution.end('completed', result);
    } catch (error) {
      execution.end('failed', undefined, error);
    }
  }
}

describe('hundreds of overlapping executions on four trackers', () => {
  it('pair every end with its own start, keep traces apart and follow the parent rules', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: 6 }), job), {
          minLength: 150,
          maxLength: 250,
        }),
        async (plan) => {
          const run = new Run();
          // README: the root "starts at the run's first record, as a child of
          // the context active then"; each run records first at the top, so
          // that no root starts inside another run's execution.
          for (const tracker of run.trackers)
            tracker.recordRoutineStart('setup').end();
          await Promise.all(
            plan.map(async ([delay, item]) => {
              await sleep(delay);
              await run.run(item);
            }),
          );
          for (const tracker of run.trackers) tracker.end();
          expect(run.problems).toEqual([]);
          checkRecords(run);
          checkSpans(run);
        },
      ),
      {
        seed: SEED,
        numRuns: 8,
        // Shrinking hundreds of timed jobs is slow: past this, a failure
        // is reported as far as it was shrunk.
        plugins: [fc.interruptAfterTimeLimit(30_000)],
      },
    );
  }, 60_000);
});

function checkRecords(run: Run): void {
  for (const [index, tracker] of run.trackers.entries()) {
    const mine = run.started.filter((s) => s.job.tracker === index);
    expect(tracker.getPerformanceMetrics().total_executions).toBe(
      mine.length + 1,
    );
    expect(tracker.getPerformanceMetrics().running_executions).toBe(0);
    for (const { uid, job } of mine) {
      const records = (tracker.routineExecutions.get(job.routine) ?? []).filter(
        (r) => r.params.uid === uid,
      );
      expect(records).toHaveLength(1);
      const [record] = records;
      if (job.fail)
        expect(record).toMatchObject({
          status: 'failed',
          error: `failed ${uid}`,
        });
      else
        expect(record).toMatchObject({ status: 'completed', result: { uid } });
    }
  }
}

function checkSpans(run: Run): void {
  const spans = run.tracing.spans();
  checkTrace(spans, run.tracing.ledger);
  const roots = run.trackers.map((_, i) =>
    spans.find((s) => s.name === `flow f${i}`),
  );
  expect(new Set(roots.map((root) => root?.spanContext().traceId)).size).toBe(
    TRACKERS,
  );
  for (const [i, root] of roots.entries()) {
    expect(root?.parentSpanContext).toBeUndefined();
    const ofRun = spans.filter((s) => s.attributes['flow.id'] === `f${i}`);
    expect(new Set(ofRun.map((s) => s.spanContext().traceId))).toEqual(
      new Set([root?.spanContext().traceId]),
    );
  }
  const byUid = new Map(
    spans.flatMap((s) => {
      const uid = s.attributes['flow.routine.params.uid'];
      return typeof uid === 'number' ? [[uid, s] as const] : [];
    }),
  );
  expect(byUid.size).toBe(run.started.length);
  for (const { uid, job, parent } of run.started) {
    const span = byUid.get(uid);
    expect(span?.attributes['flow.id']).toBe(`f${job.tracker}`);
    if (!job.fail)
      expect(span?.attributes['flow.routine.result.uid']).toBe(uid);
    const expected = parent === 'root' ? roots[job.tracker] : byUid.get(parent);
    expect(span?.parentSpanContext?.spanId, `parent of ${uid}`).toBe(
      expected?.spanContext().spanId,
    );
  }
}

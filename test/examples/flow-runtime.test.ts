// The example flow runtime: slots, connections, fan-out, concurrency, the
// error policies, and the tracker calls it makes, read back from the
// tracker's mirror and from the spans of a real SDK.
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';

import {
  ERROR_EVENT,
  Flow,
  FlowDefinitionError,
  RoutineError,
  type Delivery,
  type ErrorEvent,
  type ErrorEventData,
  type Routine,
} from '../../examples/flow-runtime/index.js';
import {
  ATTR_EVENT_TARGET,
  ATTR_ROUTINE_ID,
  ATTR_ROUTINE_STATUS,
  ExecutionTracker,
  type ExecutionRecord,
} from '../../src/index.js';
import {
  createInMemoryTracing,
  parentId,
  useAsyncContextInThisFile,
} from '../support/in-memory-tracing.js';

useAsyncContextInThisFile();

/** A promise to settle from outside, to hold handlers open at will. */
function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
} {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets queued microtasks and timers run. */
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** A routine `split` that, started on `go`, emits `{ n }` on `item` for each n. */
function addSplitter(
  flow: Flow,
  ns: readonly number[],
): Routine<'go', 'item' | ErrorEvent> {
  return flow.add({
    id: 'split',
    slots: ['go'],
    events: ['item'],
    handler: (_d, { emit }) => {
      for (const n of ns) emit('item', { n });
    },
  });
}

/** The params recorded for a delivery of `{ n }`: its n. */
function paramsOfN({ data }: Delivery): Record<string, unknown> {
  return { n: (data as { n: number }).n };
}

function records(tracker: ExecutionTracker, id: string): ExecutionRecord[] {
  return [...(tracker.routineExecutions.get(id) ?? [])];
}

function statuses(tracker: ExecutionTracker, id: string): string[] {
  return records(tracker, id).map((r) => r.status);
}

/** Events as `source.event→target`, in the order recorded. */
function eventLines(tracker: ExecutionTracker): string[] {
  return tracker.eventFlow.map(
    (e) =>
      `${e.source_routine_id}.${e.event_name}→${e.target_routine_id ?? 'null'}`,
  );
}

describe('slots and connections', () => {
  it('delivers an event to the connected slot, with its source and data', async () => {
    const flow = new Flow('pair');
    const received: unknown[] = [];
    const source = flow.add({
      id: 'source',
      slots: ['go'],
      events: ['out'],
      handler: ({ data }, { emit }) => {
        emit('out', { doubled: (data as number) * 2 });
        return 'sent';
      },
    });
    const sink = flow.add({
      id: 'sink',
      slots: ['in'],
      handler: (delivery) => {
        received.push(delivery);
        return { got: (delivery.data as { doubled: number }).doubled };
      },
    });
    flow.connect(source, 'out', sink, 'in');

    const outcome = await flow.run(source, 21);

    expect(outcome.status).toBe('completed');
    expect(outcome.error).toBeUndefined();
    expect(outcome.executions).toBe(2);
    expect(received).toEqual([
      {
        slot: 'in',
        data: { doubled: 42 },
        source: { routineId: 'source', event: 'out' },
      },
    ]);
    const { tracker } = outcome;
    expect(records(tracker, 'source')).toMatchObject([
      { status: 'completed', result: 'sent', params: { slot: 'go', data: 21 } },
    ]);
    expect(records(tracker, 'sink')).toMatchObject([
      { status: 'completed', result: { got: 42 }, params: { slot: 'in' } },
    ]);
    expect(tracker.eventFlow).toMatchObject([
      {
        source_routine_id: 'source',
        event_name: 'out',
        target_routine_id: 'sink',
        data: { doubled: 42 },
      },
    ]);
  });

  it('tells a routine with several slots which one each delivery came on', async () => {
    const flow = new Flow('slots');
    const seen: string[] = [];
    const start = flow.add({
      id: 'start',
      slots: ['go'],
      events: ['left', 'right'],
      handler: (_d, { emit }) => {
        emit('left', 'L');
        emit('right', 'R');
      },
    });
    const join = flow.add({
      id: 'join',
      slots: ['a', 'b'],
      handler: ({ slot, data }) => {
        seen.push(`${slot}=${String(data)}`);
      },
    });
    flow.connect(start, 'left', join, 'a').connect(start, 'right', join, 'b');

    await flow.run(start);

    expect(seen.sort()).toEqual(['a=L', 'b=R']);
  });

  it('records an emit with one event per connected slot, naming each target (fan-out)', async () => {
    const flow = new Flow('fan-out');
    const got: string[] = [];
    const hub = flow.add({
      id: 'hub',
      slots: ['go'],
      events: ['news'],
      handler: (_d, { emit }) => {
        emit('news', { n: 1 });
      },
    });
    const names = ['x', 'y', 'z'] as const;
    const sinks = names.map((id) =>
      flow.add({
        id,
        slots: ['in', 'also'],
        handler: ({ slot }) => {
          got.push(`${id}.${slot}`);
        },
      }),
    );
    for (const sink of sinks) flow.connect(hub, 'news', sink, 'in');
    // The same event into a second slot of a routine already fed.
    flow.connect(hub, 'news', sinks[0] as Routine<'in' | 'also'>, 'also');

    const { tracker } = await flow.run(hub);

    expect(got.sort()).toEqual(['x.also', 'x.in', 'y.in', 'z.in']);
    expect(eventLines(tracker)).toEqual([
      'hub.news→x',
      'hub.news→y',
      'hub.news→z',
      'hub.news→x',
    ]);
  });

  it('records an unconnected emit once, with no target', async () => {
    const flow = new Flow('unconnected');
    const lone = flow.add({
      id: 'lone',
      slots: ['go'],
      events: ['ignored'],
      handler: (_d, { emit }) => {
        emit('ignored', [1, 2]);
      },
    });

    const { tracker, executions } = await flow.run(lone);

    expect(executions).toBe(1);
    expect(tracker.eventFlow).toMatchObject([
      {
        source_routine_id: 'lone',
        event_name: 'ignored',
        target_routine_id: null,
        // Not an object: kept under `value`, as the tracker keeps params.
        data: { value: [1, 2] },
      },
    ]);
  });

  it('starts deliveries after emit returns, not inside it', async () => {
    const flow = new Flow('order');
    const log: string[] = [];
    const first = flow.add({
      id: 'first',
      slots: ['go'],
      events: ['next'],
      handler: (_d, { emit }) => {
        emit('next');
        log.push('emit returned');
      },
    });
    const second = flow.add({
      id: 'second',
      slots: ['in'],
      handler: () => {
        log.push('second ran');
      },
    });
    flow.connect(first, 'next', second, 'in');

    await flow.run(first);

    expect(log).toEqual(['emit returned', 'second ran']);
  });

  it('uses the given tracker and ends it when the flow settles', async () => {
    const flow = new Flow('own-tracker');
    const only = flow.add({ id: 'only', slots: ['go'], handler: () => 1 });
    const tracker = new ExecutionTracker('run-42');

    const outcome = await flow.run(only, undefined, { tracker });

    expect(outcome.tracker).toBe(tracker);
    expect(tracker.flowId).toBe('run-42');
    expect(tracker.getPerformanceMetrics().running_executions).toBe(0);
    expect(statuses(tracker, 'only')).toEqual(['completed']);
  });

  it('starts the entry on the slot asked for', async () => {
    const flow = new Flow('entry-slot');
    const slots: string[] = [];
    const entry = flow.add({
      id: 'entry',
      slots: ['first', 'second'],
      handler: ({ slot }) => {
        slots.push(slot);
      },
    });

    await flow.run(entry, null, { slot: 'second' });

    expect(slots).toEqual(['second']);
  });
});

describe('concurrency', () => {
  it('runs one routine many times at once, each execution ended with its own result', async () => {
    const flow = new Flow('overlap');
    const gates = [deferred(), deferred(), deferred()];
    let running = 0;
    let most = 0;
    const split = addSplitter(flow, [0, 1, 2]);
    const work = flow.add({
      id: 'work',
      slots: ['item'],
      params: paramsOfN,
      handler: async ({ data }) => {
        const { n } = data as { n: number };
        running++;
        most = Math.max(most, running);
        await gates[n]?.promise;
        running--;
        return { n, squared: n * n };
      },
    });
    flow.connect(split, 'item', work, 'item');

    const done = flow.run(split);
    await tick();
    // All three are open at once. They finish in an order that is neither
    // the start order nor its reverse, so that an end matched by routine
    // id alone (the most recent running one) would pair the wrong result.
    expect(running).toBe(3);
    for (const n of [1, 0, 2]) {
      gates[n]?.resolve();
      await tick();
    }
    const { tracker } = await done;

    expect(most).toBe(3);
    const rows = records(tracker, 'work');
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      const n = row.params.n as number;
      expect(row.status).toBe('completed');
      expect(row.result).toEqual({ n, squared: n * n });
    }
    const ends = rows
      .slice()
      .sort((a, b) => (a.end_time ?? '').localeCompare(b.end_time ?? ''))
      .map((r) => r.params.n);
    expect(ends).toEqual([1, 0, 2]);
  });

  it('keeps a routine within its concurrency bound, and runs every delivery', async () => {
    const flow = new Flow('bounded');
    let running = 0;
    let most = 0;
    const split = flow.add({
      id: 'split',
      slots: ['go'],
      events: ['item'],
      handler: (_d, { emit }) => {
        for (let n = 0; n < 7; n++) emit('item', n);
      },
    });
    const work = flow.add({
      id: 'work',
      slots: ['item'],
      concurrency: 2,
      handler: async ({ data }) => {
        running++;
        most = Math.max(most, running);
        await tick();
        running--;
        return data;
      },
    });
    flow.connect(split, 'item', work, 'item');

    const { tracker } = await flow.run(split);

    expect(most).toBe(2);
    expect(
      records(tracker, 'work')
        .map((r) => r.result)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('keeps the whole flow within maxConcurrency, over all routines', async () => {
    const flow = new Flow('flow-bound', { maxConcurrency: 1 });
    let running = 0;
    let most = 0;
    const busy = async (): Promise<void> => {
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
    };
    const split = flow.add({
      id: 'split',
      slots: ['go'],
      events: ['a', 'b'],
      handler: async (_d, { emit }) => {
        emit('a');
        emit('b');
        emit('a');
        await busy();
      },
    });
    const left = flow.add({ id: 'left', slots: ['in'], handler: busy });
    const right = flow.add({ id: 'right', slots: ['in'], handler: busy });
    flow.connect(split, 'a', left, 'in').connect(split, 'b', right, 'in');

    const { executions } = await flow.run(split);

    expect(most).toBe(1);
    expect(executions).toBe(4);
  });
});

/** source emits `items` to `target`, whose handler is `fail`-able. */
function failingFlow(
  policy: Parameters<Flow['add']>[0]['errorPolicy'],
  failWhen: (n: number, attempt: number) => boolean,
  items: readonly number[] = [1],
) {
  const flow = new Flow('failing');
  const source = flow.add({
    id: 'source',
    slots: ['go'],
    events: ['item'],
    handler: (_d, { emit }) => {
      for (const n of items) emit('item', { n });
    },
  });
  const target = flow.add({
    id: 'target',
    slots: ['item'],
    errorPolicy: policy,
    concurrency: 1,
    params: paramsOfN,
    handler: ({ data }, { attempt }) => {
      const { n } = data as { n: number };
      if (failWhen(n, attempt)) throw new Error(`item ${n} attempt ${attempt}`);
      return { n, attempt };
    },
  });
  const errors: ErrorEventData[] = [];
  const errorSink = flow.add({
    id: 'errors',
    slots: ['failure'],
    handler: ({ data }) => {
      errors.push(data as ErrorEventData);
    },
  });
  flow.connect(source, 'item', target, 'item');
  flow.connect(target, ERROR_EVENT, errorSink, 'failure');
  return { flow, source, errors };
}

describe('error policies', () => {
  it('stop: fails the flow, reports the error and starts no new work', async () => {
    const { flow, source } = failingFlow('stop', (n) => n === 2, [1, 2, 3, 4]);

    const outcome = await flow.run(source);

    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBeInstanceOf(RoutineError);
    expect(outcome.error).toMatchObject({
      routineId: 'target',
      slot: 'item',
      attempt: 1,
      message: 'routine target failed on slot item: item 2 attempt 1',
    });
    expect((outcome.error?.cause as Error).message).toBe('item 2 attempt 1');
    const { tracker } = outcome;
    // concurrency 1: item 1 ran, item 2 failed, 3 and 4 never started.
    expect(statuses(tracker, 'target')).toEqual(['completed', 'failed']);
    expect(records(tracker, 'target')[1]?.error).toBe('item 2 attempt 1');
    expect(outcome.dropped).toBe(2);
    expect(outcome.failures).toMatchObject([
      { routineId: 'target', slot: 'item', attempt: 1, handling: 'stopped' },
    ]);
    // A stop is not a continued error: nothing goes to the error event.
    expect(tracker.routineExecutions.get('errors')).toBeUndefined();
  });

  it('stop: aborts the signal; emits of handlers still running are recorded, not delivered', async () => {
    const flow = new Flow('stop-midway');
    let abortedSeen = false;
    const source = flow.add({
      id: 'source',
      slots: ['go'],
      events: ['item'],
      handler: async (_d, { emit, signal }) => {
        emit('item', 'boom');
        // Still running when the stop comes: wait for it.
        await new Promise((resolve) => {
          signal.addEventListener('abort', resolve);
        });
        abortedSeen = signal.aborted;
        emit('item', 'late');
        return 'done';
      },
    });
    const target = flow.add({
      id: 'target',
      slots: ['item'],
      handler: ({ data }) => {
        if (data === 'boom') throw new Error('boom');
      },
    });
    flow.connect(source, 'item', target, 'item');

    const outcome = await flow.run(source);

    expect(outcome.status).toBe('failed');
    expect(abortedSeen).toBe(true);
    expect(outcome.dropped).toBe(1);
    const { tracker } = outcome;
    // The handler that was running finishes and is recorded as it ended.
    expect(statuses(tracker, 'source')).toEqual(['completed']);
    expect(statuses(tracker, 'target')).toEqual(['failed']);
    expect(eventLines(tracker)).toEqual([
      'source.item→target',
      'source.item→target',
    ]);
  });

  it('continue: records error_continued, emits the error event and goes on', async () => {
    const { flow, source, errors } = failingFlow(
      'continue',
      (n) => n === 2,
      [1, 2, 3],
    );

    const outcome = await flow.run(source);

    expect(outcome.status).toBe('completed');
    expect(outcome.error).toBeUndefined();
    const { tracker } = outcome;
    expect(statuses(tracker, 'target')).toEqual([
      'completed',
      'error_continued',
      'completed',
    ]);
    expect(records(tracker, 'target')[1]).toMatchObject({
      params: { n: 2 },
      error: 'item 2 attempt 1',
    });
    expect(outcome.failures).toMatchObject([
      { routineId: 'target', attempt: 1, handling: 'continued' },
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      routineId: 'target',
      slot: 'item',
      attempt: 1,
      message: 'item 2 attempt 1',
      input: { n: 2 },
    });
    expect(errors[0]?.error).toBeInstanceOf(Error);
    expect(eventLines(tracker)).toEqual([
      'source.item→target',
      'source.item→target',
      'source.item→target',
      'target.error→errors',
    ]);
    expect(tracker.getPerformanceMetrics().status_counts).toEqual({
      completed: 4,
      error_continued: 1,
    });
  });

  it('retry: each attempt is its own execution, until one succeeds', async () => {
    const { flow, source } = failingFlow(
      { attempts: 3 },
      (_n, attempt) => attempt < 3,
    );

    const outcome = await flow.run(source);

    expect(outcome.status).toBe('completed');
    expect(outcome.executions).toBe(4);
    const rows = records(outcome.tracker, 'target');
    expect(rows.map((r) => [r.status, r.params.attempt])).toEqual([
      ['failed', 1],
      ['failed', 2],
      ['completed', 3],
    ]);
    expect(rows[2]?.result).toEqual({ n: 1, attempt: 3 });
    expect(outcome.failures.map((f) => [f.attempt, f.handling])).toEqual([
      [1, 'retried'],
      [2, 'retried'],
    ]);
  });

  it('retry, then continue: the last failure is error_continued', async () => {
    const { flow, source, errors } = failingFlow(
      { attempts: 2, then: 'continue', delayMs: 1 },
      () => true,
    );

    const outcome = await flow.run(source);

    expect(outcome.status).toBe('completed');
    expect(statuses(outcome.tracker, 'target')).toEqual([
      'failed',
      'error_continued',
    ]);
    expect(errors.map((e) => e.attempt)).toEqual([2]);
    expect(outcome.failures.map((f) => f.handling)).toEqual([
      'retried',
      'continued',
    ]);
  });

  it('retry, then stop: the last failure stops the flow', async () => {
    const { flow, source, errors } = failingFlow(
      { attempts: 2 },
      () => true,
      [1, 2],
    );

    const outcome = await flow.run(source);

    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatchObject({ routineId: 'target', attempt: 2 });
    expect(statuses(outcome.tracker, 'target')).toEqual(['failed', 'failed']);
    expect(outcome.dropped).toBe(1);
    expect(errors).toEqual([]);
  });

  it('treats a synchronous throw and a rejection alike, whatever is thrown', async () => {
    const flow = new Flow('throws');
    const split = flow.add({
      id: 'split',
      slots: ['go'],
      events: ['sync', 'async'],
      handler: (_d, { emit }) => {
        emit('sync');
        emit('async');
      },
    });
    const syncThrow = flow.add({
      id: 'sync-throw',
      slots: ['in'],
      errorPolicy: 'continue',
      handler: () => {
        throw new Error('sync');
      },
    });
    const asyncReject = flow.add({
      id: 'async-reject',
      slots: ['in'],
      errorPolicy: 'continue',
      // eslint-disable-next-line @typescript-eslint/require-await -- an async handler that rejects
      handler: async () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- handlers may throw anything
        throw { reason: 'not an Error' };
      },
    });
    flow
      .connect(split, 'sync', syncThrow, 'in')
      .connect(split, 'async', asyncReject, 'in');

    const { tracker, status } = await flow.run(split);

    expect(status).toBe('completed');
    expect(records(tracker, 'sync-throw')).toMatchObject([
      { status: 'error_continued', error: 'sync' },
    ]);
    expect(statuses(tracker, 'async-reject')).toEqual(['error_continued']);
  });

  it('fails the attempt whose params picker throws, through the policy', async () => {
    const flow = new Flow('picker');
    let ran = false;
    const picky = flow.add({
      id: 'picky',
      slots: ['go'],
      errorPolicy: 'continue',
      params: () => {
        throw new Error('cannot describe this input');
      },
      handler: () => {
        ran = true;
      },
    });

    const outcome = await flow.run(picky, 'x');

    expect(ran).toBe(false);
    expect(outcome.status).toBe('completed');
    expect(records(outcome.tracker, 'picky')).toMatchObject([
      {
        status: 'error_continued',
        error: 'cannot describe this input',
        params: { data: 'x', slot: 'go', attempt: 1 },
      },
    ]);
  });

  it('skip: a handler returning skip() is recorded as skipped, with the reason', async () => {
    const flow = new Flow('skip');
    const maybe = flow.add({
      id: 'maybe',
      slots: ['go'],
      handler: ({ data }, { skip }) =>
        data === 'empty' ? skip('nothing to do') : 'done',
    });

    const { tracker } = await flow.run(maybe, 'empty');

    expect(records(tracker, 'maybe')).toMatchObject([
      { status: 'skipped', result: { reason: 'nothing to do' } },
    ]);
  });
});

describe('definition and misuse', () => {
  it('refuses duplicate ids, no slots, a declared error event, bad bounds and policies', () => {
    const flow = new Flow('defs');
    flow.add({ id: 'a', slots: ['in'], handler: () => undefined });
    expect(() =>
      flow.add({ id: 'a', slots: ['in'], handler: () => undefined }),
    ).toThrow(FlowDefinitionError);
    expect(() =>
      flow.add({ id: 'b', slots: [], handler: () => undefined }),
    ).toThrow(/at least one slot/);
    expect(() =>
      flow.add({
        id: 'c',
        slots: ['in'],
        events: ['error'],
        handler: () => undefined,
      }),
    ).toThrow(/runtime's own event/);
    expect(() =>
      flow.add({
        id: 'd',
        slots: ['in'],
        concurrency: 0,
        handler: () => undefined,
      }),
    ).toThrow(/concurrency must be an integer/);
    expect(() =>
      flow.add({
        id: 'e',
        slots: ['in'],
        errorPolicy: { attempts: 1.5 },
        handler: () => undefined,
      }),
    ).toThrow(/retry attempts/);
    expect(() => new Flow('x', { maxConcurrency: -1 })).toThrow(
      FlowDefinitionError,
    );
  });

  it('refuses names a cast slipped past the types, and routines of another flow', async () => {
    const flow = new Flow('names');
    const other = new Flow('other');
    const a = flow.add({
      id: 'a',
      slots: ['in'],
      events: ['out'],
      handler: () => undefined,
    });
    const b = flow.add({ id: 'b', slots: ['in'], handler: () => undefined });
    const foreign = other.add({
      id: 'b',
      slots: ['in'],
      handler: () => undefined,
    });
    const loose = a as Routine;
    expect(() => flow.connect(loose, 'nope', b, 'in')).toThrow(/no event nope/);
    expect(() => flow.connect(a, 'out', b as Routine, 'nope')).toThrow(
      /no slot nope/,
    );
    expect(() => flow.connect(a, 'out', foreign, 'in')).toThrow(
      /does not belong to flow names/,
    );
    flow.connect(a, 'out', b, 'in');
    expect(() => flow.connect(a, 'out', b, 'in')).toThrow(/already connected/);
    await expect(flow.run(foreign)).rejects.toThrow(FlowDefinitionError);
    await expect(flow.run(a as Routine, null, { slot: 'x' })).rejects.toThrow(
      /no slot x/,
    );
  });

  it('fails the execution that emits an event its routine does not declare', async () => {
    const flow = new Flow('undeclared');
    const a = flow.add({
      id: 'a',
      slots: ['in'],
      events: ['out'],
      handler: (_d, { emit }) => {
        (emit as (event: string) => void)('other');
      },
    });

    const outcome = await flow.run(a);

    expect(outcome.status).toBe('failed');
    expect(outcome.error?.cause).toBeInstanceOf(FlowDefinitionError);
    expect(records(outcome.tracker, 'a')[0]?.error).toBe(
      'routine a cannot emit other: not one of its events',
    );
    expect(outcome.tracker.eventFlow).toEqual([]);
  });

  it('refuses an emit after the handler has settled', async () => {
    const flow = new Flow('late');
    let later: (() => void) | undefined;
    const a = flow.add({
      id: 'a',
      slots: ['in'],
      events: ['out'],
      handler: (_d, { emit }) => {
        later = () => {
          emit('out');
        };
      },
    });

    await flow.run(a);

    expect(later).toBeDefined();
    expect(() => later?.()).toThrow(/after its handler settled/);
  });
});

describe('spans in a real SDK', () => {
  const routineSpans = (spans: ReadableSpan[], id: string): ReadableSpan[] =>
    spans.filter((s) => s.attributes[ATTR_ROUTINE_ID] === id);
  const param = (span: ReadableSpan, key: string): unknown =>
    span.attributes[`flow.routine.params.${key}`];

  it('parents each execution on the very execution that emitted to it, even when they overlap', async () => {
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'spans',
      tracer: tracing.tracer,
    });
    const flow = new Flow('spans');
    // The order is forced: fetch 2 emits and save 2 starts; fetch 0, then
    // fetch 1 emit while save 2 runs, so saves 0 and 1 wait for the bound.
    // Save 0 then starts after fetch 1 was the latest to emit to `save`,
    // from whatever context save 2 ended in: only the emitter's context,
    // carried with the delivery, gives it the right parent.
    const save2Started = deferred();
    const fetch0Emitted = deferred();
    const fetch1Emitted = deferred();
    const split = addSplitter(flow, [0, 1, 2]);
    const fetch = flow.add({
      id: 'fetch',
      slots: ['item'],
      events: ['page'],
      params: paramsOfN,
      handler: async ({ data }, { emit }) => {
        const { n } = data as { n: number };
        if (n === 0) await save2Started.promise;
        if (n === 1) await fetch0Emitted.promise;
        // Other instrumentation inside the handler nests under it.
        tracing.tracer.startSpan(`io ${n}`).end();
        emit('page', { n });
        if (n === 0) fetch0Emitted.resolve();
        if (n === 1) fetch1Emitted.resolve();
      },
    });
    const save = flow.add({
      id: 'save',
      slots: ['page'],
      concurrency: 1,
      params: paramsOfN,
      handler: async ({ data }) => {
        if ((data as { n: number }).n === 2) {
          save2Started.resolve();
          await fetch1Emitted.promise;
        }
      },
    });
    flow
      .connect(split, 'item', fetch, 'item')
      .connect(fetch, 'page', save, 'page');

    const outcome = await flow.run(split, undefined, { tracker });
    await tracing.provider.forceFlush();

    const spans = tracing.spans();
    const root = tracing.span('flow spans');
    expect(outcome.traceId).toBe(root.spanContext().traceId);
    expect(
      spans.every((s) => s.spanContext().traceId === outcome.traceId),
    ).toBe(true);
    const [splitSpan] = routineSpans(spans, 'split');
    expect(parentId(splitSpan as ReadableSpan)).toBe(root.spanContext().spanId);
    for (const n of [0, 1, 2]) {
      const fetchSpan = routineSpans(spans, 'fetch').find(
        (s) => param(s, 'n') === n,
      ) as ReadableSpan;
      const saveSpan = routineSpans(spans, 'save').find(
        (s) => param(s, 'n') === n,
      ) as ReadableSpan;
      expect(parentId(fetchSpan)).toBe(splitSpan?.spanContext().spanId);
      expect(parentId(saveSpan)).toBe(fetchSpan.spanContext().spanId);
      expect(parentId(tracing.span(`io ${n}`))).toBe(
        fetchSpan.spanContext().spanId,
      );
      // The emit is a span event on the emitting execution, naming its target.
      expect(
        fetchSpan.events.map((e) => [
          e.name,
          e.attributes?.[ATTR_EVENT_TARGET],
        ]),
      ).toEqual([['page', 'save']]);
    }
  });

  it('puts the error event on the failed execution, whose span is an error', async () => {
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'span-errors',
      tracer: tracing.tracer,
    });
    const { flow, source } = failingFlow('continue', () => true);

    const outcome = await flow.run(source, undefined, { tracker });
    await tracing.provider.forceFlush();

    const spans = tracing.spans();
    const [failed] = routineSpans(spans, 'target');
    const [sink] = routineSpans(spans, 'errors');
    expect(failed?.attributes[ATTR_ROUTINE_STATUS]).toBe('error_continued');
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.events.map((e) => e.name)).toEqual(['error', 'exception']);
    expect(parentId(sink as ReadableSpan)).toBe(failed?.spanContext().spanId);
    expect(outcome.traceId).toBe(failed?.spanContext().traceId);
  });

  it('nests the run under the span active where run was called', async () => {
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'nested',
      tracer: tracing.tracer,
    });
    const flow = new Flow('nested');
    const only = flow.add({ id: 'only', slots: ['go'], handler: () => 1 });

    const request = tracing.tracer.startSpan('request');
    await context.with(trace.setSpan(context.active(), request), () =>
      flow.run(only, undefined, { tracker }),
    );
    request.end();
    await tracing.provider.forceFlush();

    expect(parentId(tracing.span('flow nested'))).toBe(
      request.spanContext().spanId,
    );
  });
});

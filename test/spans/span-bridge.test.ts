import {
  context,
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type AttributeValue,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { hrTimeToMicroseconds, suppressTracing } from '@opentelemetry/core';
import {
  SamplingDecision,
  type ReadableSpan,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it, vi } from 'vitest';

import { ExecutionTracker } from '../../src/index.js';
import { parseTimestamp } from '../../src/format/timestamps.js';
import { KeyRedactor } from '../../src/spans/redaction.js';
import { SpanBridge } from '../../src/spans/span-bridge.js';
import { spyOnDiag } from '../support/diag-spy.js';
import {
  createInMemoryTracing,
  dropEverything,
  parentId,
  useAsyncContextInThisFile,
  type InMemoryTracing,
} from '../support/in-memory-tracing.js';

useAsyncContextInThisFile();

function setUp(
  options: Partial<
    ConstructorParameters<typeof ExecutionTracker>[0] & object
  > = {},
): { tracing: InMemoryTracing; tracker: ExecutionTracker } {
  const tracing = createInMemoryTracing();
  const tracker = new ExecutionTracker({
    flowId: 'orders',
    tracer: tracing.tracer,
    ...options,
  });
  return { tracing, tracker };
}

/** Two trackers, flows `one` and `two`, on one in-memory SDK. */
function twoTrackers(): {
  tracing: InMemoryTracing;
  first: ExecutionTracker;
  second: ExecutionTracker;
} {
  const tracing = createInMemoryTracing();
  const tracker = (flowId: string): ExecutionTracker =>
    new ExecutionTracker({ flowId, tracer: tracing.tracer });
  return { tracing, first: tracker('one'), second: tracker('two') };
}

function isValidAttributeValue(value: AttributeValue | undefined): boolean {
  if (value === undefined) return false;
  const valid = (item: unknown): boolean =>
    typeof item === 'string' ||
    typeof item === 'boolean' ||
    (typeof item === 'number' && Number.isFinite(item));
  if (!Array.isArray(value)) return valid(value);
  const kinds = new Set(value.map((item) => typeof item));
  return kinds.size <= 1 && value.every(valid);
}

function expectValidAttributes(spans: readonly ReadableSpan[]): void {
  for (const span of spans) {
    const all = [
      span.attributes,
      ...span.events.map((e) => e.attributes ?? {}),
    ];
    for (const attributes of all) {
      for (const [key, value] of Object.entries(attributes)) {
        expect(isValidAttributeValue(value), `${span.name} ${key}`).toBe(true);
      }
    }
  }
}

describe('the trace of a run', () => {
  it('is one trace per tracker with a root span named after the flow', () => {
    const { tracing, first, second } = twoTrackers();
    for (const tracker of [first, second]) {
      tracker.recordRoutineStart('a');
      tracker.recordRoutineEnd('a');
      tracker.recordRoutineStart('b');
      tracker.recordRoutineEnd('b');
      tracker.end();
    }

    const spans = tracing.spans();
    expect(spans).toHaveLength(6);
    const traceIds = new Set(spans.map((s) => s.spanContext().traceId));
    expect(traceIds.size).toBe(2);
    const rootOne = tracing.span('flow one');
    expect(parentId(rootOne)).toBeUndefined();
    expect(rootOne.attributes).toEqual({ 'flow.id': 'one' });
    for (const span of spans.filter((s) => !s.name.startsWith('flow '))) {
      const root = spans.find(
        (s) =>
          s.name.startsWith('flow ') &&
          s.spanContext().traceId === span.spanContext().traceId,
      );
      expect(parentId(span)).toBe(root?.spanContext().spanId);
    }
  });

  it('joins the context active at its first record', () => {
    const { tracing, tracker } = setUp();
    const outer = tracing.tracer.startSpan('http request');
    context.with(trace.setSpan(context.active(), outer), () => {
      tracker.recordRoutineStart('a').end();
    });
    tracker.end();
    outer.end();

    const root = tracing.span('flow orders');
    expect(root.spanContext().traceId).toBe(outer.spanContext().traceId);
    expect(parentId(root)).toBe(outer.spanContext().spanId);
  });

  it('with a parentContext, stays one trace even when its first record is made with tracing suppressed', () => {
    const { tracing, tracker } = setUp({ parentContext: ROOT_CONTEXT });
    context.with(suppressTracing(context.active()), () => {
      tracker.recordRoutineStart('first').end();
    });
    tracker.recordRoutineStart('a').end();
    tracker.recordRoutineStart('b').end();
    tracker.end();

    const spans = tracing.spans();
    expect(spans.map((s) => s.name).sort()).toEqual(['a', 'b', 'flow orders']);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(parentId(tracing.span('a'))).toBe(
      tracing.span('flow orders').spanContext().spanId,
    );
  });

  it('joins an explicit parent context, such as a propagated traceparent', () => {
    const remote = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    const { tracing, tracker } = setUp({ parentContext: remote });
    tracker.recordRoutineStart('a').end();
    tracker.end();

    for (const span of tracing.spans()) {
      expect(span.spanContext().traceId).toBe(
        '0af7651916cd43dd8448eb211c80319c',
      );
    }
    expect(parentId(tracing.span('flow orders'))).toBe('b7ad6b7169203331');
  });
});

describe('parent rules', () => {
  it('makes the target of an event the child of the execution that emitted it', () => {
    const { tracing, tracker } = setUp();
    const extract = tracker.recordRoutineStart('extract');
    tracker.recordEvent('extract', 'output', 'transform', { rows: 2 });
    extract.end();
    const transform = tracker.recordRoutineStart('transform');
    tracker.recordEvent('transform', 'output', 'load');
    transform.end();
    tracker.recordRoutineStart('load').end();
    tracker.recordRoutineStart('audit').end();
    tracker.end();

    const id = (name: string): string =>
      tracing.span(name).spanContext().spanId;
    expect(parentId(tracing.span('extract'))).toBe(id('flow orders'));
    expect(parentId(tracing.span('transform'))).toBe(id('extract'));
    expect(parentId(tracing.span('load'))).toBe(id('transform'));
    expect(parentId(tracing.span('audit'))).toBe(id('flow orders'));
  });

  it('follows the latest event to a routine, before and after its first execution', () => {
    const { tracing, tracker } = setUp();
    const first = tracker.recordRoutineStart('a', { n: 1 });
    first.recordEvent('out', 'b');
    first.end();
    const second = tracker.recordRoutineStart('a', { n: 2 });
    second.recordEvent('out', 'b');
    second.end();
    tracker.recordRoutineStart('b', { n: 1 }).end(); // child of the second
    tracker.recordRoutineStart('b', { n: 2 }).end(); // still no newer event
    const third = tracker.recordRoutineStart('a', { n: 3 });
    third.recordEvent('out', 'b');
    third.end();
    tracker.recordRoutineStart('b', { n: 3 }).end(); // child of the third
    tracker.end();

    const spanOf = (name: string, n: number): ReadableSpan => {
      const found = tracing
        .spans()
        .find(
          (span) =>
            span.name === name &&
            span.attributes['flow.routine.params.n'] === n,
        );
      if (found === undefined) throw new Error(`no span ${name} ${n}`);
      return found;
    };
    const id = (name: string, n: number): string =>
      spanOf(name, n).spanContext().spanId;
    expect(parentId(spanOf('b', 1))).toBe(id('a', 2));
    expect(parentId(spanOf('b', 2))).toBe(id('a', 2));
    expect(parentId(spanOf('b', 3))).toBe(id('a', 3));
  });

  it('takes an event with no running source as coming from the root', () => {
    const { tracing, tracker } = setUp();
    tracker.recordRoutineStart('a').end();
    tracker.recordEvent('a', 'late', 'b');
    tracker.recordRoutineStart('b').end();
    tracker.end();

    const root = tracing.span('flow orders');
    expect(parentId(tracing.span('b'))).toBe(root.spanContext().spanId);
    expect(root.events.map((e) => e.name)).toEqual(['late']);
  });

  it('nests executions started inside trackRoutine under it, before causality', async () => {
    const { tracing, tracker } = setUp();
    tracker.recordRoutineStart('other');
    tracker.recordEvent('other', 'output', 'inner');
    tracker.recordRoutineEnd('other');
    await tracker.trackRoutine('outer', {}, async () => {
      await Promise.resolve();
      tracker.trackRoutine('inner', {}, () => 1);
      // A span from other instrumentation nests under the execution too.
      tracing.tracer.startSpan('db query').end();
    });
    tracker.end();

    const outerId = tracing.span('outer').spanContext().spanId;
    expect(parentId(tracing.span('inner'))).toBe(outerId);
    expect(parentId(tracing.span('db query'))).toBe(outerId);
  });

  it('ignores an active span of another tracker', () => {
    const { tracing, first, second } = twoTrackers();
    first.trackRoutine('a', {}, () => {
      second.recordRoutineStart('b').end();
    });
    first.end();
    second.end();

    const b = tracing.span('b');
    expect(b.spanContext().traceId).toBe(
      tracing.span('flow two').spanContext().traceId,
    );
    expect(parentId(b)).toBe(tracing.span('flow two').spanContext().spanId);
  });
});

describe('routine spans', () => {
  it('carry the flow, the routine, the status, params and result', () => {
    const { tracing, tracker } = setUp();
    const handle = tracker.recordRoutineStart('parse', {
      file: 'a.json',
      options: { strict: true, depth: 2 },
      tags: ['x', 'y'],
    });
    handle.end('completed', { rows: 3, ok: true });
    tracker.end();

    const span = tracing.span('parse');
    expect(span.attributes).toEqual({
      'flow.id': 'orders',
      'flow.routine.id': 'parse',
      'flow.routine.params.file': 'a.json',
      'flow.routine.params.options.strict': true,
      'flow.routine.params.options.depth': 2,
      'flow.routine.params.tags': ['x', 'y'],
      'flow.routine.status': 'completed',
      'flow.routine.result.rows': 3,
      'flow.routine.result.ok': true,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('keeps a primitive result under flow.routine.result', () => {
    const { tracing, tracker } = setUp();
    tracker.recordRoutineStart('a').end('completed', 'ok');
    expect(tracing.span('a').attributes['flow.routine.result']).toBe('ok');
  });

  it('marks failures as errors with the message and an exception event', () => {
    const { tracing, tracker } = setUp();
    const error = new RangeError('row 7 out of range');
    tracker.recordRoutineStart('load').end('failed', undefined, error);
    tracker
      .recordRoutineStart('clean')
      .end('error_continued', undefined, 'bad row');
    tracker.recordRoutineStart('skip').end('skipped');
    tracker.end();

    const load = tracing.span('load');
    expect(load.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'row 7 out of range',
    });
    const exception = load.events.find((e) => e.name === 'exception');
    expect(exception?.attributes?.['exception.type']).toBe('RangeError');
    expect(exception?.attributes?.['exception.message']).toBe(
      'row 7 out of range',
    );
    expect(String(exception?.attributes?.['exception.stacktrace'])).toContain(
      'RangeError: row 7 out of range',
    );

    const clean = tracing.span('clean');
    expect(clean.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'bad row',
    });
    expect(
      clean.events.find((e) => e.name === 'exception')?.attributes?.[
        'exception.message'
      ],
    ).toBe('bad row');
    expect(tracing.span('skip').status.code).toBe(SpanStatusCode.UNSET);
  });

  it('redacts secret-looking keys at any depth, while the mirror keeps them', () => {
    const { tracing, tracker } = setUp({ redactKeys: ['ssn', /^x-internal/i] });
    tracker
      .recordRoutineStart('login', {
        user: 'ann',
        password: 'hunter2',
        headers: { Authorization: 'Bearer abc', 'X-Internal-Id': '7' },
        profile: { ssn: '123', nested: { apiKey: 'k', refresh_token: 't' } },
      })
      .end('completed', { session: { accessToken: 'zzz' } });
    tracker.recordEvent('login', 'out', null, { cookie: 'c=1', note: 'fine' });
    tracker.end();

    const attributes = tracing.span('login').attributes;
    expect(attributes).toMatchObject({
      'flow.routine.params.user': 'ann',
      'flow.routine.params.password': '[REDACTED]',
      'flow.routine.params.headers.Authorization': '[REDACTED]',
      'flow.routine.params.headers.X-Internal-Id': '[REDACTED]',
      'flow.routine.params.profile.ssn': '[REDACTED]',
      'flow.routine.params.profile.nested.apiKey': '[REDACTED]',
      'flow.routine.params.profile.nested.refresh_token': '[REDACTED]',
      'flow.routine.result.session.accessToken': '[REDACTED]',
    });
    const exported = JSON.stringify(
      tracing.spans().map((s) => [s.attributes, s.events]),
    );
    for (const secret of ['hunter2', 'Bearer abc', 'zzz', 'c=1', '"123"']) {
      expect(exported).not.toContain(secret);
    }
    expect(tracker.routineExecutions.get('login')?.[0]?.params.password).toBe(
      'hunter2',
    );
  });

  it('leaves out what capture switches turn off', () => {
    const { tracing, tracker } = setUp({
      captureParams: false,
      captureResults: false,
      captureEventData: false,
    });
    const handle = tracker.recordRoutineStart('a', { p: 1 });
    tracker.recordEvent('a', 'out', 'b', { d: 1 });
    handle.end('completed', { r: 1 });

    const span = tracing.span('a');
    expect(Object.keys(span.attributes).sort()).toEqual([
      'flow.id',
      'flow.routine.id',
      'flow.routine.status',
    ]);
    expect(span.events[0]?.attributes).toEqual({
      'flow.event.source': 'a',
      'flow.event.target': 'b',
    });
  });

  it('start and end at the times of the records', () => {
    const { tracing, tracker } = setUp();
    const handle = tracker.recordRoutineStart('a');
    tracker.recordEvent('a', 'tick');
    handle.end();
    tracker.end();

    const record = tracker.routineExecutions.get('a')?.[0];
    const span = tracing.span('a');
    expect(hrTimeToMicroseconds(span.startTime)).toBe(
      parseTimestamp(record?.start_time ?? ''),
    );
    expect(hrTimeToMicroseconds(span.endTime)).toBe(
      parseTimestamp(record?.end_time ?? ''),
    );
    expect(hrTimeToMicroseconds(span.events[0]?.time ?? [0, 0])).toBe(
      parseTimestamp(tracker.eventFlow[0]?.timestamp ?? ''),
    );
    expect(hrTimeToMicroseconds(span.duration)).toBe(
      Math.round((record?.execution_time ?? -1) * 1e6),
    );
  });
});

describe('events', () => {
  it('become span events on the running span of their source', () => {
    const { tracing, tracker } = setUp();
    const handle = tracker.recordRoutineStart('split');
    tracker.recordEvent('split', 'chunk', 'worker', { index: 0, size: 10 });
    tracker.recordEvent('split', 'done');
    handle.end();

    expect(
      tracing.span('split').events.map((e) => [e.name, e.attributes]),
    ).toEqual([
      [
        'chunk',
        {
          'flow.event.source': 'split',
          'flow.event.target': 'worker',
          'flow.event.data.index': 0,
          'flow.event.data.size': 10,
        },
      ],
      ['done', { 'flow.event.source': 'split' }],
    ]);
  });
});

describe('end()', () => {
  it('ends running spans marked incomplete while their records stay running', () => {
    const { tracing, tracker } = setUp();
    tracker.recordRoutineStart('done').end();
    const slow = tracker.recordRoutineStart('slow');
    tracker.end();

    const span = tracing.span('slow');
    expect(span.attributes['flow.routine.incomplete']).toBe(true);
    expect(span.attributes['flow.routine.status']).toBe('running');
    expect(tracker.routineExecutions.get('slow')?.[0]?.status).toBe('running');
    expect(tracing.span('flow orders').ended).toBe(true);

    // The execution can still end; the mirror takes it, the span stays as it was.
    slow.end('completed', 'late');
    expect(tracker.routineExecutions.get('slow')?.[0]?.status).toBe(
      'completed',
    );
    expect(tracing.spans().filter((s) => s.name === 'slow')).toHaveLength(1);
  });

  it('is harmless when called twice', () => {
    const { tracing, tracker } = setUp();
    tracker.recordRoutineStart('a').end();
    tracker.end();
    tracker.end();
    expect(
      tracing.spans().filter((s) => s.name === 'flow orders'),
    ).toHaveLength(1);
  });

  it('lets later records join the same trace', () => {
    const { tracing, tracker } = setUp();
    tracker.recordRoutineStart('a').end();
    tracker.end();
    tracker.recordRoutineStart('b').end();

    const root = tracing.span('flow orders');
    const b = tracing.span('b');
    expect(b.spanContext().traceId).toBe(root.spanContext().traceId);
    expect(parentId(b)).toBe(root.spanContext().spanId);
    expect(tracker.getRoutinePerformance('b')?.completed).toBe(1);
  });

  it('called again, ends the spans of executions started since, and the root only once', () => {
    const { tracing, tracker } = setUp();
    tracker.recordRoutineStart('early');
    tracker.end();
    tracker.recordRoutineStart('late');
    expect(tracing.spans().map((s) => s.name)).not.toContain('late');
    tracker.end();

    const late = tracing.span('late');
    expect(late.attributes['flow.routine.incomplete']).toBe(true);
    expect(
      tracing.spans().filter((s) => s.name === 'flow orders'),
    ).toHaveLength(1);
    expect(tracing.spans().filter((s) => s.name === 'early')).toHaveLength(1);
  });

  it('still gives a whole trace when called before the first record', () => {
    const { tracing, tracker } = setUp();
    tracker.end();
    tracker.recordRoutineStart('a').end();
    expect(
      tracing
        .spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['a', 'flow orders']);
  });
});

describe('sampling', () => {
  it('leaves the mirror whole when every span is dropped', () => {
    const run = (tracker: ExecutionTracker): void => {
      for (let i = 0; i < 50; i++) {
        const handle = tracker.recordRoutineStart(`r${i % 5}`, { i });
        tracker.recordEvent(`r${i % 5}`, 'out', `r${(i + 1) % 5}`);
        handle.end(i % 7 === 0 ? 'failed' : 'completed', i);
      }
      tracker.end();
    };
    // A frozen clock makes the two runs' durations equal too.
    vi.useFakeTimers({ toFake: ['Date', 'performance'] });
    const dropped = createInMemoryTracing({ sampler: dropEverything() });
    const unsampled = new ExecutionTracker({
      flowId: 's',
      tracer: dropped.tracer,
    });
    const plain = new ExecutionTracker({ flowId: 's' });
    run(unsampled);
    run(plain);
    vi.useRealTimers();

    expect(dropped.spans()).toEqual([]);
    expect(unsampled.getPerformanceMetrics()).toEqual(
      plain.getPerformanceMetrics(),
    );
    expect(unsampled.serialize()).toEqual(plain.serialize());
    expect(unsampled.getPerformanceMetrics()).toMatchObject({
      total_executions: 50,
      total_events: 50,
      status_counts: { failed: 8, completed: 42 },
    });
    expect(unsampled.routineExecutions.get('r0')).toHaveLength(10);
  });
});

describe('what a sampler sees', () => {
  it('is the flow and routine ids at start; params reach only spans that record', () => {
    const seen: Attributes[] = [];
    // Samples every other routine span, by the attributes it is given.
    const sampler: Sampler = {
      shouldSample: (_context, _traceId, name, _kind, attributes) => {
        seen.push({ ...attributes });
        const keep = name.startsWith('flow ') || name === 'kept';
        return {
          decision: keep
            ? SamplingDecision.RECORD_AND_SAMPLED
            : SamplingDecision.NOT_RECORD,
        };
      },
      toString: () => 'every other routine',
    };
    const tracing = createInMemoryTracing({ sampler });
    const tracker = new ExecutionTracker({
      flowId: 'sampled',
      tracer: tracing.tracer,
    });
    let reads = 0;
    const params = (): Record<string, unknown> => ({
      get counted(): number {
        reads++;
        return 1;
      },
    });
    tracker.recordRoutineStart('dropped', params()).end();
    expect(reads).toBe(0);
    tracker.recordRoutineStart('kept', params()).end();
    expect(reads).toBe(1);
    tracker.end();

    expect(seen.slice(1)).toEqual([
      { 'flow.id': 'sampled', 'flow.routine.id': 'dropped' },
      { 'flow.id': 'sampled', 'flow.routine.id': 'kept' },
    ]);
    expect(tracing.span('kept').attributes).toMatchObject({
      'flow.routine.params.counted': 1,
    });
    // The mirror keeps both, whatever the sampler chose.
    expect(tracker.getFlowPerformance().total_routines).toBe(2);
  });
});

describe('hostile values', () => {
  it('neither throw nor produce an invalid attribute', () => {
    const { tracing, tracker } = setUp({ maxAttributeLength: 1000 });
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const symbolKey = Symbol('hidden');
    const hostile = {
      circular,
      big: 2n ** 70n,
      huge: 'x'.repeat(10 * 1024 * 1024),
      [symbolKey]: 'symbol-keyed',
      sym: Symbol('value'),
      fn: () => 'function',
      mixed: [1, 'two', { three: 3 }],
      // eslint-disable-next-line no-sparse-arrays -- the hole is the point
      holes: [1, , 3],
      nan: Number.NaN,
      date: new Date(0),
      error: new Error('inner'),
    };

    expect(() => {
      const handle = tracker.recordRoutineStart('hostile', hostile);
      tracker.recordEvent('hostile', 'out', null, hostile);
      handle.end('completed', hostile);
      tracker.end();
    }).not.toThrow();

    const span = tracing.span('hostile');
    expectValidAttributes(tracing.spans());
    const a = span.attributes;
    expect(a['flow.routine.params.circular.name']).toBe('loop');
    expect(a['flow.routine.params.circular.self']).toBe('[Circular]');
    expect(a['flow.routine.params.big']).toBe('1180591620717411303424');
    expect(a['flow.routine.params.huge']).toBe('x'.repeat(1000));
    expect(a['flow.routine.params.sym']).toBe('Symbol(value)');
    expect(a).not.toHaveProperty('flow.routine.params.fn');
    expect(a['flow.routine.params.mixed']).toBe('[1,"two",{"three":3}]');
    expect(a['flow.routine.params.holes']).toBe('[1,null,3]');
    expect(a['flow.routine.params.nan']).toBe('NaN');
    expect(a['flow.routine.params.date']).toBe('1970-01-01T00:00:00.000Z');
    expect(a['flow.routine.params.error']).toBe('Error: inner');
    // Cut: the huge string, twice (params and result). Dropped: the
    // function and the cycle, twice; the symbol key is left out uncounted.
    expect(a['flow.attributes.truncated']).toBe(2);
    expect(a['flow.attributes.dropped']).toBe(4);
    expect(
      tracker.routineExecutions.get('hostile')?.[0]?.params.huge,
    ).toHaveLength(10 * 1024 * 1024);
  });
});

describe('events of concurrent executions', () => {
  it('land on the span of the execution whose context is active', async () => {
    const { tracing, tracker } = setUp();
    const pause = (ms: number): Promise<void> =>
      new Promise((resolve) => setTimeout(resolve, ms));
    await Promise.all(
      ['a', 'b'].map((who, i) =>
        tracker.trackRoutine('T', { who }, async () => {
          await pause(i === 0 ? 20 : 5);
          tracker.recordEvent('T', `emitted-by-${who}`, 'L');
        }),
      ),
    );

    const spans = tracing.spans().filter((span) => span.name === 'T');
    for (const span of spans) {
      const who = String(span.attributes['flow.routine.params.who']);
      expect(span.events.map((event) => event.name)).toEqual([
        `emitted-by-${who}`,
      ]);
    }
  });

  it("of a handle whose execution has ended go to the root, never to another execution's span", () => {
    const { tracing, tracker } = setUp();
    const first = tracker.recordRoutineStart('A', { n: 1 });
    const second = tracker.recordRoutineStart('A', { n: 2 });
    first.end();
    first.recordEvent('late', 'B');
    second.end();
    tracker.recordRoutineStart('B').end();
    tracker.end();

    const spanOf = (n: number) =>
      tracing
        .spans()
        .find((span) => span.attributes['flow.routine.params.n'] === n);
    expect(spanOf(2)?.events).toEqual([]);
    expect(tracing.span('flow orders').events.map((e) => e.name)).toEqual([
      'late',
    ]);
    // Its target still descends from the execution that sent it.
    expect(parentId(tracing.span('B'))).toBe(spanOf(1)?.spanContext().spanId);
  });

  it('land on the span of the handle that records them', () => {
    const { tracing, tracker } = setUp();
    const older = tracker.recordRoutineStart('T', { n: 1 });
    const newer = tracker.recordRoutineStart('T', { n: 2 });
    older.recordEvent('from-older', 'L', { k: 1 });
    older.end();
    newer.end();
    tracker.recordRoutineStart('L').end();

    const olderSpan = tracing
      .spans()
      .find((span) => span.attributes['flow.routine.params.n'] === 1);
    expect(olderSpan?.events.map((event) => event.name)).toEqual([
      'from-older',
    ]);
    expect(olderSpan?.events[0]?.attributes).toMatchObject({
      'flow.event.source': 'T',
      'flow.event.target': 'L',
      'flow.event.data.k': 1,
    });
    // Causality follows the emitting execution, not the newest one.
    expect(parentId(tracing.span('L'))).toBe(olderSpan?.spanContext().spanId);
    expect(tracker.eventFlow[0]).toMatchObject({
      source_routine_id: 'T',
      event_name: 'from-older',
      target_routine_id: 'L',
    });
  });
});

describe('events after the run ended', () => {
  it('stay in the mirror and make no SDK error', () => {
    const diagSpy = spyOnDiag();
    try {
      const { tracing, tracker } = setUp();
      const slow = tracker.recordRoutineStart('slow');
      tracker.recordRoutineStart('x').end();
      tracker.end();
      tracker.recordEvent('x', 'late', 'y');
      tracker.recordEvent('slow', 'later');
      slow.end();

      expect(tracker.eventFlow.map((event) => event.event_name)).toEqual([
        'late',
        'later',
      ]);
      expect(tracing.span('flow orders').events).toEqual([]);
      expect(tracing.span('slow').events).toEqual([]);
      expect(diagSpy.errors).toEqual([]);
      expect(diagSpy.warnings).toEqual([]);
    } finally {
      diagSpy.restore();
    }
  });
});

describe('attribute budget', () => {
  it("keeps the tracker's own attributes within the SDK's default limit", () => {
    const tracing = createInMemoryTracing({ attributeCountLimit: 128 });
    const tracker = new ExecutionTracker({
      flowId: 'wide',
      tracer: tracing.tracer,
    });
    const wide: Record<string, number> = {};
    for (let i = 0; i < 200; i++) wide[`k${i}`] = i;
    tracker.recordRoutineStart('b', wide).end('failed', wide, 'too wide');

    const span = tracing.span('b');
    expect(span.attributes['flow.routine.status']).toBe('failed');
    expect(span.attributes['flow.attributes.dropped']).toBe(280);
    expect(span.droppedAttributesCount).toBe(0);
  });
});

describe('strings the tracker writes itself', () => {
  it('are cut to maxAttributeLength: an error message, its stack, the running status', () => {
    const { tracing, tracker } = setUp({ maxAttributeLength: 3 });
    const huge = new Error('x'.repeat(2 ** 20));
    tracker.recordRoutineStart('load').end('failed', undefined, huge);
    tracker.recordRoutineStart('slow');
    tracker.end();

    const failed = tracing.span('loa');
    expect(failed.status.message).toBe('xxx');
    const exception = failed.events.find((e) => e.name === 'exception');
    expect(exception?.attributes?.['exception.message']).toBe('xxx');
    expect(exception?.attributes?.['exception.type']).toBe('Err');
    expect(exception?.attributes?.['exception.stacktrace']).toBe('Err');
    expect(tracing.span('slo').attributes['flow.routine.status']).toBe('run');
    // The mirror keeps the message whole.
    expect(tracker.routineExecutions.get('load')?.[0]?.error).toHaveLength(
      2 ** 20,
    );
  });
});

describe('a failure without an error', () => {
  it('is an error span without an exception event', () => {
    const { tracing, tracker } = setUp();
    tracker.recordRoutineStart('a').end('failed');
    const span = tracing.span('a');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(span.events).toEqual([]);
  });
});

describe('a tracer with no SDK behind it', () => {
  function bridgeOver(tracer: Tracer): SpanBridge {
    return new SpanBridge({
      tracer,
      flowId: 'orders',
      parentContext: undefined,
      captureParams: true,
      captureResults: true,
      captureEventData: true,
      limits: { maxAttributeLength: 100, redactor: new KeyRedactor([]) },
    });
  }

  it('gives no routine span to keep, and the tracker still records everything', () => {
    // No test of this file registers a global SDK.
    const noSdk = trace.getTracer('no-sdk');
    expect(bridgeOver(noSdk).startRoutine('a', {}, 1)).toBeUndefined();

    const tracker = new ExecutionTracker({ flowId: 'orders', tracer: noSdk });
    const execution = tracker.recordRoutineStart('a', { n: 1 });
    execution.recordEvent('out', 'b', { rows: 2 });
    execution.end('completed', 3);
    tracker.recordRoutineStart('b').end('failed');
    expect(execution.spanContext).toBe(INVALID_SPAN_CONTEXT);
    expect(tracker.eventFlow).toHaveLength(1);
    expect(tracker.getRoutinePerformance('a')?.completed).toBe(1);
    expect(tracker.getRoutinePerformance('b')?.failed).toBe(1);
    tracker.end();
  });

  it("keeps and ends a tracer's own span of no trace, which may want its end()", () => {
    const ended: string[] = [];
    class OwnSpan implements Span {
      constructor(private readonly _name: string) {}
      spanContext = () => INVALID_SPAN_CONTEXT;
      setAttribute = () => this;
      setAttributes = () => this;
      addEvent = () => this;
      addLink = () => this;
      addLinks = () => this;
      setStatus = () => this;
      updateName = () => this;
      end = () => {
        ended.push(this._name);
      };
      isRecording = () => false;
      recordException = () => undefined;
    }
    const tracer = {
      startSpan: (name: string) => new OwnSpan(name),
    } as unknown as Tracer;
    const bridge = bridgeOver(tracer);
    const span = bridge.startRoutine('a', {}, 1);
    expect(span).toBeDefined();
    if (span) bridge.endRoutine(span, 'completed', undefined, undefined, 2);
    expect(ended).toEqual(['a']);
  });
});

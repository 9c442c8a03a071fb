import { diag, DiagLogLevel } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  QueueingExporter,
  type QueueingExporterOptions,
} from '../../src/setup/queueing-exporter.js';
import { spyOnDiag, type DiagSpy } from '../support/diag-spy.js';
import { createInMemoryTracing } from '../support/in-memory-tracing.js';

const DESTINATION = 'http://127.0.0.1:4318/v1/traces';

/**
 * Past this many requests the double holds every request open, whatever it
 * was told, so that a wrapper that resends in a tight loop cannot hang the
 * test run; the test then fails on the request count instead.
 */
const RUNAWAY_LIMIT = 500;

/** How the test double answers a request. */
type Behaviour =
  /** Keeps the request open until the test answers it. */
  | 'hold'
  /** Answers success on the next microtask, as a real exporter would. */
  | 'succeed'
  /** Answers failure on the next microtask. */
  | 'fail'
  /** Answers success before `export` returns. */
  | 'succeed-sync'
  /** Answers failure before `export` returns. */
  | 'fail-sync'
  /** Throws from `export` without answering. */
  | 'throw';

/** One request the wrapper made of the inner exporter. */
interface InnerRequest {
  readonly spans: readonly ReadableSpan[];
  readonly names: readonly string[];
  /** Whether it has not been answered yet. */
  open: boolean;
  /** How it was answered, once it was. */
  outcome: 'success' | 'failure' | 'threw' | undefined;
  succeed(): void;
  fail(message?: string): void;
  /** The wrapper's callback itself, for answering twice. */
  readonly callback: (result: ExportResult) => void;
}

/** A stand-in for the OTLP exporter that answers as the test says. */
class ControlledExporter implements SpanExporter {
  readonly requests: InnerRequest[] = [];
  /** How requests are answered once the script is used up. */
  behaviour: Behaviour = 'hold';
  /** The most requests that were open at once. */
  maxOpen = 0;
  forceFlushCalls = 0;
  shutdownCalls = 0;
  private readonly _script: Behaviour[] = [];

  /** Answers the next requests as given, one each, then as `behaviour`. */
  script(...behaviours: Behaviour[]): this {
    this._script.push(...behaviours);
    return this;
  }

  get open(): InnerRequest[] {
    return this.requests.filter((r) => r.open);
  }

  /** The span names of every request answered with success, in order. */
  get delivered(): string[] {
    return this.requests
      .filter((r) => r.outcome === 'success')
      .flatMap((r) => r.names);
  }

  export(
    spans: ReadableSpan[],
    resultCallback: (result: ExportResult) => void,
  ): void {
    const behaviour =
      this.requests.length >= RUNAWAY_LIMIT
        ? 'hold'
        : (this._script.shift() ?? this.behaviour);
    const request: InnerRequest = {
      spans: [...spans],
      names: spans.map((s) => s.name),
      open: true,
      outcome: undefined,
      succeed: () => {
        answer({ code: ExportResultCode.SUCCESS }, 'success');
      },
      fail: (message = 'backend unavailable') => {
        answer(
          { code: ExportResultCode.FAILED, error: new Error(message) },
          'failure',
        );
      },
      callback: resultCallback,
    };
    const answer = (
      result: ExportResult,
      outcome: 'success' | 'failure',
    ): void => {
      if (!request.open) throw new Error('request answered twice');
      request.open = false;
      request.outcome = outcome;
      resultCallback(result);
    };
    this.requests.push(request);
    this.maxOpen = Math.max(this.maxOpen, this.open.length);

    switch (behaviour) {
      case 'hold':
        return;
      case 'succeed':
        void Promise.resolve().then(() => {
          request.succeed();
        });
        return;
      case 'fail':
        void Promise.resolve().then(() => {
          request.fail();
        });
        return;
      case 'succeed-sync':
        request.succeed();
        return;
      case 'fail-sync':
        request.fail();
        return;
      case 'throw':
        request.open = false;
        request.outcome = 'threw';
        throw new Error('exporter exploded');
    }
  }

  forceFlush(): Promise<void> {
    this.forceFlushCalls++;
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.shutdownCalls++;
    return Promise.resolve();
  }
}

// Real SDK spans, finished through an in-memory exporter.
const tracing = createInMemoryTracing();

/** `count` finished spans named `${prefix}0`, `${prefix}1`, … */
function makeSpans(prefix: string, count: number): ReadableSpan[] {
  tracing.exporter.reset();
  const tracer = tracing.provider.getTracer('queueing-exporter-test');
  for (let i = 0; i < count; i++) tracer.startSpan(`${prefix}${i}`).end();
  const spans = tracing.exporter.getFinishedSpans();
  tracing.exporter.reset();
  // The in-memory exporter answers on a zero-delay timer: let those run, so
  // that the only timers left are the wrapper's.
  vi.advanceTimersByTime(0);
  return spans;
}

const names = (prefix: string, from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);

/** Hands `spans` to the wrapper and returns what it answered, synchronously. */
function give(
  exporter: QueueingExporter,
  spans: ReadableSpan[],
): ExportResult[] {
  const results: ExportResult[] = [];
  exporter.export(spans, (result) => results.push(result));
  return results;
}

/** Lets answers given on microtasks arrive. */
async function tick(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** A queueing exporter over `inner`, with the options these tests share. */
function exporterOver(
  inner: SpanExporter,
  options: Partial<QueueingExporterOptions> = {},
): QueueingExporter {
  return new QueueingExporter(inner, {
    maxQueuedSpans: 1000,
    maxBatchSize: 10,
    maxConcurrentRequests: 1,
    destination: DESTINATION,
    retryDelayMillis: 1000,
    maxRetryDelayMillis: 5000,
    ...options,
  });
}

function setUp(options: Partial<QueueingExporterOptions> = {}): {
  inner: ControlledExporter;
  exporter: QueueingExporter;
} {
  const inner = new ControlledExporter();
  return { inner, exporter: exporterOver(inner, options) };
}

/** Checks that the next request goes out exactly `ms` after now, not before. */
async function expectRetryAfter(
  inner: ControlledExporter,
  ms: number,
): Promise<void> {
  const before = inner.requests.length;
  vi.advanceTimersByTime(ms - 1);
  expect(inner.requests.length).toBe(before);
  vi.advanceTimersByTime(1);
  expect(inner.requests.length).toBe(before + 1);
  await tick();
}

/** The exporter's counts, with a last error exactly when a request failed. */
function expectStats(
  exporter: QueueingExporter,
  counts: {
    exported: number;
    dropped: number;
    pending: number;
    failed: number;
  },
): void {
  expect(exporter.stats).toEqual({
    exportedSpans: counts.exported,
    droppedSpans: counts.dropped,
    pendingSpans: counts.pending,
    failedRequests: counts.failed,
    ...(counts.failed > 0
      ? { lastError: expect.any(String) as string }
      : { lastError: undefined }),
  });
}

/** Every span given is exported, dropped or pending, exactly once. */
function expectAccounted(exporter: QueueingExporter, given: number): void {
  const { exportedSpans, droppedSpans, pendingSpans } = exporter.stats;
  expect(exportedSpans + droppedSpans + pendingSpans).toBe(given);
}

let logged: DiagSpy;

beforeEach(() => {
  vi.useFakeTimers();
  logged = spyOnDiag(DiagLogLevel.INFO);
});

afterEach(() => {
  vi.useRealTimers();
  diag.disable();
});

describe('QueueingExporter: taking spans', () => {
  it('reports success at once, while the request to the backend is still open', () => {
    const { inner, exporter } = setUp();
    const results = give(exporter, makeSpans('a', 3));
    expect(results).toEqual([{ code: ExportResultCode.SUCCESS }]);
    expect(inner.requests).toHaveLength(1);
    expect(inner.requests[0]?.open).toBe(true);
    expectStats(exporter, { exported: 0, dropped: 0, pending: 3, failed: 0 });
  });

  it('counts the spans as exported once the backend accepts them', async () => {
    const { inner, exporter } = setUp();
    inner.behaviour = 'succeed';
    give(exporter, makeSpans('a', 3));
    give(exporter, makeSpans('b', 4));
    await tick();
    expectStats(exporter, { exported: 7, dropped: 0, pending: 0, failed: 0 });
    expect(inner.delivered).toEqual([...names('a', 0, 3), ...names('b', 0, 4)]);
  });

  it('sends the very span objects it was given', () => {
    const { inner, exporter } = setUp();
    const spans = makeSpans('a', 2);
    give(exporter, spans);
    expect(inner.requests[0]?.spans[0]).toBe(spans[0]);
    expect(inner.requests[0]?.spans[1]).toBe(spans[1]);
  });

  it('splits the spans into batches of at most maxBatchSize, in order', () => {
    const { inner, exporter } = setUp({
      maxBatchSize: 10,
      maxConcurrentRequests: 5,
    });
    give(exporter, makeSpans('a', 25));
    expect(inner.requests.map((r) => r.names)).toEqual([
      names('a', 0, 10),
      names('a', 10, 20),
      names('a', 20, 25),
    ]);
  });

  it('fills later batches from spans given in several exports', async () => {
    const { inner, exporter } = setUp({ maxBatchSize: 4 });
    give(exporter, makeSpans('a', 3)); // sent at once: a0-a2
    give(exporter, makeSpans('b', 3)); // queued behind it
    give(exporter, makeSpans('c', 3));
    inner.behaviour = 'succeed';
    inner.open[0]?.succeed();
    await tick();
    expect(inner.requests.map((r) => r.names)).toEqual([
      ['a0', 'a1', 'a2'],
      ['b0', 'b1', 'b2', 'c0'],
      ['c1', 'c2'],
    ]);
    expect(exporter.stats.exportedSpans).toBe(9);
  });

  it('never has more than maxConcurrentRequests in flight', async () => {
    const { inner, exporter } = setUp({
      maxBatchSize: 10,
      maxConcurrentRequests: 2,
    });
    give(exporter, makeSpans('a', 55));
    expect(inner.requests).toHaveLength(2);
    expect(exporter.stats.pendingSpans).toBe(55);

    give(exporter, makeSpans('b', 5));
    expect(inner.requests).toHaveLength(2);

    while (inner.open.length > 0) {
      inner.open[0]?.succeed();
      expect(inner.open.length).toBeLessThanOrEqual(2);
      await tick();
    }
    expect(inner.maxOpen).toBe(2);
    expect(inner.requests).toHaveLength(6);
    expect(exporter.stats.exportedSpans).toBe(60);
    expect(exporter.stats.pendingSpans).toBe(0);
  });

  it('sends the next batch as soon as a request succeeds', () => {
    const { inner, exporter } = setUp({ maxBatchSize: 5 });
    give(exporter, makeSpans('a', 15));
    expect(inner.requests).toHaveLength(1);
    inner.requests[0]?.succeed();
    expect(inner.requests).toHaveLength(2);
    expect(inner.requests[1]?.names).toEqual(names('a', 5, 10));
  });

  it('counts spans in open requests as pending', () => {
    const { exporter } = setUp({ maxBatchSize: 4 });
    give(exporter, makeSpans('a', 10));
    expect(exporter.stats.pendingSpans).toBe(10);
  });
});

describe('QueueingExporter: retrying', () => {
  it('puts a failed batch back at the front and retries it after the delay', async () => {
    const { inner, exporter } = setUp({ maxBatchSize: 10 });
    give(exporter, makeSpans('a', 20));
    inner.requests[0]?.fail();
    expect(inner.requests).toHaveLength(1);
    expectStats(exporter, { exported: 0, dropped: 0, pending: 20, failed: 1 });

    inner.behaviour = 'succeed';
    await expectRetryAfter(inner, 1000);
    expect(inner.requests[1]?.names).toEqual(names('a', 0, 10));
    await tick();
    expect(inner.requests[2]?.names).toEqual(names('a', 10, 20));
    expect(exporter.stats.exportedSpans).toBe(20);
    expect(inner.delivered).toEqual(names('a', 0, 20));
  });

  it('doubles the delay after each failed try, up to the maximum', async () => {
    const { inner, exporter } = setUp({
      retryDelayMillis: 1000,
      maxRetryDelayMillis: 5000,
    });
    inner.behaviour = 'fail';
    give(exporter, makeSpans('a', 3));
    await tick();
    for (const delay of [1000, 2000, 4000, 5000, 5000, 5000]) {
      await expectRetryAfter(inner, delay);
    }
    expect(exporter.stats.failedRequests).toBe(7);
    expect(exporter.stats.pendingSpans).toBe(3);
  });

  it('starts at one second and caps at thirty seconds by default', async () => {
    const { inner, exporter } = setUp({
      retryDelayMillis: undefined,
      maxRetryDelayMillis: undefined,
    });
    inner.behaviour = 'fail';
    give(exporter, makeSpans('a', 1));
    await tick();
    for (const delay of [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]) {
      await expectRetryAfter(inner, delay);
    }
  });

  it('starts again from the first delay after a success', async () => {
    const { inner, exporter } = setUp({ retryDelayMillis: 100 });
    inner.script('fail', 'fail', 'succeed', 'fail');
    inner.behaviour = 'succeed';
    give(exporter, makeSpans('a', 1));
    await tick();
    await expectRetryAfter(inner, 100);
    await expectRetryAfter(inner, 200); // this try succeeds
    expect(exporter.stats.exportedSpans).toBe(1);

    give(exporter, makeSpans('b', 1)); // fails
    await tick();
    await expectRetryAfter(inner, 100);
    expect(exporter.stats.exportedSpans).toBe(2);
    expect(exporter.stats.failedRequests).toBe(3);
  });

  it('queues new spans without sending them while a retry is pending', async () => {
    const { inner, exporter } = setUp({ maxBatchSize: 10 });
    give(exporter, makeSpans('a', 5));
    inner.requests[0]?.fail();

    const results = give(exporter, makeSpans('b', 5));
    expect(results).toEqual([{ code: ExportResultCode.SUCCESS }]);
    vi.advanceTimersByTime(999);
    give(exporter, makeSpans('c', 5));
    expect(inner.requests).toHaveLength(1);
    expect(exporter.stats.pendingSpans).toBe(15);

    inner.behaviour = 'succeed';
    await expectRetryAfter(inner, 1);
    await tick();
    expect(inner.requests.map((r) => r.names)).toEqual([
      names('a', 0, 5),
      [...names('a', 0, 5), ...names('b', 0, 5)],
      names('c', 0, 5),
    ]);
    expect(exporter.stats.exportedSpans).toBe(15);
  });

  it('sends up to maxConcurrentRequests batches when the retry fires', () => {
    const { inner, exporter } = setUp({
      maxBatchSize: 10,
      maxConcurrentRequests: 3,
    });
    give(exporter, makeSpans('a', 10));
    inner.requests[0]?.fail();
    give(exporter, makeSpans('b', 50));
    expect(inner.requests).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(inner.requests).toHaveLength(4);
    expect(inner.open).toHaveLength(3);
    expect(inner.requests[1]?.names).toEqual(names('a', 0, 10));
  });

  it('retries two batches that failed together in their original order', async () => {
    const { inner, exporter } = setUp({
      maxBatchSize: 5,
      maxConcurrentRequests: 2,
    });
    give(exporter, makeSpans('a', 10));
    inner.requests[0]?.fail(); // a0-a4
    inner.requests[1]?.fail(); // a5-a9
    inner.behaviour = 'succeed';
    vi.advanceTimersByTime(1000);
    await tick();
    expect(inner.delivered).toEqual(names('a', 0, 10));
  });

  it('doubles the delay per round of tries when two requests fail in each round', async () => {
    const { inner, exporter } = setUp({
      maxBatchSize: 5,
      maxConcurrentRequests: 2,
      retryDelayMillis: 100,
      maxRetryDelayMillis: 100_000,
    });
    inner.behaviour = 'fail';
    give(exporter, makeSpans('a', 10));
    await tick();
    expect(exporter.stats.failedRequests).toBe(2);

    // First round of retries after 100 ms, the second after 200 ms more.
    vi.advanceTimersByTime(100);
    await tick();
    expect(inner.requests).toHaveLength(4);
    vi.advanceTimersByTime(200);
    expect(inner.requests).toHaveLength(6);
  });
});

describe('QueueingExporter: the bound', () => {
  it('drops the oldest queued spans past maxQueuedSpans and counts them', () => {
    const { inner, exporter } = setUp({
      maxQueuedSpans: 10,
      maxBatchSize: 5,
    });
    give(exporter, makeSpans('a', 5)); // in flight: not in the queue
    give(exporter, makeSpans('b', 8));
    give(exporter, makeSpans('c', 4));
    expect(exporter.stats).toMatchObject({
      droppedSpans: 2,
      pendingSpans: 15,
    });
    expectAccounted(exporter, 17);

    inner.behaviour = 'succeed-sync';
    inner.requests[0]?.succeed();
    expect(inner.delivered).toEqual([
      ...names('a', 0, 5),
      ...names('b', 2, 8),
      ...names('c', 0, 4),
    ]);
    expectStats(exporter, { exported: 15, dropped: 2, pending: 0, failed: 0 });
  });

  it('drops the oldest spans of a single export larger than the bound', () => {
    const { inner, exporter } = setUp({
      maxQueuedSpans: 4,
      maxBatchSize: 10,
    });
    give(exporter, makeSpans('a', 9));
    expect(inner.requests[0]?.names).toEqual(names('a', 5, 9));
    expect(exporter.stats.droppedSpans).toBe(5);
    expectAccounted(exporter, 9);
  });

  it('drops a failed batch put back into a full queue, being the oldest', async () => {
    const { inner, exporter } = setUp({
      maxQueuedSpans: 10,
      maxBatchSize: 10,
    });
    give(exporter, makeSpans('a', 10)); // in flight
    give(exporter, makeSpans('b', 10)); // fills the queue
    inner.requests[0]?.fail();
    expectStats(exporter, { exported: 0, dropped: 10, pending: 10, failed: 1 });

    inner.behaviour = 'succeed';
    await expectRetryAfter(inner, 1000);
    expect(inner.delivered).toEqual(names('b', 0, 10));
  });

  it('keeps the newest spans when two batches that failed together overflow the queue', () => {
    const { inner, exporter } = setUp({
      maxQueuedSpans: 10,
      maxBatchSize: 5,
      maxConcurrentRequests: 2,
    });
    give(exporter, makeSpans('a', 10)); // a0-a4 and a5-a9 in flight
    give(exporter, makeSpans('b', 5)); // queued
    inner.requests[0]?.fail(); // a0-a4 back: 10 queued
    inner.requests[1]?.fail(); // a5-a9 back: 15 queued, 5 must go
    expect(exporter.stats.droppedSpans).toBe(5);
    expect(exporter.stats.pendingSpans).toBe(10);

    inner.behaviour = 'succeed-sync';
    vi.advanceTimersByTime(1000);
    // The oldest are a0-a4: the newest ten are a5-a9 and b0-b4.
    expect(inner.delivered).toEqual([
      ...names('a', 5, 10),
      ...names('b', 0, 5),
    ]);
  });
});

describe('QueueingExporter: forceFlush', () => {
  it('resolves at once and flushes the inner exporter when nothing is queued', async () => {
    const { inner, exporter } = setUp();
    await exporter.forceFlush();
    expect(inner.requests).toHaveLength(0);
    expect(inner.forceFlushCalls).toBe(1);
  });

  it('sends at once, without waiting for a pending retry delay', async () => {
    const { inner, exporter } = setUp({ retryDelayMillis: 10_000 });
    give(exporter, makeSpans('a', 5));
    inner.requests[0]?.fail();
    expect(inner.requests).toHaveLength(1);

    inner.behaviour = 'succeed';
    const flushed = exporter.forceFlush();
    expect(inner.requests).toHaveLength(2);
    await flushed;
    expect(exporter.stats.exportedSpans).toBe(5);
    expect(exporter.stats.pendingSpans).toBe(0);
    // The cancelled retry does not send the spans a second time.
    vi.advanceTimersByTime(60_000);
    expect(inner.requests).toHaveLength(2);
  });

  it('waits until the queue is empty and every request has been answered', async () => {
    const { inner, exporter } = setUp({
      maxBatchSize: 10,
      maxConcurrentRequests: 2,
    });
    give(exporter, makeSpans('a', 35));
    let resolved = false;
    const flushed = exporter.forceFlush().then(() => {
      resolved = true;
    });

    let answered = 0;
    while (inner.open.length > 0) {
      await tick();
      expect(resolved).toBe(false);
      expect(inner.forceFlushCalls).toBe(0);
      inner.open[0]?.succeed();
      answered++;
    }
    await flushed;
    expect(resolved).toBe(true);
    expect(answered).toBe(4);
    expect(inner.maxOpen).toBe(2);
    expect(exporter.stats.exportedSpans).toBe(35);
    expect(exporter.stats.pendingSpans).toBe(0);
    expect(inner.forceFlushCalls).toBe(1);
  });

  it('returns when the backend keeps failing, keeping the spans for later', async () => {
    const { inner, exporter } = setUp({ maxBatchSize: 10 });
    inner.behaviour = 'fail';
    give(exporter, makeSpans('a', 30));
    await tick();
    expect(exporter.stats.failedRequests).toBe(1);

    await exporter.forceFlush();
    expect(exporter.stats.failedRequests).toBe(2);
    expect(exporter.stats.pendingSpans).toBe(30);
    expect(inner.forceFlushCalls).toBe(1);
    // The retry is scheduled again, not abandoned: the second failure in a
    // row waits twice the first delay.
    inner.behaviour = 'succeed';
    await expectRetryAfter(inner, 2000);
    await tick();
    expect(exporter.stats.exportedSpans).toBe(30);
  });

  it('returns when the backend keeps failing with two requests in flight', async () => {
    const { inner, exporter } = setUp({
      maxBatchSize: 10,
      maxConcurrentRequests: 2,
    });
    inner.behaviour = 'fail';
    give(exporter, makeSpans('a', 50));
    await exporter.forceFlush();
    expect(exporter.stats.failedRequests).toBeGreaterThanOrEqual(2);
    expect(exporter.stats.pendingSpans).toBe(50);
    expect(inner.open).toHaveLength(0);
  });

  it('keeps to maxConcurrentRequests while flushing', async () => {
    const { inner, exporter } = setUp({
      maxBatchSize: 10,
      maxConcurrentRequests: 3,
    });
    inner.behaviour = 'succeed';
    give(exporter, makeSpans('a', 100));
    await exporter.forceFlush();
    expect(inner.maxOpen).toBe(3);
    expect(exporter.stats.exportedSpans).toBe(100);
  });
});

describe('QueueingExporter: shutdown', () => {
  it('delivers what the backend takes and shuts the inner exporter down', async () => {
    const { inner, exporter } = setUp();
    inner.behaviour = 'succeed';
    give(exporter, makeSpans('a', 25));
    await exporter.shutdown();
    expectStats(exporter, { exported: 25, dropped: 0, pending: 0, failed: 0 });
    expect(inner.shutdownCalls).toBe(1);
    expect(logged.warnings).toEqual([]);
  });

  it('drops and counts what cannot be delivered, and says so', async () => {
    const { inner, exporter } = setUp({ maxBatchSize: 10 });
    inner.script('succeed');
    inner.behaviour = 'fail';
    give(exporter, makeSpans('a', 30));
    await tick();
    expect(exporter.stats.exportedSpans).toBe(10);

    await exporter.shutdown();
    expect(exporter.stats).toMatchObject({
      exportedSpans: 10,
      droppedSpans: 20,
      pendingSpans: 0,
    });
    expectAccounted(exporter, 30);
    expect(inner.shutdownCalls).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(logged.warnings.at(-1)).toContain(
      `20 spans could not be delivered to ${DESTINATION}; 10 were`,
    );
  });

  it('does not retry after shutdown', async () => {
    const { inner, exporter } = setUp();
    inner.behaviour = 'fail';
    give(exporter, makeSpans('a', 5));
    await exporter.shutdown();
    const sent = inner.requests.length;
    vi.advanceTimersByTime(120_000);
    await tick();
    expect(inner.requests).toHaveLength(sent);
  });

  it('makes later exports fail and counts their spans as dropped', async () => {
    const { inner, exporter } = setUp();
    inner.behaviour = 'succeed';
    give(exporter, makeSpans('a', 3));
    await exporter.shutdown();

    const results = give(exporter, makeSpans('b', 4));
    expect(results).toHaveLength(1);
    expect(results[0]?.code).toBe(ExportResultCode.FAILED);
    expect(results[0]?.error?.message).toContain('shut down');
    expect(inner.requests).toHaveLength(1);
    expectStats(exporter, { exported: 3, dropped: 4, pending: 0, failed: 0 });
    expectAccounted(exporter, 7);
  });

  it('does nothing the second time', async () => {
    const { inner, exporter } = setUp();
    inner.behaviour = 'fail';
    give(exporter, makeSpans('a', 5));
    await exporter.shutdown();
    const warnings = logged.warnings.length;
    await exporter.shutdown();
    expect(inner.shutdownCalls).toBe(1);
    expect(logged.warnings).toHaveLength(warnings);
    expect(exporter.stats.droppedSpans).toBe(5);
  });
});

describe('QueueingExporter: logging', () => {
  it('warns about the first failure once, naming the destination and the error', async () => {
    const { inner, exporter } = setUp();
    inner.behaviour = 'fail';
    give(exporter, makeSpans('a', 5));
    await tick();
    await expectRetryAfter(inner, 1000);
    await expectRetryAfter(inner, 2000);
    expect(exporter.stats.failedRequests).toBe(3);
    expect(logged.warnings).toHaveLength(1);
    expect(logged.warnings[0]).toContain(DESTINATION);
    expect(logged.warnings[0]).toContain('backend unavailable');
    expect(logged.infos).toEqual([]);
    expect(logged.errors).toEqual([]);
  });

  it('logs the recovery at info with the number of failed requests', async () => {
    const { inner, exporter } = setUp();
    inner.script('fail', 'fail', 'fail', 'fail');
    inner.behaviour = 'succeed';
    give(exporter, makeSpans('a', 5));
    await tick();
    for (const delay of [1000, 2000, 4000, 5000]) {
      await expectRetryAfter(inner, delay);
    }
    expect(exporter.stats.exportedSpans).toBe(5);
    expect(logged.warnings).toHaveLength(1);
    expect(logged.infos).toHaveLength(1);
    expect(logged.infos[0]).toContain(
      `span export to ${DESTINATION} recovered after 4 failed requests`,
    );
  });

  it('logs nothing at all while every request succeeds', async () => {
    const { inner, exporter } = setUp();
    inner.behaviour = 'succeed';
    give(exporter, makeSpans('a', 50));
    await exporter.forceFlush();
    expect(logged).toMatchObject({ warnings: [], infos: [], errors: [] });
  });

  it('warns again for the first failure of a later outage', async () => {
    const { inner, exporter } = setUp();
    inner.script('fail', 'succeed', 'fail', 'succeed');
    give(exporter, makeSpans('a', 1));
    await tick();
    await expectRetryAfter(inner, 1000);
    give(exporter, makeSpans('b', 1));
    await tick();
    await expectRetryAfter(inner, 1000);
    expect(logged.warnings).toHaveLength(2);
    expect(logged.infos).toHaveLength(2);
    expect(logged.infos[1]).toContain('recovered after 1 failed requests');
  });
});

describe('QueueingExporter: an inner exporter that misbehaves', () => {
  it('counts a synchronous throw as a failed request and retries after the delay', async () => {
    const { inner, exporter } = setUp();
    inner.script('throw');
    inner.behaviour = 'succeed';
    const results = give(exporter, makeSpans('a', 5));
    expect(results).toEqual([{ code: ExportResultCode.SUCCESS }]);
    expect(inner.requests).toHaveLength(1);
    expectStats(exporter, { exported: 0, dropped: 0, pending: 5, failed: 1 });
    expect(logged.warnings).toHaveLength(1);
    expect(logged.warnings[0]).toContain('exporter exploded');

    await expectRetryAfter(inner, 1000);
    expect(exporter.stats.exportedSpans).toBe(5);
    expect(inner.delivered).toEqual(names('a', 0, 5));
  });

  it('does not call an exporter that keeps throwing again before the delay', () => {
    // The double throws on its first 1000 calls and then holds requests
    // open: a wrapper that resends at once stops there rather than for ever.
    let calls = 0;
    const inner: SpanExporter = {
      export: () => {
        calls++;
        if (calls <= 1000) throw new Error('exporter exploded');
      },
      shutdown: () => Promise.resolve(),
    };
    const exporter = exporterOver(inner);
    give(exporter, makeSpans('a', 5));
    expect(calls).toBe(1);
    expect(exporter.stats.failedRequests).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(calls).toBe(2);
    expect(exporter.stats.failedRequests).toBe(2);
  });

  it('waits for the delay after a failure answered before export returns', async () => {
    const { inner, exporter } = setUp();
    inner.script('fail-sync');
    inner.behaviour = 'succeed';
    give(exporter, makeSpans('a', 5));
    expect(inner.requests).toHaveLength(1);
    expect(exporter.stats.failedRequests).toBe(1);
    expect(exporter.stats.pendingSpans).toBe(5);

    await expectRetryAfter(inner, 1000);
    expect(exporter.stats.exportedSpans).toBe(5);
  });

  it('handles an exporter that answers success before export returns', () => {
    const { inner, exporter } = setUp({ maxBatchSize: 10 });
    inner.behaviour = 'succeed-sync';
    give(exporter, makeSpans('a', 45));
    expect(inner.requests).toHaveLength(5);
    expectStats(exporter, { exported: 45, dropped: 0, pending: 0, failed: 0 });
  });

  it('takes only the first answer of a request that is answered twice', () => {
    const { inner, exporter } = setUp();
    give(exporter, makeSpans('a', 5));
    const request = inner.requests[0];
    request?.callback({ code: ExportResultCode.SUCCESS });
    request?.callback({
      code: ExportResultCode.FAILED,
      error: new Error('late'),
    });
    request?.callback({ code: ExportResultCode.SUCCESS });
    expectStats(exporter, { exported: 5, dropped: 0, pending: 0, failed: 0 });
    expect(logged.warnings).toEqual([]);
  });

  it('logs a thrown value that is not an Error as text', () => {
    // Throws once, then holds every request open, so that a wrapper that
    // resends at once cannot spin for ever.
    let calls = 0;
    const inner: SpanExporter = {
      export: () => {
        calls++;
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        if (calls === 1) throw 'plain string failure';
      },
      shutdown: () => Promise.resolve(),
    };
    const exporter = exporterOver(inner);
    give(exporter, makeSpans('a', 1));
    expect(exporter.stats.failedRequests).toBe(1);
    expect(logged.warnings[0]).toContain('plain string failure');
    expect(calls).toBe(1);
  });

  it('reports an unknown error for a failure without an error', () => {
    const { inner, exporter } = setUp();
    give(exporter, makeSpans('a', 1));
    inner.requests[0]?.callback({ code: ExportResultCode.FAILED });
    expect(exporter.stats.failedRequests).toBe(1);
    expect(logged.warnings[0]).toContain('unknown error');
  });
});

describe('QueueingExporter: accounting', () => {
  it('keeps exported + dropped + pending equal to the spans given, through any mix of answers', async () => {
    // A fixed pseudo-random sequence of exports, answers and time steps.
    let seed = 0x9e3779b9;
    const random = (n: number): number => {
      // xorshift32
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      seed >>>= 0;
      return seed % n;
    };
    const { inner, exporter } = setUp({
      maxQueuedSpans: 30,
      maxBatchSize: 7,
      maxConcurrentRequests: 2,
      retryDelayMillis: 50,
      maxRetryDelayMillis: 400,
    });
    let given = 0;
    for (let step = 0; step < 300; step++) {
      const action = random(4);
      if (action === 0) {
        const count = 1 + random(12);
        give(exporter, makeSpans(`s${step}-`, count));
        given += count;
      } else if (action === 1) {
        inner.open[random(2)]?.succeed();
      } else if (action === 2) {
        inner.open[random(2)]?.fail();
      } else {
        vi.advanceTimersByTime(random(500));
      }
      expectAccounted(exporter, given);
      expect(inner.open.length).toBeLessThanOrEqual(2);
    }
    expect(given).toBeGreaterThan(200);
    expect(exporter.stats.failedRequests).toBeGreaterThan(10);
    expect(exporter.stats.droppedSpans).toBeGreaterThan(0);

    inner.behaviour = 'succeed';
    for (const request of inner.open) request.succeed();
    await exporter.shutdown();
    expectAccounted(exporter, given);
    expect(exporter.stats.pendingSpans).toBe(0);
    // Exported means delivered, each span exactly once.
    const delivered = inner.delivered;
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(delivered).toHaveLength(exporter.stats.exportedSpans);
  });

  it('keeps the sum while requests are in flight, failing and being dropped at shutdown', async () => {
    const { inner, exporter } = setUp({
      maxQueuedSpans: 20,
      maxBatchSize: 5,
      maxConcurrentRequests: 2,
    });
    give(exporter, makeSpans('a', 12));
    expectAccounted(exporter, 12);
    give(exporter, makeSpans('b', 25));
    expectAccounted(exporter, 37);
    inner.open[0]?.succeed();
    expectAccounted(exporter, 37);
    inner.open[0]?.fail();
    expectAccounted(exporter, 37);
    inner.open[0]?.fail();
    expectAccounted(exporter, 37);
    inner.behaviour = 'fail';
    await exporter.shutdown();
    expectAccounted(exporter, 37);
    expect(exporter.stats.pendingSpans).toBe(0);
    give(exporter, makeSpans('c', 3));
    expectAccounted(exporter, 40);
  });
});

/** The error the OTLP exporter reports for an HTTP 413 answer. */
function tooLarge(): Error {
  return Object.assign(new Error('Payload Too Large'), { code: 413 });
}

/** Answers a request of the double with a 413, as the OTLP exporter would. */
function refuseAsTooLarge(request: InnerRequest | undefined): void {
  if (request === undefined) throw new Error('no such request');
  request.open = false;
  request.outcome = 'failure';
  request.callback({ code: ExportResultCode.FAILED, error: tooLarge() });
}

/** A backend that refuses, on the next microtask, requests over a span count. */
class SizeLimitedBackend implements SpanExporter {
  readonly sizes: number[] = [];
  readonly delivered: string[] = [];

  constructor(private readonly _maxSpans: number) {}

  export(spans: ReadableSpan[], answer: (result: ExportResult) => void): void {
    this.sizes.push(spans.length);
    void Promise.resolve().then(() => {
      if (spans.length > this._maxSpans) {
        answer({ code: ExportResultCode.FAILED, error: tooLarge() });
      } else {
        this.delivered.push(...spans.map((s) => s.name));
        answer({ code: ExportResultCode.SUCCESS });
      }
    });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

describe('QueueingExporter: a request refused as too large (413)', () => {
  it('sends it again at once as two halves, each alone, and keeps the order', () => {
    const { inner, exporter } = setUp({ maxBatchSize: 8 });
    give(exporter, makeSpans('a', 8));
    give(exporter, makeSpans('b', 8));
    refuseAsTooLarge(inner.requests[0]);

    // No retry delay, and the half is not topped up to a full batch again.
    expect(inner.requests[1]?.names).toEqual(names('a', 0, 4));
    inner.requests[1]?.succeed();
    expect(inner.requests[2]?.names).toEqual(names('a', 4, 8));
    inner.requests[2]?.succeed();
    expect(inner.requests[3]?.names).toEqual(names('b', 0, 8));
    inner.requests[3]?.succeed();

    expect(inner.delivered).toEqual([...names('a', 0, 8), ...names('b', 0, 8)]);
    expect(exporter.stats).toMatchObject({
      exportedSpans: 16,
      droppedSpans: 0,
      pendingSpans: 0,
      failedRequests: 1,
      lastError: 'Payload Too Large',
    });
    expect(logged.warnings).toEqual([
      expect.stringMatching(/refused a request of 8 spans as too large/),
    ]);
  });

  it('drops and counts a span that is refused on its own, and warns once', () => {
    const { inner, exporter } = setUp({ maxBatchSize: 2 });
    give(exporter, makeSpans('a', 2));
    refuseAsTooLarge(inner.requests[0]);
    refuseAsTooLarge(inner.requests[1]);
    expect(exporter.stats).toMatchObject({ droppedSpans: 1, pendingSpans: 1 });
    inner.requests[2]?.succeed();
    give(exporter, makeSpans('b', 1));
    vi.advanceTimersByTime(0);
    refuseAsTooLarge(inner.requests[3]);

    expect(inner.delivered).toEqual(['a1']);
    expect(exporter.stats).toMatchObject({
      exportedSpans: 1,
      droppedSpans: 2,
      pendingSpans: 0,
    });
    expectAccounted(exporter, 3);
    expect(
      logged.warnings.filter((w) => w.includes('a single span')),
    ).toHaveLength(1);
  });

  it('has forceFlush and shutdown wait until every part is delivered', async () => {
    const backend = new SizeLimitedBackend(3);
    const exporter = exporterOver(backend);
    give(exporter, makeSpans('a', 10));
    await exporter.forceFlush();
    expect(backend.delivered).toEqual(names('a', 0, 10));
    expect(backend.sizes).toEqual([10, 5, 3, 2, 5, 3, 2]);
    expect(exporter.stats).toMatchObject({
      exportedSpans: 10,
      pendingSpans: 0,
      failedRequests: 3,
    });

    give(exporter, makeSpans('b', 7));
    await exporter.shutdown();
    expect(backend.delivered).toEqual([
      ...names('a', 0, 10),
      ...names('b', 0, 7),
    ]);
    expect(exporter.stats).toMatchObject({
      exportedSpans: 17,
      droppedSpans: 0,
      pendingSpans: 0,
    });
  });

  it('keeps a half alone when it then fails for another reason', async () => {
    const { inner, exporter } = setUp({ maxBatchSize: 4 });
    give(exporter, makeSpans('a', 4));
    give(exporter, makeSpans('b', 4));
    refuseAsTooLarge(inner.requests[0]);
    inner.requests[1]?.fail();
    // The backend is down now: the half waits out the delay, still alone.
    await expectRetryAfter(inner, 1000);
    expect(inner.requests[2]?.names).toEqual(names('a', 0, 2));
    inner.requests[2]?.succeed();
    inner.requests[3]?.succeed();
    inner.requests[4]?.succeed();
    expect(inner.delivered).toEqual([...names('a', 0, 4), ...names('b', 0, 4)]);
    expectAccounted(exporter, 8);
  });
});

/** Answers a request with `error`, as the OTLP exporter reports it. */
function failWith(request: InnerRequest | undefined, error: Error): void {
  if (request === undefined) throw new Error('no such request');
  request.open = false;
  request.outcome = 'failure';
  request.callback({ code: ExportResultCode.FAILED, error });
}

describe('QueueingExporter: failures retrying cannot change', () => {
  it.each([
    ['a 400 answer', Object.assign(new Error('Bad Request'), { code: 400 })],
    [
      'a request Node will not make',
      Object.assign(new TypeError('Invalid character in header content'), {
        code: 'ERR_INVALID_CHAR',
      }),
    ],
  ])('drops and counts the spans of %s at once', (_, error) => {
    const { inner, exporter } = setUp({ maxBatchSize: 4 });
    give(exporter, makeSpans('a', 4));
    failWith(inner.requests[0], error);
    vi.advanceTimersByTime(60_000);

    expect(inner.requests).toHaveLength(1);
    expect(exporter.stats).toMatchObject({
      droppedSpans: 4,
      pendingSpans: 0,
      failedRequests: 1,
    });
    expect(logged.warnings).toEqual([
      expect.stringMatching(/which retrying cannot change/),
    ]);
  });

  it.each([
    ['a 503 answer', Object.assign(new Error('Unavailable'), { code: 503 })],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), {
        code: 'ECONNREFUSED',
      }),
    ],
    ['a timeout', new Error('Request timed out')],
  ])('keeps and retries the spans of %s', (_, error) => {
    const { inner, exporter } = setUp({ maxBatchSize: 4 });
    give(exporter, makeSpans('a', 4));
    failWith(inner.requests[0], error);
    expect(exporter.stats).toMatchObject({ droppedSpans: 0, pendingSpans: 4 });
    vi.advanceTimersByTime(1000);
    expect(inner.requests).toHaveLength(2);
    inner.requests[1]?.succeed();
    expect(exporter.stats).toMatchObject({ exportedSpans: 4, pendingSpans: 0 });
  });
});

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ExecutionTracker } from '../../src/index.js';
import {
  setupTracing,
  type TracingHandle,
  type TracingOptions,
} from '../../src/setup/index.js';
import { recordDiag, type DiagRecorder } from '../support/diag-recorder.js';
import {
  closedPort,
  startFakeOtlpBackend,
  waitUntil,
  type Behaviour,
  type FakeOtlpBackend,
} from '../support/fake-otlp-backend.js';
import {
  watchProcessErrors,
  type ProcessErrorWatch,
} from '../support/process-errors.js';

// Short enough that every fault settles within a test: a batch waits 20 ms
// for company, and a request the backend does not answer is given up after
// half a second. The fake backend answers from this very event loop, so
// the timeout also has to outlast a busy turn of it, or a request answered
// in time would count as failed and be sent twice.
const FAST: TracingOptions = {
  serviceName: 'backend-faults',
  exitHooks: false,
  scheduledDelayMillis: 20,
  exportTimeoutMillis: 500,
};

let tracing: TracingHandle | undefined;
const backends: FakeOtlpBackend[] = [];
let processErrors: ProcessErrorWatch;
let diagLog: DiagRecorder;

beforeEach(() => {
  processErrors = watchProcessErrors();
  diagLog = recordDiag();
});

afterEach(async () => {
  // A test that failed half-way must not leave the global provider behind.
  await tracing?.shutdown();
  tracing = undefined;
  await Promise.all(backends.splice(0).map((backend) => backend.close()));
  processErrors.stop();
  diagLog.restore();
});

async function backendThat(behaviour: Behaviour): Promise<FakeOtlpBackend> {
  const backend = await startFakeOtlpBackend({ behaviour });
  backends.push(backend);
  return backend;
}

async function backendOn(port: number): Promise<FakeOtlpBackend> {
  const backend = await startFakeOtlpBackend({ port });
  backends.push(backend);
  return backend;
}

const urlOn = (port: number): string => `http://127.0.0.1:${port}/v1/traces`;

function setUp(options: TracingOptions): TracingHandle {
  tracing = setupTracing({ ...FAST, ...options });
  return tracing;
}

/** Runs `count` executions, each with params, an event and a result. */
function runExecutions(
  tracker: ExecutionTracker,
  count: number,
  afterEach: () => void = () => undefined,
): void {
  for (let i = 0; i < count; i++) {
    const execution = tracker.recordRoutineStart('transform', {
      index: i,
      source: 'orders.csv',
      options: { batch: 50, strict: true },
    });
    execution.recordEvent('rows', 'load', { count: i });
    execution.end('completed', { rows: i });
    afterEach();
  }
}

/**
 * Waits until the backend holds `produced` spans, each once, and the
 * exporter has heard every answer: the backend counts a request before its
 * answer reaches the exporter.
 */
async function expectAllDelivered(
  handle: TracingHandle,
  backend: FakeOtlpBackend,
  produced: number,
): Promise<void> {
  await waitUntil('every span at the backend, and its answers back', () => {
    return (
      backend.acceptedSpans === produced && handle.stats.pendingSpans === 0
    );
  });
  expect(handle.stats).toMatchObject({
    exportedSpans: produced,
    droppedSpans: 0,
    pendingSpans: 0,
  });
  expect(backend.duplicateSpans).toBe(0);
}

function expectNoProcessErrors(): void {
  expect(processErrors.unhandledRejections).toEqual([]);
  expect(processErrors.uncaughtExceptions).toEqual([]);
}

/** A fault by name, and how to bring it about: it returns the URL to use. */
type Fault = readonly [string, () => Promise<string>];

const FAULTS: readonly Fault[] = [
  [
    'answers 502',
    async () => (await backendThat({ answer: 'status', status: 502 })).url,
  ],
  [
    'answers 503',
    async () => (await backendThat({ answer: 'status', status: 503 })).url,
  ],
  ['never answers', async () => (await backendThat({ answer: 'hang' })).url],
  ['is not listening', async () => urlOn(await closedPort())],
];

describe('a backend that refuses for good', () => {
  it.each([400, 401, 404, 500])(
    'answering %i has its spans dropped and counted at once, not retried',
    async (status) => {
      const backend = await backendThat({ answer: 'status', status });
      const handle = setUp({ endpoint: backend.url, maxExportBatchSize: 50 });
      const tracker = new ExecutionTracker('refused');

      runExecutions(tracker, 200);
      await handle.forceFlush();
      // Nothing waits for a retry that could only be refused again.
      expect(handle.stats).toMatchObject({
        exportedSpans: 0,
        droppedSpans: 200,
        pendingSpans: 0,
        failedRequests: 4,
      });
      expect(backend.requests).toHaveLength(4);
      expect(handle.stats.lastError).toEqual(expect.any(String));
      const warnings = diagLog.lines.filter((line) =>
        line.includes('retrying cannot change'),
      );
      expect(warnings).toHaveLength(1);

      tracker.end();
      await handle.shutdown();
      expect(handle.stats).toMatchObject({
        exportedSpans: 0,
        droppedSpans: 201,
        pendingSpans: 0,
      });
      expectNoProcessErrors();
    },
  );
});

describe('a backend that fails', () => {
  it.each(FAULTS)(
    'that %s never reaches the application, and every span is counted',
    async (_, fault) => {
      const handle = setUp({ endpoint: await fault() });
      const tracker = new ExecutionTracker('faulty-backend');

      expect(() => {
        runExecutions(tracker, 200);
      }).not.toThrow();
      await expect(handle.forceFlush()).resolves.toBeUndefined();
      expect(handle.stats).toMatchObject({
        exportedSpans: 0,
        droppedSpans: 0,
        pendingSpans: 200,
      });
      expect(handle.stats.failedRequests).toBeGreaterThanOrEqual(1);
      expect(handle.stats.lastError).toEqual(expect.any(String));

      tracker.end();
      await expect(handle.shutdown()).resolves.toBeUndefined();
      // The run itself and the root span: all counted as dropped.
      expect(handle.stats).toMatchObject({
        exportedSpans: 0,
        droppedSpans: 201,
        pendingSpans: 0,
      });
      expect(tracker.getRoutinePerformance('transform')?.completed).toBe(200);
      expectNoProcessErrors();
    },
  );
});

/**
 * The garbage collector, for heap figures worth comparing: vitest does not
 * start its workers with `--expose-gc`, and V8 hands the function out to a
 * fresh context once the flag is set.
 */
function garbageCollector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function heapAfterGc(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('memory while the backend is down', () => {
  const MEMORY_FAULTS = FAULTS.filter(([name]) =>
    ['never answers', 'is not listening'].includes(name),
  );

  it.each(MEMORY_FAULTS)(
    'stays bounded through 10,000 executions when the backend %s',
    async (_, fault) => {
      const maxQueueSize = 1000;
      const maxExportBatchSize = 100;
      const handle = setUp({
        endpoint: await fault(),
        maxQueueSize,
        maxExportBatchSize,
      });
      // The mirror is bounded on its own; small bounds keep its share of
      // the heap out of the figures.
      const tracker = new ExecutionTracker({
        flowId: 'down-for-long',
        maxExecutionsPerRoutine: 100,
        maxEvents: 100,
      });
      // The queue holds its bound; up to two batches more are in requests.
      const bound = maxQueueSize + 2 * maxExportBatchSize;
      let mostPending = 0;
      const watchPending = (): void => {
        mostPending = Math.max(mostPending, handle.stats.pendingSpans);
      };

      const gc = garbageCollector();
      const heapAtStart = heapAfterGc(gc);
      let heapWhenFull = 0;
      for (let chunk = 0; chunk < 20; chunk++) {
        runExecutions(tracker, 500, watchPending);
        if (chunk === 3) heapWhenFull = heapAfterGc(gc);
        // Lets requests fail and retries come round between the chunks.
        await sleep(60);
        watchPending();
      }
      const heapAtEnd = heapAfterGc(gc);

      expect(mostPending).toBeGreaterThanOrEqual(maxQueueSize);
      expect(mostPending).toBeLessThanOrEqual(bound);
      expect(handle.stats.droppedSpans).toBeGreaterThanOrEqual(10_000 - bound);
      expect(handle.stats.exportedSpans).toBe(0);
      // From 2,000 executions on the queue is full. Had the dropped spans
      // been kept, the next 8,000 would have grown the heap several times
      // over what filling the queue took.
      const fillingTheQueue = heapWhenFull - heapAtStart;
      expect(heapAtEnd - heapWhenFull).toBeLessThan(fillingTheQueue / 2);

      tracker.end();
      await handle.shutdown();
      expect(handle.stats.pendingSpans).toBe(0);
      expect(handle.stats.exportedSpans + handle.stats.droppedSpans).toBe(
        10_001,
      );
      expectNoProcessErrors();
    },
    30_000,
  );
});

describe('maxRetainedSpans', () => {
  it('bounds the spans kept while the backend is down, below the queue size', async () => {
    const handle = setUp({
      endpoint: urlOn(await closedPort()),
      maxQueueSize: 1000,
      maxRetainedSpans: 100,
      maxExportBatchSize: 50,
    });
    const tracker = new ExecutionTracker('few-retained');
    let mostPending = 0;
    runExecutions(tracker, 500, () => {
      mostPending = Math.max(mostPending, handle.stats.pendingSpans);
    });
    await handle.forceFlush();

    // What is kept, plus at most two requests of 50 spans in flight.
    expect(mostPending).toBeLessThanOrEqual(100 + 2 * 50);
    expect(handle.stats.pendingSpans).toBeLessThanOrEqual(100);
    expect(handle.stats.droppedSpans).toBeGreaterThanOrEqual(500 - 200);
    expect(handle.stats.droppedSpans + handle.stats.pendingSpans).toBe(500);
    await handle.shutdown();
    expectNoProcessErrors();
  });
});

describe('a backend that comes back', () => {
  it('receives the spans queued while it answered 503, and the later ones', async () => {
    const backend = await backendThat({ answer: 'status', status: 503 });
    const handle = setUp({ endpoint: backend.url });
    const tracker = new ExecutionTracker('back-after-503');

    runExecutions(tracker, 50);
    await waitUntil('a failed request', () => handle.stats.failedRequests > 0);
    expect(backend.acceptedSpans).toBe(0);

    backend.behaviour = { answer: 'accept' };
    runExecutions(tracker, 50);
    tracker.end();
    // No flush: the retry and the batch timer deliver on their own.
    await expectAllDelivered(handle, backend, 101);
    // The failed spans went first: the spans arrive in the order they ended.
    expect(backend.acceptedNames.at(-1)).toBe('flow back-after-503');

    const failures = diagLog.lines.filter((line) =>
      line.includes('span export to'),
    );
    expect(failures).toEqual([
      expect.stringMatching(/^warn .*failed: .*spans are kept and retried/),
      expect.stringMatching(/^info .*recovered after \d+ failed requests/),
    ]);
    await handle.shutdown();
    expectNoProcessErrors();
  });

  it('receives the spans queued while nothing listened on its port', async () => {
    const port = await closedPort();
    const handle = setUp({ endpoint: urlOn(port) });
    const tracker = new ExecutionTracker('back-after-closed');

    runExecutions(tracker, 50);
    await waitUntil('a failed request', () => handle.stats.failedRequests > 0);

    const backend = await backendOn(port);
    runExecutions(tracker, 50);
    tracker.end();
    await expectAllDelivered(handle, backend, 101);
    await handle.shutdown();
    expectNoProcessErrors();
  });
});

describe('the counts', () => {
  it('add up after shutdown: exported at the backend + dropped = produced', async () => {
    const backend = await backendThat({ answer: 'status', status: 503 });
    const handle = setUp({
      endpoint: backend.url,
      maxQueueSize: 300,
      maxExportBatchSize: 50,
    });
    const tracker = new ExecutionTracker({
      flowId: 'through-every-fault',
      maxExecutionsPerRoutine: 100,
    });

    // More than the queue holds while the backend refuses, then hangs.
    runExecutions(tracker, 500);
    await waitUntil('a refused request', () => handle.stats.failedRequests > 0);
    backend.behaviour = { answer: 'hang' };
    runExecutions(tracker, 500);
    await handle.forceFlush();
    expect(backend.requests.some((r) => r.status === 'hung')).toBe(true);
    backend.behaviour = { answer: 'accept' };
    runExecutions(tracker, 200);
    tracker.end();
    await handle.shutdown();

    const produced = 500 + 500 + 200 + 1;
    const { exportedSpans, droppedSpans, pendingSpans } = handle.stats;
    expect(pendingSpans).toBe(0);
    expect(droppedSpans).toBeGreaterThan(0);
    expect(backend.acceptedSpans).toBeGreaterThan(0);
    expect(backend.acceptedSpans + droppedSpans).toBe(produced);
    expect(exportedSpans).toBe(backend.acceptedSpans);
    expect(backend.duplicateSpans).toBe(0);
    expect(backend.undecodable).toBe(0);
    expectNoProcessErrors();
  });
});

describe('a backend that refuses large requests (413)', () => {
  // About 1.5 KB of JSON per span: a batch of 64 is far over the limit, a
  // batch of 8 is under it.
  const LIMIT = 16 * 1024;
  const NOTE = 'n'.repeat(600);

  it('gets every span that fits it, in smaller requests; a span too large alone is dropped and counted', async () => {
    const backend = await backendThat({
      answer: 'accept',
      maxBodyBytes: LIMIT,
    });
    const handle = setUp({ endpoint: backend.url, maxExportBatchSize: 64 });
    const tracker = new ExecutionTracker('large-requests');

    for (let i = 0; i < 200; i++) {
      tracker.recordRoutineStart('parse', { index: i, note: NOTE }).end();
      if (i === 100) {
        // Over the limit on its own: eight strings of 4,000 characters.
        const huge = Object.fromEntries(
          Array.from({ length: 8 }, (_, k) => [`part${k}`, 'x'.repeat(4000)]),
        );
        tracker.recordRoutineStart('oversized', huge).end();
      }
    }
    tracker.end();
    await handle.forceFlush();

    const produced = 200 + 1 + 1;
    expect(backend.requests.some((r) => r.status === 413)).toBe(true);
    for (const request of backend.requests.filter((r) => r.status === 200)) {
      expect(request.bodyBytes).toBeLessThanOrEqual(LIMIT);
    }
    expect(backend.acceptedSpans).toBe(produced - 1);
    expect(backend.acceptedNames).not.toContain('oversized');
    expect(backend.duplicateSpans).toBe(0);
    expect(handle.stats).toMatchObject({
      exportedSpans: produced - 1,
      droppedSpans: 1,
      pendingSpans: 0,
    });
    expect(diagLog.lines.some((line) => line.includes('too large'))).toBe(true);

    await handle.shutdown();
    expect(handle.stats.exportedSpans + handle.stats.droppedSpans).toBe(
      produced,
    );
    expectNoProcessErrors();
  });
});

describe('credentials', () => {
  const ENV_SECRET = 's3cr3t-token';
  const OPTION_SECRET = 'k3y-from-c0de';

  beforeEach(() => {
    vi.stubEnv(
      'OTEL_EXPORTER_OTLP_HEADERS',
      `authorization=Bearer ${ENV_SECRET}`,
    );
    // The test's own logger, at its most verbose, stays the one in place.
    vi.stubEnv('OTEL_LOG_LEVEL', undefined);
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('never appear in a diag line, whatever the backend does', async () => {
    const backend = await backendThat({ answer: 'status', status: 500 });
    const handle = setUp({
      endpoint: backend.url,
      headers: { 'x-api-key': OPTION_SECRET },
      maxExportBatchSize: 20,
    });
    const tracker = new ExecutionTracker('with-credentials');
    const behaviours: Behaviour[] = [
      { answer: 'status', status: 500 },
      { answer: 'status', status: 503 },
      { answer: 'hang' },
      { answer: 'accept', maxBodyBytes: 2048 },
      { answer: 'accept' },
    ];
    for (const behaviour of behaviours) {
      backend.behaviour = behaviour;
      runExecutions(tracker, 40);
      await handle.forceFlush();
    }
    tracker.end();
    await handle.shutdown();

    // The secrets were in use, and the faults were logged.
    const first = backend.requests[0];
    expect(first?.headers.authorization).toBe(`Bearer ${ENV_SECRET}`);
    expect(first?.headers['x-api-key']).toBe(OPTION_SECRET);
    expect(new Set(backend.requests.map((r) => r.status))).toEqual(
      new Set([500, 503, 'hung', 413, 200]),
    );
    expect(diagLog.lines.length).toBeGreaterThan(0);
    expect(diagLog.lines.some((line) => line.startsWith('warn'))).toBe(true);

    for (const line of diagLog.lines) {
      expect(line).not.toContain(ENV_SECRET);
      expect(line).not.toContain(OPTION_SECRET);
    }
    expectNoProcessErrors();
  });

  it('never appear in a diag line when nothing listens', async () => {
    const handle = setUp({
      endpoint: urlOn(await closedPort()),
      headers: { 'x-api-key': OPTION_SECRET },
    });
    const tracker = new ExecutionTracker('credentials-nowhere');
    runExecutions(tracker, 40);
    tracker.end();
    await handle.forceFlush();
    await handle.shutdown();

    expect(handle.stats.droppedSpans).toBe(41);
    expect(diagLog.lines.some((line) => line.startsWith('warn'))).toBe(true);
    for (const line of diagLog.lines) {
      expect(line).not.toContain(ENV_SECRET);
      expect(line).not.toContain(OPTION_SECRET);
    }
    expectNoProcessErrors();
  });
});

/**
 * A script that sets up tracing from the environment, runs part of a flow
 * and then stops in the way its argument names, never shutting tracing
 * down itself:
 *
 * - `uncaught-exception`: a timer throws while `slow` is still running;
 * - `unhandled-rejection`: a timer rejects a promise nobody handles;
 * - `handled-by-host`: the same throw, but the script listens for
 *   `uncaughtException` itself, goes on, ends `slow` and simply finishes;
 * - `process-exit`: one run is flushed, then a second one is left queued
 *   and the script calls `process.exit(3)`;
 * - `many`: 2,000 executions, all ended, and the script simply finishes.
 *
 * Each run's trace id is printed as `trace <id>` on standard output.
 * `EXIT_TIMEOUT_MILLIS` sets the exit hooks' deadline.
 */
import { ExecutionTracker, type ExecutionHandle } from '../../../src/index.js';
import { setupTracing } from '../../../src/setup/index.js';

const mode = process.argv[2];
const tracing = setupTracing({
  exitTimeoutMillis: Number(process.env.EXIT_TIMEOUT_MILLIS ?? 5000),
});

/** `fetch` ends and sends rows to `slow`, which is left running. */
function startFlow(flowId: string): {
  tracker: ExecutionTracker;
  slow: ExecutionHandle;
} {
  const tracker = new ExecutionTracker(flowId);
  const fetch = tracker.recordRoutineStart('fetch', { url: 'file:///a.csv' });
  tracker.recordEvent('fetch', 'rows', 'slow', { count: 3 });
  fetch.end('completed', 3);
  const slow = tracker.recordRoutineStart('slow', { rows: 3 });
  process.stdout.write(`trace ${slow.spanContext.traceId}\n`);
  return { tracker, slow };
}

// The slow routine's work: far longer than any test waits for it.
const work = setTimeout(() => undefined, 60_000);

switch (mode) {
  case 'uncaught-exception': {
    startFlow('exit-uncaught-exception');
    setTimeout(() => {
      throw new Error('the host failed mid-run');
    }, 20);
    break;
  }
  case 'unhandled-rejection': {
    startFlow('exit-unhandled-rejection');
    setTimeout(() => {
      void Promise.reject(new Error('the host failed mid-run'));
    }, 20);
    break;
  }
  case 'handled-by-host': {
    process.on('uncaughtException', (error) => {
      process.stdout.write(`handled: ${error.message}\n`);
    });
    const { slow } = startFlow('exit-handled-by-host');
    setTimeout(() => {
      throw new Error('the host failed mid-run');
    }, 20);
    setTimeout(() => {
      slow.end('completed', 'all rows');
      clearTimeout(work);
    }, 200);
    break;
  }
  case 'process-exit': {
    const before = startFlow('exit-before-process-exit');
    before.slow.end('completed');
    before.tracker.end();
    await tracing.forceFlush();
    process.stdout.write('flushed\n');
    startFlow('exit-process-exit');
    process.exit(3);
    break;
  }
  case 'many': {
    clearTimeout(work);
    const tracker = new ExecutionTracker('exit-many');
    for (let i = 0; i < 2000; i++) {
      const step = tracker.recordRoutineStart('step', { i });
      if (i === 0) process.stdout.write(`trace ${step.spanContext.traceId}\n`);
      tracker.recordEvent('step', 'next', 'step', { i });
      step.end('completed', i);
    }
    tracker.end();
    break;
  }
  default:
    throw new Error(`unknown mode ${String(mode)}`);
}

/**
 * A short script that sets up tracing from the environment, runs part of a
 * flow and then stops without ending its tracker or shutting tracing down:
 * either because its work simply runs out (`natural-end`) or because it is
 * sent SIGTERM while a routine is still running (`signal`).
 */
import { ExecutionTracker } from '../../../src/index.js';
import { setupTracing } from '../../../src/setup/index.js';

const mode = process.argv[2] ?? 'natural-end';
setupTracing();

const tracker = new ExecutionTracker(`exit-${mode}`);
const fetch = tracker.recordRoutineStart('fetch', { url: 'file:///a.csv' });
tracker.recordEvent('fetch', 'rows', 'slow', { count: 3 });
fetch.end('completed', 3);
tracker.recordRoutineStart('slow', { rows: 3 });

if (mode === 'signal') {
  // Keeps the process busy until the parent sends SIGTERM.
  setTimeout(() => undefined, 60_000);
  process.stdout.write('running\n');
}

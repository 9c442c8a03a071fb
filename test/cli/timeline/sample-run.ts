/**
 * A small but complete run for the timeline tests and the screenshot:
 * several routines, one of them running four times at once, events within
 * and outside executions, a failure, an `error_continued`, a skip, a status
 * of the engine's own, an execution still running when the run is drawn,
 * and a routine id and params that hold markup.
 */
import { formatTimestamp } from '../../../src/format/timestamps.js';
import {
  ExecutionTracker,
  type EventRecord,
  type ExecutionRecord,
} from '../../../src/index.js';

/** The routine id with markup in it. */
export const MARKUP_ROUTINE_ID = '<b>bold</b>';

/** The param value with a script in it. */
export const MARKUP_SCRIPT = '<script>window.__pwned=1</script>';

/** The param value with an element that would run script when parsed. */
export const MARKUP_IMG = '<img src=x onerror=alert(1)>';

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Records the sample run in real time (about 150 ms) through the tracker's
 * API and returns the tracker, ended, with one `load` still running.
 */
export async function recordSampleRun(): Promise<ExecutionTracker> {
  const tracker = new ExecutionTracker('nightly-import');

  // Nothing of the scheduler runs in this flow: its event goes on the
  // flow row.
  tracker.recordEvent('scheduler', 'tick', 'extract', { cron: '0 2 * * *' });
  const extract = tracker.recordRoutineStart('extract', {
    source: 'orders.csv',
    batch_size: 250,
  });

  const transforms: Promise<void>[] = [];
  for (let batch = 1; batch <= 4; batch++) {
    await sleep(8);
    extract.recordEvent('output', 'transform', { batch, rows: 250 });
    transforms.push(transform(tracker, batch));
  }
  await sleep(4);
  extract.end('completed', { rows: 1000, batches: 4 });
  await Promise.all(transforms);

  const validate = tracker.recordRoutineStart('validate', { schema: 'v3' });
  await sleep(6);
  validate.end(
    'error_continued',
    { checked: 747 },
    new Error('schema drift: column "amount" holds strings'),
  );

  const load = tracker.recordRoutineStart('load', {
    table: 'orders',
    mode: 'append',
  });
  const audit = tracker.recordRoutineStart('audit', { level: 'full' });
  await sleep(12);
  load.recordEvent('committed', 'notify', { rows: 747 });
  load.end('completed', { rows: 747 });

  tracker.recordRoutineStart('notify', { channel: '#data' });
  await sleep(1);
  tracker.recordRoutineEnd('notify', 'skipped', { reason: 'quiet hours' });

  const markup = tracker.recordRoutineStart(MARKUP_ROUTINE_ID, {
    note: MARKUP_SCRIPT,
    html: MARKUP_IMG,
  });
  await sleep(7);
  markup.end('completed', '<b>done</b>');
  audit.end('retried', { attempts: 2 });

  // A second load that is still writing when the run is drawn.
  const late = tracker.recordRoutineStart('load', {
    table: 'orders_archive',
    mode: 'append',
  });
  await sleep(10);
  late.recordEvent('progress', null, { rows: 120, of: 1000 });
  await sleep(5);
  tracker.end();
  return tracker;
}

async function transform(
  tracker: ExecutionTracker,
  batch: number,
): Promise<void> {
  const execution = tracker.recordRoutineStart('transform', { batch });
  await sleep(14 + batch * 5);
  if (batch === 3) {
    execution.end(
      'failed',
      undefined,
      new Error(`ValueError: bad row 7 in batch ${batch}`),
    );
    return;
  }
  const rows = 250 - batch;
  execution.recordEvent('output', 'load', { batch, rows });
  execution.end('completed', { rows });
}

/** One execution of a {@link fixedRun}, its times in ms from the base. */
export interface FixedExecution {
  readonly id: string;
  readonly start: number;
  readonly end?: number;
  readonly status?: string;
  readonly params?: Record<string, unknown>;
  readonly result?: unknown;
  readonly error?: string;
}

/** One event of a {@link fixedRun}, its time in ms from the base. */
export interface FixedEvent {
  readonly source: string;
  readonly at: number;
  readonly name?: string;
  readonly target?: string | null;
  readonly data?: Record<string, unknown>;
}

/** The instant times in a {@link fixedRun} count from. */
export const FIXED_BASE_MICROS = Date.UTC(2026, 0, 15, 9, 30) * 1000;

/**
 * A tracker loaded from a dump with exactly the given times, so that the
 * page's geometry and figures can be checked to the digit.
 */
export function fixedRun(
  executions: readonly FixedExecution[],
  events: readonly FixedEvent[] = [],
  flowId = 'fixed',
): ExecutionTracker {
  const at = (ms: number): string =>
    formatTimestamp(FIXED_BASE_MICROS + Math.round(ms * 1000));
  const routineExecutions: Record<string, ExecutionRecord[]> = {};
  for (const execution of executions) {
    const record: ExecutionRecord = {
      routine_id: execution.id,
      start_time: at(execution.start),
      params: execution.params ?? {},
      status:
        execution.status ??
        (execution.end === undefined ? 'running' : 'completed'),
    };
    if (execution.end !== undefined) {
      record.end_time = at(execution.end);
      record.execution_time = (execution.end - execution.start) / 1000;
    }
    if (execution.result !== undefined) record.result = execution.result;
    if (execution.error !== undefined) record.error = execution.error;
    const list = routineExecutions[execution.id] ?? [];
    list.push(record);
    routineExecutions[execution.id] = list;
  }
  const eventFlow: EventRecord[] = events.map((event) => ({
    timestamp: at(event.at),
    source_routine_id: event.source,
    event_name: event.name ?? 'output',
    target_routine_id: event.target ?? null,
    data: event.data ?? {},
  }));
  return ExecutionTracker.deserialize({
    _type: 'ExecutionTracker',
    flow_id: flowId,
    routine_executions: routineExecutions,
    event_flow: eventFlow,
    performance_metrics: {},
  });
}

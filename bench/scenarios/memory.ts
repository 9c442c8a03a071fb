/**
 * 4. Memory: the heap one retained execution record costs, and the heap of
 * a run that goes far past the default bounds.
 */
import v8 from 'node:v8';

import { target, type Row, type ScenarioContext } from '../results.js';
import type { ScenarioResult } from '../results.js';
import type { ExecutionTracker } from '../../src/index.js';
import { mirrorTracker, ROUTINES, smallParams } from '../workload.js';

/** Heap bytes per retained record, with small params. */
export const BYTES_PER_RECORD_TARGET = 400;
/**
 * Heap past the bounds over heap at the bounds: flat, read as within 10%.
 */
export const FLAT_MEMORY_TARGET = 1.1;

const MIB = 2 ** 20;

export function runMemory(context: ScenarioContext): ScenarioResult {
  const started = performance.now();
  const { profile } = context;
  const { gc } = globalThis;
  if (gc === undefined) {
    const note = 'not measured: run node with --expose-gc';
    return {
      id: 'memory',
      title: 'Memory',
      rows: [
        {
          key: 'bytes_per_record',
          label: 'heap per retained record, small params',
          value: null,
          unit: 'bytes',
          target: target(null, 'at most', BYTES_PER_RECORD_TARGET),
        },
        {
          key: 'bounded_growth',
          label: 'heap past the bounds / at the bounds',
          value: null,
          unit: 'ratio',
          target: target(null, 'at most', FLAT_MEMORY_TARGET),
        },
      ],
      notes: [note],
      data: {},
      seconds: 0,
    };
  }

  const settle = (): number => {
    for (let i = 0; i < 3; i++) gc();
    return process.memoryUsage().heapUsed;
  };

  // One record per execution, kept: no bound, no events.
  const records = profile.memoryRecords;
  context.log(`retaining ${records.toLocaleString('en-US')} records`);
  const before = settle();
  const unbounded = mirrorTracker({
    maxExecutionsPerRoutine: Infinity,
  });
  record(unbounded, 0, records, false);
  const after = settle();
  const retained = unbounded.getPerformanceMetrics();
  unbounded.end();
  const bytesPerRecord = (after - before) / records;
  const retainedRecords =
    retained.total_executions - retained.dropped_executions;

  // Default bounds (10,000 records per routine, 100,000 events), one event
  // per execution: at the bounds, then ten times past them.
  const [atBounds, pastBounds] = profile.boundedSizes;
  context.log(
    `recording ${atBounds.toLocaleString('en-US')} then ${pastBounds.toLocaleString('en-US')} executions at the default bounds`,
  );
  const baseline = settle();
  const largeBaseline = largeObjectBytes();
  const bounded = mirrorTracker();
  record(bounded, 0, atBounds, true);
  const heapAtBounds = settle() - baseline;
  const largeAtBounds = largeObjectBytes() - largeBaseline;
  record(bounded, atBounds, pastBounds, true);
  const heapPastBounds = settle() - baseline;
  const largePastBounds = largeObjectBytes() - largeBaseline;
  const metrics = bounded.getPerformanceMetrics();
  bounded.end();
  const growth = heapPastBounds / heapAtBounds;

  const rows: Row[] = [
    {
      key: 'bytes_per_record',
      label: 'heap per retained record, small params',
      value: bytesPerRecord,
      unit: 'bytes',
      target: target(bytesPerRecord, 'at most', BYTES_PER_RECORD_TARGET),
    },
    {
      key: 'heap_at_bounds_mib',
      label: `heap after ${atBounds.toLocaleString('en-US')} executions, default bounds`,
      value: heapAtBounds / MIB,
      unit: 'MiB',
    },
    {
      key: 'heap_past_bounds_mib',
      label: `heap after ${pastBounds.toLocaleString('en-US')} executions, default bounds`,
      value: heapPastBounds / MIB,
      unit: 'MiB',
    },
    {
      key: 'bounded_growth',
      label: 'heap past the bounds / at the bounds',
      value: growth,
      unit: 'ratio',
      target: target(growth, 'at most', FLAT_MEMORY_TARGET),
    },
  ];
  return {
    id: 'memory',
    title: 'Memory (heapUsed after gc, mirror only)',
    rows,
    notes: [
      `per record: ${records.toLocaleString('en-US')} executions (start, end) with params { index }, maxExecutionsPerRoutine: Infinity, no events; params included`,
      `bounded: start, one event, end per execution; at ${pastBounds.toLocaleString('en-US')} the mirror retained ${(metrics.total_executions - metrics.dropped_executions).toLocaleString('en-US')} records and ${(metrics.total_events - metrics.dropped_events).toLocaleString('en-US')} events`,
      `of the bounded heap, V8's large-object space (big arrays and hash tables) held ${(largeAtBounds / MIB).toFixed(1)} MiB at ${atBounds.toLocaleString('en-US')} and ${(largePastBounds / MIB).toFixed(1)} MiB at ${pastBounds.toLocaleString('en-US')}`,
    ],
    data: {
      records,
      retainedRecords,
      heapBefore: before,
      heapAfter: after,
      bytesPerRecord,
      bounded: {
        sizes: profile.boundedSizes,
        heapAtBounds,
        heapPastBounds,
        largeObjectsAtBounds: largeAtBounds,
        largeObjectsPastBounds: largePastBounds,
        growth,
        droppedExecutions: metrics.dropped_executions,
        droppedEvents: metrics.dropped_events,
      },
    },
    seconds: (performance.now() - started) / 1000,
  };
}

/** What V8's large-object space holds: arrays and tables over ~128 KiB. */
function largeObjectBytes(): number {
  const space = v8
    .getHeapSpaceStatistics()
    .find((entry) => entry.space_name === 'large_object_space');
  return space?.space_used_size ?? 0;
}

/** Records executions `from` to `to` (exclusive) over ten routines. */
function record(
  tracker: ExecutionTracker,
  from: number,
  to: number,
  withEvent: boolean,
): void {
  for (let i = from; i < to; i++) {
    const routineId = ROUTINES[i % ROUTINES.length] as string;
    const execution = tracker.recordRoutineStart(routineId, smallParams(i));
    if (withEvent) {
      execution.recordEvent('output', ROUTINES[(i + 1) % ROUTINES.length], {
        rows: 1,
      });
    }
    execution.end('completed');
  }
}

import { describe, expect, it } from 'vitest';

import {
  layoutTimeline,
  niceStep,
  statusClass,
  STATUS_CLASSES,
  type LayoutEvent,
  type LayoutExecution,
} from '../../../src/cli/timeline/timeline-layout.js';

const BASE = 1_768_469_400_000_000; // 2026-01-15T09:30:00Z in microseconds
const LIMITS = { maxRows: 5000, maxEventMarks: 20_000 };

/** An execution from `start` to `end` milliseconds after BASE. */
function exec(
  routineId: string,
  start: number,
  end?: number,
  status = end === undefined ? 'running' : 'completed',
): LayoutExecution {
  return {
    routineId,
    startMicros: BASE + start * 1000,
    endMicros: end === undefined ? undefined : BASE + end * 1000,
    status,
  };
}

/** An event of `source` at `at` milliseconds after BASE. */
function event(sourceRoutineId: string, at: number): LayoutEvent {
  return { sourceRoutineId, micros: BASE + at * 1000 };
}

describe('layoutTimeline geometry', () => {
  it('places bars in percent of the run, from the first start to the last end', () => {
    const layout = layoutTimeline(
      [exec('a', 0, 50), exec('b', 25, 100), exec('c', 40, 45)],
      [],
      LIMITS,
    );
    expect(layout.startMicros).toBe(BASE);
    expect(layout.endMicros).toBe(BASE + 100_000);
    expect(
      layout.rows.map((row) => [row.execution, row.left, row.width]),
    ).toEqual([
      [0, 0, 50],
      [1, 25, 75],
      [2, 40, 5],
    ]);
    expect(layout.rows.every((row) => !row.incomplete)).toBe(true);
  });

  it('orders rows by start time, keeping the given order for equal starts', () => {
    const layout = layoutTimeline(
      [exec('late', 30, 40), exec('x', 0, 10), exec('y', 0, 20)],
      [],
      LIMITS,
    );
    expect(layout.rows.map((row) => row.execution)).toEqual([1, 2, 0]);
  });

  it('extends a running execution to the end of the run and marks it incomplete', () => {
    const layout = layoutTimeline(
      [exec('a', 0, 80), exec('b', 60)],
      [event('a', 100)],
      LIMITS,
    );
    const running = layout.rows[1];
    expect(running).toMatchObject({
      execution: 1,
      left: 60,
      width: 40,
      incomplete: true,
      statusClass: 'running',
      drawnEndMicros: BASE + 100_000,
    });
    expect(layout.rows[0]?.incomplete).toBe(false);
  });

  it('lets events before the first start or after the last end widen the axis', () => {
    const layout = layoutTimeline(
      [exec('a', 20, 60)],
      [event('scheduler', 0), event('a', 40), event('sink', 80)],
      LIMITS,
    );
    expect(layout.startMicros).toBe(BASE);
    expect(layout.endMicros).toBe(BASE + 80_000);
    expect(layout.rows[0]).toMatchObject({ left: 25, width: 50 });
    expect(layout.marks.map((mark) => mark.left)).toEqual([0, 50, 100]);
  });

  it('draws a run that spans no time at all with bars of zero width at 0', () => {
    const layout = layoutTimeline([exec('a', 5, 5)], [], LIMITS);
    expect(layout.rows[0]).toMatchObject({ left: 0, width: 0 });
    expect(layout.ticks[0]).toEqual({ offsetMicros: 0, left: 0 });
  });

  it('lays out an empty run as nothing', () => {
    const layout = layoutTimeline([], [], LIMITS);
    expect(layout.rows).toEqual([]);
    expect(layout.marks).toEqual([]);
    expect(layout.omittedExecutions).toBe(0);
  });

  it('puts ticks at round steps from the start of the run', () => {
    const layout = layoutTimeline([exec('a', 0, 100)], [], LIMITS);
    expect(layout.tickStepMicros).toBe(20_000);
    expect(layout.ticks).toEqual(
      [0, 20, 40, 60, 80, 100].map((ms) => ({
        offsetMicros: ms * 1000,
        left: ms,
      })),
    );
    const odd = layoutTimeline([exec('a', 0, 73)], [], LIMITS);
    expect(odd.tickStepMicros).toBe(10_000);
    expect(odd.ticks.at(-1)?.offsetMicros).toBe(70_000);
    expect(odd.ticks.at(-1)?.left).toBeCloseTo(95.89, 2);
  });
});

describe('layoutTimeline events', () => {
  it('marks an event on the execution of its source running at its time', () => {
    const layout = layoutTimeline(
      [exec('a', 0, 50), exec('b', 10, 90), exec('a', 60, 100)],
      [event('a', 20), event('b', 30), event('a', 70), event('a', 100)],
      LIMITS,
    );
    // rows in start order: a#1 (0), b (1), a#2 (2)
    expect(layout.marks.map((mark) => [mark.event, mark.row])).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 2],
    ]);
  });

  it('puts an event on the flow row when no execution of its source was running', () => {
    const layout = layoutTimeline(
      [exec('a', 10, 50)],
      [event('a', 5), event('a', 55), event('0x7f10', 20)],
      LIMITS,
    );
    expect(layout.marks.map((mark) => mark.row)).toEqual([null, null, null]);
    expect(layout.marks.map((mark) => mark.running)).toEqual([0, 0, 0]);
  });

  it('counts an execution as running from its start to its end, both included', () => {
    const layout = layoutTimeline(
      [exec('a', 10, 50)],
      [event('a', 10), event('a', 50)],
      LIMITS,
    );
    expect(layout.marks.map((mark) => mark.row)).toEqual([0, 0]);
  });

  it('picks, of concurrent executions, the one that ended soonest after the event', () => {
    const layout = layoutTimeline(
      [exec('t', 0, 40), exec('t', 10, 30), exec('t', 20, 60), exec('t', 5)],
      [event('t', 29), event('t', 35), event('t', 50), event('t', 70)],
      LIMITS,
    );
    // rows in start order: t 0-40 (0), t 5-… (1), t 10-30 (2), t 20-60 (3)
    expect(layout.marks.map((mark) => [mark.row, mark.running])).toEqual([
      [2, 4],
      [0, 3],
      [3, 2],
      [1, 1],
    ]);
  });

  it('takes the latest started of executions that ended together', () => {
    const layout = layoutTimeline(
      [exec('t', 0, 40), exec('t', 10, 40)],
      [event('t', 20)],
      LIMITS,
    );
    expect(layout.marks[0]).toMatchObject({ row: 1, running: 2 });
  });

  it('places events among many executions, with a long one still open', () => {
    const executions = [exec('w', 0)];
    const events: LayoutEvent[] = [];
    for (let i = 0; i < 20_000; i++) {
      executions.push(exec('w', 10 + i * 2, 11 + i * 2));
      events.push(event('w', 10.5 + i * 2), event('w', 11.5 + i * 2));
    }
    const layout = layoutTimeline(executions, events, {
      maxRows: Infinity,
      maxEventMarks: Infinity,
    });
    // Row 0 is the open one; execution i+1 is row i+1.
    expect(layout.marks[0]).toMatchObject({ row: 1, running: 2 });
    expect(layout.marks[1]).toMatchObject({ row: 0, running: 1 });
    expect(layout.marks[39_998]).toMatchObject({ row: 20_000, running: 2 });
  });
});

describe('layoutTimeline limits', () => {
  it('draws the earliest rows up to maxRows and counts the rest', () => {
    const layout = layoutTimeline(
      [exec('a', 30, 40), exec('b', 0, 10), exec('c', 10, 20)],
      [event('a', 35), event('b', 5), event('nobody', 15)],
      { maxRows: 2, maxEventMarks: 100 },
    );
    expect(layout.rows.map((row) => row.execution)).toEqual([1, 2]);
    expect(layout.omittedExecutions).toBe(1);
    // The axis still covers the whole run.
    expect(layout.endMicros).toBe(BASE + 40_000);
    // The event of the execution left out goes with it, not onto the flow row.
    expect(layout.marks.map((mark) => [mark.event, mark.row])).toEqual([
      [1, 0],
      [2, null],
    ]);
    expect(layout.omittedEvents).toBe(1);
  });

  it('draws at most maxEventMarks events, the first recorded', () => {
    const layout = layoutTimeline(
      [exec('a', 0, 10)],
      [event('a', 1), event('a', 2), event('a', 3)],
      { maxRows: 10, maxEventMarks: 2 },
    );
    expect(layout.marks.map((mark) => mark.event)).toEqual([0, 1]);
    expect(layout.omittedEvents).toBe(1);
  });
});

describe('statusClass', () => {
  it('maps the common statuses to themselves and any other to other', () => {
    expect(
      ['completed', 'failed', 'error_continued', 'skipped', 'running'].map(
        statusClass,
      ),
    ).toEqual(['completed', 'failed', 'error_continued', 'skipped', 'running']);
    expect(statusClass('retried')).toBe('other');
    expect(statusClass('<b>x</b>')).toBe('other');
    expect(statusClass('__proto__')).toBe('other');
    expect(STATUS_CLASSES).toHaveLength(6);
  });
});

describe('niceStep', () => {
  it.each([
    [12.5, 20],
    [1000, 1000],
    [1001, 2000],
    [3000, 5000],
    [6000, 10_000],
    [0.125, 1],
    [0, 1],
    [Number.NaN, 1],
  ])('%s µs gives %s µs', (raw, step) => {
    expect(niceStep(raw)).toBe(step);
  });
});

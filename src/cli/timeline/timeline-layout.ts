/**
 * The geometry of the timeline, apart from any markup: where each
 * execution's bar starts and how wide it is on the run's time axis, on
 * which row each event is marked, and where the axis ticks fall. Positions
 * are percentages of the width of the time axis, so the page can be any
 * width.
 */

/**
 * The colour classes of the bars. Statuses are free strings in the record
 * format; the page maps them onto this fixed set so that a status never
 * becomes a class name of its own.
 */
export type StatusClass =
  'completed' | 'failed' | 'error_continued' | 'skipped' | 'running' | 'other';

/** Every status class, in the order the legend lists them. */
export const STATUS_CLASSES: readonly StatusClass[] = [
  'completed',
  'failed',
  'error_continued',
  'skipped',
  'running',
  'other',
];

/**
 * The colour class of a status: the common statuses by name, any other
 * string `other`.
 */
export function statusClass(status: string): StatusClass {
  switch (status) {
    case 'completed':
    case 'failed':
    case 'error_continued':
    case 'skipped':
    case 'running':
      return status;
    default:
      return 'other';
  }
}

/** What the layout needs of one execution. */
export interface LayoutExecution {
  /** The routine that ran. */
  readonly routineId: string;
  /** When it started, in epoch microseconds. */
  readonly startMicros: number;
  /** When it ended, in epoch microseconds; `undefined` while running. */
  readonly endMicros: number | undefined;
  /** Its status, as recorded. */
  readonly status: string;
}

/** What the layout needs of one event. */
export interface LayoutEvent {
  /** When it was emitted, in epoch microseconds. */
  readonly micros: number;
  /** The routine that emitted it. */
  readonly sourceRoutineId: string;
}

/** How much the layout draws at most. */
export interface LayoutLimits {
  /** Execution rows drawn at most; the earliest-starting ones are kept. */
  readonly maxRows: number;
  /** Event marks drawn at most; the first ones recorded are kept. */
  readonly maxEventMarks: number;
}

/** One drawn execution. */
export interface TimelineRow {
  /** Its index in the executions given to {@link layoutTimeline}. */
  readonly execution: number;
  /** Where its bar starts, in percent of the axis. */
  readonly left: number;
  /** How wide its bar is, in percent of the axis. */
  readonly width: number;
  /** Where its bar ends, in epoch microseconds. */
  readonly drawnEndMicros: number;
  /**
   * True when no end was recorded: the bar runs to the end of the run and
   * is drawn as incomplete.
   */
  readonly incomplete: boolean;
  /** Its colour class. */
  readonly statusClass: StatusClass;
}

/** One drawn event. */
export interface TimelineMark {
  /** Its index in the events given to {@link layoutTimeline}. */
  readonly event: number;
  /**
   * The index in `rows` of the execution of its source routine that was
   * running when it was emitted, or `null` for the flow row: no execution
   * of that routine was running then.
   */
  readonly row: number | null;
  /** Where it is marked, in percent of the axis. */
  readonly left: number;
  /**
   * How many executions of its source routine were running when it was
   * emitted (at most 64 are counted): above 1, the row it is drawn on is
   * the likeliest emitter, not a certain one.
   */
  readonly running: number;
}

/** One tick of the time axis. */
export interface TimelineTick {
  /** Its time, in microseconds since the start of the run. */
  readonly offsetMicros: number;
  /** Where it falls, in percent of the axis. */
  readonly left: number;
}

/** The whole geometry of one run. */
export interface TimelineLayout {
  /** The start of the axis: the first start or event, epoch microseconds. */
  readonly startMicros: number;
  /** The end of the axis: the last start, end or event, epoch microseconds. */
  readonly endMicros: number;
  /** The drawn executions, in order of start time. */
  readonly rows: readonly TimelineRow[];
  /** The drawn events, in the order they were given. */
  readonly marks: readonly TimelineMark[];
  /** The ticks of the time axis, from the start of the run. */
  readonly ticks: readonly TimelineTick[];
  /** The time between two ticks, in microseconds. */
  readonly tickStepMicros: number;
  /** Executions not drawn because of `maxRows`. */
  readonly omittedExecutions: number;
  /**
   * Events not drawn: past `maxEventMarks`, or emitted by an execution
   * whose row was not drawn.
   */
  readonly omittedEvents: number;
}

/** About this many ticks fit on the axis. */
const TARGET_TICKS = 8;

/**
 * Lays out a run: one row per execution, ordered by start time (ties keep
 * the order given), on an axis from the first start or event to the last
 * start, end or event. An execution with no end extends to the end of the
 * run. Each event goes on the row of the execution of its source routine
 * that was running at its time (when several were, the one that ended
 * soonest after it), or on the flow row when none was.
 *
 * @example
 * const layout = layoutTimeline(executions, events, {
 *   maxRows: 5000,
 *   maxEventMarks: 20000,
 * });
 */
export function layoutTimeline(
  executions: readonly LayoutExecution[],
  events: readonly LayoutEvent[],
  limits: LayoutLimits,
): TimelineLayout {
  const { startMicros, endMicros } = runBounds(executions, events);
  // A run whose every record shares one instant still needs a non-zero
  // divisor; its bars then all start at 0 with the CSS minimum width.
  const span = Math.max(endMicros - startMicros, 1);
  const percent = (micros: number): number =>
    round3(((micros - startMicros) / span) * 100);
  const endOf = (execution: LayoutExecution): number =>
    execution.endMicros ?? endMicros;

  const order = executions
    .map((_, index) => index)
    .sort(
      (a, b) =>
        (executions[a]?.startMicros ?? 0) - (executions[b]?.startMicros ?? 0) ||
        a - b,
    );
  const drawn = order.slice(0, Math.max(0, limits.maxRows));
  const rowOf = new Map<number, number>();
  const rows = drawn.map((index, row): TimelineRow => {
    rowOf.set(index, row);
    const execution = executions[index] as LayoutExecution;
    const end = Math.max(endOf(execution), execution.startMicros);
    return {
      execution: index,
      left: percent(execution.startMicros),
      width: round3(((end - execution.startMicros) / span) * 100),
      drawnEndMicros: end,
      incomplete: execution.endMicros === undefined,
      statusClass: statusClass(execution.status),
    };
  });

  const finder = new RunningExecutionFinder(executions, order, endOf);
  const marks: TimelineMark[] = [];
  let omittedEvents = 0;
  events.forEach((event, index) => {
    const found = finder.find(event.sourceRoutineId, event.micros);
    const row = found === undefined ? null : rowOf.get(found.execution);
    // An event of an execution left out is left out with it, rather than
    // drawn on the flow row as if no execution had been running.
    if (row === undefined || marks.length >= limits.maxEventMarks) {
      omittedEvents++;
      return;
    }
    marks.push({
      event: index,
      row,
      left: percent(event.micros),
      running: found?.running ?? 0,
    });
  });

  const tickStepMicros = niceStep(span / TARGET_TICKS);
  const ticks: TimelineTick[] = [];
  // The tolerance keeps a last tick that floating point puts a hair past
  // the end of the run.
  for (let k = 0; k * tickStepMicros <= span * (1 + 1e-9); k++) {
    const offsetMicros = k * tickStepMicros;
    ticks.push({ offsetMicros, left: round3((offsetMicros / span) * 100) });
  }

  return {
    startMicros,
    endMicros,
    rows,
    marks,
    ticks,
    tickStepMicros,
    omittedExecutions: executions.length - drawn.length,
    omittedEvents,
  };
}

/**
 * The run's time span: the first start or event to the last start, end or
 * event; both 0 for a run with no records.
 */
function runBounds(
  executions: readonly LayoutExecution[],
  events: readonly LayoutEvent[],
): { startMicros: number; endMicros: number } {
  let start = Infinity;
  let end = -Infinity;
  const see = (micros: number): void => {
    if (micros < start) start = micros;
    if (micros > end) end = micros;
  };
  for (const execution of executions) {
    see(execution.startMicros);
    if (execution.endMicros !== undefined) see(execution.endMicros);
  }
  for (const event of events) see(event.micros);
  return start <= end
    ? { startMicros: start, endMicros: end }
    : { startMicros: 0, endMicros: 0 };
}

/**
 * Examined at most per event when several executions of its source were
 * running at once: enough for any real fan-out, and a bound on the work
 * when thousands overlap.
 */
const MAX_CANDIDATES = 64;

/** What {@link RunningExecutionFinder.find} found. */
interface FoundExecution {
  /** The index of the execution the event is drawn on. */
  readonly execution: number;
  /** How many executions of the source were running (at most 64 counted). */
  readonly running: number;
}

/**
 * Finds, per routine, the executions whose span contains an instant. A
 * record of an event names only its source routine, not the execution
 * that emitted it; when several were running, the one that ended soonest
 * after the event is taken (the latest started among equals), since
 * emitting its output is commonly the last thing an execution does.
 *
 * Each routine's executions are kept by start time under a max-tree of
 * their ends, so that finding the running ones costs a logarithmic search
 * per candidate, however many short executions ran before and whatever
 * long one is still open.
 */
class RunningExecutionFinder {
  private readonly _byRoutine = new Map<
    string,
    { indices: number[]; starts: number[]; ends: number[]; tree?: MaxTree }
  >();

  constructor(
    executions: readonly LayoutExecution[],
    order: readonly number[],
    endOf: (execution: LayoutExecution) => number,
  ) {
    for (const index of order) {
      const execution = executions[index] as LayoutExecution;
      let entry = this._byRoutine.get(execution.routineId);
      if (entry === undefined) {
        entry = { indices: [], starts: [], ends: [] };
        this._byRoutine.set(execution.routineId, entry);
      }
      entry.indices.push(index);
      entry.starts.push(execution.startMicros);
      entry.ends.push(endOf(execution));
    }
  }

  /** The execution to draw an event on, or `undefined` when none was running. */
  find(routineId: string, micros: number): FoundExecution | undefined {
    const entry = this._byRoutine.get(routineId);
    if (entry === undefined) return undefined;
    entry.tree ??= new MaxTree(entry.ends);
    // Positions below `bound` started at or before `micros`.
    let low = 0;
    let high = entry.starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((entry.starts[middle] ?? Infinity) <= micros) low = middle + 1;
      else high = middle;
    }
    let bound = low;
    let best = -1;
    let running = 0;
    while (running < MAX_CANDIDATES) {
      const j = entry.tree.rightmostBefore(bound, micros);
      if (j < 0) break;
      running++;
      // Walking from the latest start back, so `<` keeps the latest
      // started among executions that ended at the same time.
      if (best < 0 || (entry.ends[j] ?? 0) < (entry.ends[best] ?? 0)) best = j;
      bound = j;
    }
    const execution = best < 0 ? undefined : entry.indices[best];
    return execution === undefined ? undefined : { execution, running };
  }
}

/** A max segment tree over a fixed list of numbers. */
class MaxTree {
  private readonly _size: number;
  private readonly _tree: Float64Array;

  constructor(values: readonly number[]) {
    let size = 1;
    while (size < values.length) size *= 2;
    this._size = size;
    this._tree = new Float64Array(2 * size).fill(-Infinity);
    values.forEach((value, index) => {
      this._tree[size + index] = value;
    });
    for (let node = size - 1; node >= 1; node--) {
      this._tree[node] = Math.max(
        this._tree[2 * node] ?? -Infinity,
        this._tree[2 * node + 1] ?? -Infinity,
      );
    }
  }

  /** The largest index below `bound` whose value is at least `threshold`, or -1. */
  rightmostBefore(bound: number, threshold: number): number {
    return this._search(1, 0, this._size, bound, threshold);
  }

  private _search(
    node: number,
    low: number,
    high: number,
    bound: number,
    threshold: number,
  ): number {
    if (low >= bound || (this._tree[node] ?? -Infinity) < threshold) return -1;
    if (high - low === 1) return low;
    const middle = (low + high) >>> 1;
    const right = this._search(2 * node + 1, middle, high, bound, threshold);
    return right >= 0
      ? right
      : this._search(2 * node, low, middle, bound, threshold);
  }
}

/**
 * The tick step nearest above `raw` among 1, 2 and 5 times a power of ten,
 * and at least one microsecond, the records' resolution.
 */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return Math.max(1, nice * power);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

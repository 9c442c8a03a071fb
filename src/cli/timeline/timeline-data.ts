import { toJsonValue } from '../../format/json-value.js';
import { parseTimestamp } from '../../format/timestamps.js';
import { OnceLogger } from '../../internal/diag.js';
import { cutString } from '../../internal/values.js';
import type { EventRecord, ExecutionRecord } from '../../records.js';
import { KeyRedactor, REDACTED } from '../../spans/redaction.js';
import type { ExecutionTracker } from '../../tracker/execution-tracker.js';
import type {
  LayoutEvent,
  LayoutExecution,
  TimelineLayout,
} from './timeline-layout.js';

/**
 * Params, results, errors and event data are shown cut to this many
 * characters: enough to read a record, while a run of thousands of rows
 * with large payloads still makes a page a browser opens.
 */
export const DETAIL_MAX_CHARS = 1000;

/** Values copied at most per shown value, before it is cut to text. */
const DETAIL_MAX_VALUES = 2000;

/** One execution of the run, with what the page needs to show it. */
export interface RunExecution extends LayoutExecution {
  /** Its position among its routine's retained executions, from 1. */
  readonly ordinal: number;
  /** The record, as the tracker's reader gives it. */
  readonly record: ExecutionRecord;
}

/** One event of the run. */
export interface RunEvent extends LayoutEvent {
  /** The record, as the tracker's reader gives it. */
  readonly record: EventRecord;
}

/** The retained records of a run, with their times parsed. */
export interface RunRecords {
  /** Every retained execution, routine by routine, in start order. */
  readonly executions: readonly RunExecution[];
  /** Every retained event, in the order recorded. */
  readonly events: readonly RunEvent[];
}

/**
 * The retained records of `tracker`, read through its public readers, with
 * times in epoch microseconds. A record whose time does not parse (which
 * the tracker's own formatting never produces) is left out with a warning.
 */
export function collectRun(tracker: ExecutionTracker): RunRecords {
  const once = new OnceLogger();
  const executions: RunExecution[] = [];
  for (const [routineId, records] of tracker.routineExecutions) {
    records.forEach((record, index) => {
      const startMicros = parseTimestamp(record.start_time);
      const endMicros =
        record.end_time === undefined
          ? undefined
          : parseTimestamp(record.end_time);
      if (
        startMicros === undefined ||
        (record.end_time !== undefined && endMicros === undefined)
      ) {
        once.warn(
          'execution-time',
          'timeline: left out an execution whose times do not parse',
        );
        return;
      }
      executions.push({
        routineId,
        startMicros,
        endMicros,
        status: record.status,
        ordinal: index + 1,
        record,
      });
    });
  }

  const events: RunEvent[] = [];
  for (const record of tracker.eventFlow) {
    const micros = parseTimestamp(record.timestamp);
    if (micros === undefined) {
      once.warn(
        'event-time',
        'timeline: left out an event whose time does not parse',
      );
      continue;
    }
    events.push({ micros, sourceRoutineId: record.source_routine_id, record });
  }
  return { executions, events };
}

/**
 * `text` cut to `max` characters, with a note of how much was cut, and
 * never half a surrogate pair.
 *
 * @example
 * cutText('x'.repeat(5000), 1000); // 1000 x's, then '… (4000 more characters)'
 */
export function cutText(text: string, max = DETAIL_MAX_CHARS): string {
  if (text.length <= max) return text;
  const kept = cutString(text, max);
  return `${kept}… (${text.length - kept.length} more characters)`;
}

/**
 * Which keys are secret in the page: the same default list as the spans'.
 * A dump holds params as the engine passed them, secrets included; a page
 * is made to be shared.
 */
const SECRET_KEYS = new KeyRedactor();

/**
 * A value as indented JSON for the details of a bar or mark, cut to
 * {@link DETAIL_MAX_CHARS}. Whatever JSON cannot hold is converted as
 * `serialize` converts it, values under secret-looking keys are shown as
 * `[REDACTED]`, as in the spans, and the work is bounded however large or
 * tangled the value is.
 */
export function detailJson(value: unknown): string {
  const json = JSON.stringify(
    toJsonValue(value, {
      maxValues: DETAIL_MAX_VALUES,
      maxStringLength: DETAIL_MAX_CHARS,
      isSecret: (key) => SECRET_KEYS.isSecret(key),
      replacement: REDACTED,
    }),
    null,
    2,
  ) as string | undefined;
  return cutText(json ?? 'null');
}

/**
 * The details of one drawn execution, as the page's script reads them:
 * text already cut to length, values already written as JSON.
 */
export interface ExecutionDetails {
  /** The routine's id. */
  readonly routine: string;
  /** Its position among the routine's executions, from 1. */
  readonly ordinal: number;
  /** Its status, as recorded. */
  readonly status: string;
  /** When it started, ISO-8601. */
  readonly start: string;
  /** When it ended, ISO-8601, or `null` when no end was recorded. */
  readonly end: string | null;
  /** Microseconds from the start of the run. */
  readonly offset: number;
  /**
   * Seconds; for an execution with no end, how long it had run by the end
   * of the run.
   */
  readonly duration: number;
  /** True when no end was recorded. */
  readonly incomplete: boolean;
  /** The params as indented JSON. */
  readonly params: string;
  /** The result as indented JSON, or `null` when none was recorded. */
  readonly result: string | null;
  /** The error message, or `null` when none was recorded. */
  readonly error: string | null;
}

/** The details of one drawn event, as the page's script reads them. */
export interface EventDetails {
  /** The event's name. */
  readonly name: string;
  /** The routine that emitted it. */
  readonly source: string;
  /** The routine it was sent to, or `null`. */
  readonly target: string | null;
  /** When it was emitted, ISO-8601. */
  readonly time: string;
  /** Microseconds from the start of the run. */
  readonly offset: number;
  /** The execution it is drawn on, as `routine #n`, or `null` for the flow row. */
  readonly on: string | null;
  /** How many executions of its source were running when it was emitted. */
  readonly running: number;
  /** Its data as indented JSON. */
  readonly data: string;
}

/** Everything the page's script reads: the details behind every bar and mark. */
export interface TimelinePayload {
  /** By row, in drawing order: `data-x` of a bar indexes this. */
  readonly executions: readonly ExecutionDetails[];
  /** By mark, in drawing order: `data-e` of a mark indexes this. */
  readonly events: readonly EventDetails[];
}

/** The details of what `layout` draws of `run`. */
export function buildPayload(
  run: RunRecords,
  layout: TimelineLayout,
): TimelinePayload {
  const label = (execution: RunExecution): string =>
    `${cutText(execution.routineId)} #${execution.ordinal}`;
  const executions = layout.rows.map((row): ExecutionDetails => {
    const execution = run.executions[row.execution] as RunExecution;
    const { record } = execution;
    return {
      routine: cutText(execution.routineId),
      ordinal: execution.ordinal,
      status: cutText(record.status),
      start: record.start_time,
      end: record.end_time ?? null,
      offset: execution.startMicros - layout.startMicros,
      duration:
        record.execution_time ??
        (row.drawnEndMicros - execution.startMicros) / 1e6,
      incomplete: row.incomplete,
      params: detailJson(record.params),
      result: record.result === undefined ? null : detailJson(record.result),
      error: record.error === undefined ? null : cutText(record.error),
    };
  });
  const events = layout.marks.map((mark): EventDetails => {
    const event = run.events[mark.event] as RunEvent;
    const row = mark.row === null ? undefined : layout.rows[mark.row];
    const on =
      row === undefined
        ? null
        : label(run.executions[row.execution] as RunExecution);
    return {
      name: cutText(event.record.event_name),
      source: cutText(event.record.source_routine_id),
      target:
        event.record.target_routine_id === null
          ? null
          : cutText(event.record.target_routine_id),
      time: event.record.timestamp,
      offset: event.micros - layout.startMicros,
      on,
      running: mark.running,
      data: detailJson(event.record.data),
    };
  });
  return { executions, events };
}

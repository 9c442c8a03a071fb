import { TrackerFormatError } from '../errors.js';
import { errorMessage, isPlainRecord } from '../internal/values.js';
import {
  PlainExecution,
  StoredEvent,
  type StoredExecution,
} from '../mirror/stored.js';
import { parseTimestamp } from './timestamps.js';

const MAX_SECONDS = 1e9;

/** A serialized tracker, checked field by field and in the mirror's form. */
export interface ParsedTracker {
  readonly flowId: string;
  /** Records by routine id, in the order the dump lists them. */
  readonly routines: readonly (readonly [string, StoredExecution[]])[];
  readonly events: readonly StoredEvent[];
  /**
   * Execution and event records the writer said it had dropped (its
   * `performance_metrics`), which the recomputed figures cannot include.
   */
  readonly dropped: { readonly executions: number; readonly events: number };
}

/**
 * Reads a serialized tracker written by this library or by routilux.
 * `performance_metrics` is not read: the figures are recomputed from the
 * records. Throws {@link TrackerFormatError} at the first bad field.
 */
export function parseSerializedTracker(data: unknown): ParsedTracker {
  try {
    return parseTop(data);
  } catch (error) {
    if (error instanceof TrackerFormatError) throw error;
    // Not JSON data at all: a getter that throws, a revoked Proxy.
    throw new TrackerFormatError(
      '',
      'plain JSON data',
      `a value that cannot be read (${errorMessage(error) ?? 'unknown error'})`,
    );
  }
}

function parseTop(data: unknown): ParsedTracker {
  const top = expectRecord(data, '');
  if (top._type !== undefined && top._type !== 'ExecutionTracker') {
    throw new TrackerFormatError('_type', '"ExecutionTracker"', top._type);
  }
  const flowId = expectString(top.flow_id, 'flow_id');

  const executions = expectRecord(top.routine_executions, 'routine_executions');
  let seq = 0;
  const routines: (readonly [string, StoredExecution[]])[] = [];
  for (const routineId of Object.keys(executions)) {
    const path = `routine_executions${keyPath(routineId)}`;
    const list = expectArray(executions[routineId], path);
    const records = parseList(list, path, (item, itemPath) =>
      parseExecution(item, itemPath, seq++, routineId),
    );
    routines.push([routineId, records]);
  }

  const eventList = expectArray(top.event_flow, 'event_flow');
  const events = parseList(eventList, 'event_flow', parseEvent);
  return { flowId, routines, events, dropped: droppedRecords(top) };
}

/**
 * Parses every element of a list in order. A hole is an element that is
 * not there, reported at its index: `map` would skip it, and would visit
 * every index of a sparse list of length 2^32 - 1 before reporting nothing.
 */
function parseList<T>(
  list: readonly unknown[],
  path: string,
  parse: (item: unknown, itemPath: string) => T,
): T[] {
  const parsed: T[] = [];
  for (let index = 0; index < list.length; index++) {
    parsed.push(parse(list[index], `${path}[${index}]`));
  }
  return parsed;
}

/** What a dump's own metrics say was dropped; 0 when they say nothing. */
function droppedRecords(top: Record<string, unknown>): {
  executions: number;
  events: number;
} {
  const metrics = top.performance_metrics;
  const count = (key: string): number => {
    if (!isPlainRecord(metrics)) return 0;
    const value = metrics[key];
    // A count, or nothing: the figures are the dump's word, not checked.
    return typeof value === 'number' && Number.isSafeInteger(value) && value > 0
      ? value
      : 0;
  };
  return {
    executions: count('dropped_executions'),
    events: count('dropped_events'),
  };
}

function parseExecution(
  data: unknown,
  path: string,
  seq: number,
  listRoutineId: string,
): StoredExecution {
  const record = expectRecord(data, path);
  expectString(record.routine_id, `${path}.routine_id`);
  const start = expectTimestamp(record.start_time, `${path}.start_time`);
  const params = optionalRecord(record.params, `${path}.params`);
  const status = expectString(record.status, `${path}.status`);

  // The list's key is the routine the record is counted and ended under;
  // a record that names another routine is filed under its list's.
  const execution = new PlainExecution(seq, listRoutineId, start, params);
  execution.status = status;
  if (record.end_time !== undefined && record.end_time !== null) {
    execution.endMicros = expectTimestamp(record.end_time, `${path}.end_time`);
  }
  if (record.result !== undefined && record.result !== null) {
    execution.result = record.result;
  }
  if (record.error !== undefined && record.error !== null) {
    execution.error = expectString(record.error, `${path}.error`);
  }
  if (record.execution_time !== undefined && record.execution_time !== null) {
    const time = record.execution_time;
    // Past a billion seconds (32 years) a duration is no run's; sums of
    // such values would overflow the figures.
    if (typeof time !== 'number' || !(time >= 0 && time <= MAX_SECONDS)) {
      throw new TrackerFormatError(
        `${path}.execution_time`,
        'a number of seconds from 0 to 1e9',
        time,
      );
    }
    execution.executionTime = time;
  }
  return execution;
}

function parseEvent(data: unknown, path: string): StoredEvent {
  const event = expectRecord(data, path);
  const micros = expectTimestamp(event.timestamp, `${path}.timestamp`);
  const source = expectString(
    event.source_routine_id,
    `${path}.source_routine_id`,
  );
  const name = expectString(event.event_name, `${path}.event_name`);
  const target =
    event.target_routine_id === undefined || event.target_routine_id === null
      ? null
      : expectString(event.target_routine_id, `${path}.target_routine_id`);
  const payload = optionalRecord(event.data, `${path}.data`);
  return new StoredEvent(micros, source, name, target, payload);
}

function expectRecord(value: unknown, path: string): Record<string, unknown> {
  if (!isPlainRecord(value))
    throw new TrackerFormatError(path, 'an object', value);
  return value;
}

function optionalRecord(value: unknown, path: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  return expectRecord(value, path);
}

function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value))
    throw new TrackerFormatError(path, 'an array', value);
  return value;
}

function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') {
    throw new TrackerFormatError(path, 'a string', value);
  }
  return value;
}

function expectTimestamp(value: unknown, path: string): number {
  const micros = typeof value === 'string' ? parseTimestamp(value) : undefined;
  if (micros === undefined) {
    throw new TrackerFormatError(path, 'an ISO-8601 timestamp string', value);
  }
  return micros;
}

/** `.name` for plain identifiers, `["odd key"]` for anything else. */
function keyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key)
    ? `.${key}`
    : `[${JSON.stringify(key)}]`;
}

import type { StoredEvent, StoredExecution } from '../mirror/stored.js';
import type { EventRecord, ExecutionRecord } from '../records.js';
import { formatTimestamp } from './timestamps.js';

/** How record values are copied out: for a reader, or for JSON. */
export type ValueCopier = (value: unknown) => unknown;

/**
 * The public form of a stored execution, with routilux's field order:
 * `routine_id, start_time, params, status`, then what the end added.
 */
export function toExecutionRecord(
  stored: StoredExecution,
  copyValue: ValueCopier,
): ExecutionRecord {
  const record: ExecutionRecord = {
    routine_id: stored.routineId,
    start_time: formatTimestamp(stored.startMicros),
    params: copyValue(stored.params) as Record<string, unknown>,
    status: stored.status,
  };
  if (stored.endMicros !== undefined) {
    record.end_time = formatTimestamp(stored.endMicros);
  }
  if (stored.result !== undefined) {
    // A result whose copy is null (NaN or an invalid Date, written as JSON)
    // is no result, as a null one is: left out, so that a dump loaded and
    // written again is the same dump.
    const result = copyValue(stored.result);
    if (result !== null) record.result = result;
  }
  if (stored.error !== undefined) record.error = stored.error;
  if (stored.executionTime !== undefined) {
    record.execution_time = stored.executionTime;
  }
  return record;
}

/** The public form of a stored event. */
export function toEventRecord(
  stored: StoredEvent,
  copyValue: ValueCopier,
): EventRecord {
  return {
    timestamp: formatTimestamp(stored.micros),
    source_routine_id: stored.sourceRoutineId,
    event_name: stored.eventName,
    target_routine_id: stored.targetRoutineId,
    data: copyValue(stored.data) as Record<string, unknown>,
  };
}

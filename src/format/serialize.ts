import { setOwn } from '../internal/values.js';
import type { Mirror } from '../mirror/mirror.js';
import type { StoredExecution } from '../mirror/stored.js';
import type { ExecutionRecord, SerializedTracker } from '../records.js';
import { toJsonValue } from './json-value.js';
import { toEventRecord, toExecutionRecord } from './records.js';

/**
 * The mirror as routilux's serialization format, JSON-ready whatever the
 * engine put in params, results and event data.
 */
export function serializeMirror<R extends StoredExecution>(
  mirror: Mirror<R>,
): SerializedTracker {
  const routineExecutions: Record<string, ExecutionRecord[]> = {};
  for (const routineId of mirror.routineIds()) {
    const records = mirror
      .retainedExecutions(routineId)
      .map((stored) => toExecutionRecord(stored, toJsonValue));
    setOwn(routineExecutions, routineId, records);
  }

  return {
    _type: 'ExecutionTracker',
    flow_id: mirror.flowId,
    routine_executions: routineExecutions,
    event_flow: mirror
      .retainedEvents()
      .map((stored) => toEventRecord(stored, toJsonValue)),
    performance_metrics: toJsonValue(
      mirror.performanceMetrics(),
    ) as SerializedTracker['performance_metrics'],
  };
}

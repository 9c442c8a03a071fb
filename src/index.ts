export { ExecutionTracker } from './tracker/execution-tracker.js';
export type { ExecutionHandle } from './tracker/execution-handle.js';
export {
  DEFAULT_MAX_ATTRIBUTE_LENGTH,
  DEFAULT_MAX_EVENTS,
  DEFAULT_MAX_EXECUTIONS_PER_ROUTINE,
  type ExecutionTrackerOptions,
} from './tracker/options.js';
export { TrackerFormatError } from './errors.js';
export {
  replayTracker,
  type ReplayOptions,
  type ReplaySummary,
} from './replay/replay-tracker.js';
export type {
  Bottleneck,
  EventRecord,
  ExecutionRecord,
  ExecutionStatus,
  FlowPerformance,
  PerformanceMetrics,
  RoutinePerformance,
  SerializedTracker,
} from './records.js';
export {
  ATTR_DROPPED_COUNT,
  ATTR_EVENT_DATA,
  ATTR_EVENT_SOURCE,
  ATTR_EVENT_TARGET,
  ATTR_FLOW_ID,
  ATTR_ROUTINE_ID,
  ATTR_ROUTINE_INCOMPLETE,
  ATTR_ROUTINE_PARAMS,
  ATTR_ROUTINE_RESULT,
  ATTR_ROUTINE_STATUS,
  ATTR_TRUNCATED_COUNT,
} from './spans/attribute-names.js';
export { REDACTED } from './spans/redaction.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

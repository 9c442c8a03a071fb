/**
 * The record and metric types. Their field names are snake_case because
 * they are a wire format shared with routilux's Python `ExecutionTracker`:
 * a dump written by either side loads on the other.
 */

/**
 * The status of one execution. `running` until the execution ends; the
 * other names are the ones flow engines commonly use, and any other string
 * is kept as given.
 */
export type ExecutionStatus =
  | 'running'
  | 'completed'
  | 'failed'
  | 'skipped'
  | 'error_continued'
  | (string & Record<never, never>);

/** One execution of a routine, as recorded by the mirror. */
export interface ExecutionRecord {
  /** The routine that ran. */
  routine_id: string;
  /** When it started: ISO-8601, UTC with an explicit offset. */
  start_time: string;
  /** The parameters it was started with (`{}` when none were given). */
  params: Record<string, unknown>;
  /** `running` until the execution ends. */
  status: ExecutionStatus;
  /** When it ended; absent while running. */
  end_time?: string;
  /** What it returned, when the engine passed a result. */
  result?: unknown;
  /** The error message, when the engine passed an error. */
  error?: string;
  /** Its duration in seconds, from a monotonic clock; absent while running. */
  execution_time?: number;
}

/** One event emitted by a routine. */
export interface EventRecord {
  /** When it was emitted: ISO-8601, UTC with an explicit offset. */
  timestamp: string;
  /** The routine that emitted it. */
  source_routine_id: string;
  /** The event's name, such as `output`. */
  event_name: string;
  /** The routine it was sent to, or `null` when unknown or unconnected. */
  target_routine_id: string | null;
  /** The data sent with it (`{}` when none). */
  data: Record<string, unknown>;
}

/** Figures for one routine over the whole run, dropped records included. */
export interface RoutinePerformance {
  /** Executions started, running ones included. */
  total_executions: number;
  /** Executions that ended with status `completed`. */
  completed: number;
  /** Executions that ended with status `failed`. */
  failed: number;
  /** `completed / total_executions`. */
  success_rate: number;
  /** Mean duration in seconds of the executions that ended (0 when none). */
  avg_execution_time: number;
  /** Shortest duration in seconds (0 when none ended). */
  min_execution_time: number;
  /** Longest duration in seconds (0 when none ended). */
  max_execution_time: number;
  /** Sum of the durations in seconds of the executions that ended. */
  total_execution_time: number;
  /** Median duration in seconds, within 0.8% relative error past 64 durations. */
  p50_execution_time: number;
  /** 95th percentile duration in seconds, within 0.8% relative error past 64 durations. */
  p95_execution_time: number;
  /** 99th percentile duration in seconds, within 0.8% relative error past 64 durations. */
  p99_execution_time: number;
}

/** Figures for the whole flow run. */
export interface FlowPerformance {
  /** Routines with at least one recorded execution. */
  total_routines: number;
  /** Events recorded, dropped ones included. */
  total_events: number;
  /** Sum of the durations in seconds of every execution that ended. */
  total_execution_time: number;
  /** `total_execution_time / total_routines` (0 when there are none). */
  avg_routine_time: number;
}

/** A routine's share of the flow's total execution time. */
export interface Bottleneck {
  /** The routine. */
  routine_id: string;
  /** Its total execution time in seconds. */
  total_execution_time: number;
  /** Its share of the flow's total execution time, from 0 to 1. */
  share: number;
}

/** Everything the mirror knows about a run, in one object. */
export interface PerformanceMetrics extends FlowPerformance {
  /** The flow run's id. */
  flow_id: string;
  /** Executions started, over all routines, running ones included. */
  total_executions: number;
  /** Executions that have ended. */
  finished_executions: number;
  /** Executions still running. */
  running_executions: number;
  /** Executions per status; `running` counts the ones not yet ended. */
  status_counts: Record<string, number>;
  /**
   * Seconds from the first start to the last end (0 until an execution
   * ends).
   */
  wall_time: number;
  /** Finished executions per second of `wall_time` (0 when it is 0). */
  throughput: number;
  /** The figures of every routine, by routine id. */
  routines: Record<string, RoutinePerformance>;
  /** Routines ranked by their share of total execution time, largest first. */
  bottlenecks: Bottleneck[];
  /** Execution records dropped by the per-routine bound. */
  dropped_executions: number;
  /** Event records dropped by the event bound. */
  dropped_events: number;
}

/** A tracker as plain JSON-ready data, in routilux's serialization format. */
export interface SerializedTracker {
  /** Always `ExecutionTracker`. */
  _type: 'ExecutionTracker';
  /** The flow run's id. */
  flow_id: string;
  /** The retained execution records, by routine id, in start order. */
  routine_executions: Record<string, ExecutionRecord[]>;
  /** The retained events, in the order they were recorded. */
  event_flow: EventRecord[];
  /** The metrics at the time of serialization; recomputed when loaded. */
  performance_metrics: PerformanceMetrics | Record<string, never>;
}

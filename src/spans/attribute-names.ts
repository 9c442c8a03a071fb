/**
 * The attribute names the tracker writes on spans and span events. They
 * are part of the public surface: dashboards and queries are built on them.
 */

/** The flow run's id, on every span the tracker starts. */
export const ATTR_FLOW_ID = 'flow.id';
/** The routine's id, on every routine span. */
export const ATTR_ROUTINE_ID = 'flow.routine.id';
/** The status the execution ended with. */
export const ATTR_ROUTINE_STATUS = 'flow.routine.status';
/** Prefix of the captured parameters: `flow.routine.params.<key>`. */
export const ATTR_ROUTINE_PARAMS = 'flow.routine.params';
/** The captured result, or the prefix of its keys when it is an object. */
export const ATTR_ROUTINE_RESULT = 'flow.routine.result';
/**
 * `true` on a span that the tracker ended because the flow run ended while
 * the execution was still running.
 */
export const ATTR_ROUTINE_INCOMPLETE = 'flow.routine.incomplete';
/** On a span event: the routine that emitted it. */
export const ATTR_EVENT_SOURCE = 'flow.event.source';
/** On a span event: the routine it was sent to, when known. */
export const ATTR_EVENT_TARGET = 'flow.event.target';
/** Prefix of the captured event data: `flow.event.data.<key>`. */
export const ATTR_EVENT_DATA = 'flow.event.data';
/** How many captured strings or arrays were cut to the length limit. */
export const ATTR_TRUNCATED_COUNT = 'flow.attributes.truncated';
/** How many captured values could not become attributes and were left out. */
export const ATTR_DROPPED_COUNT = 'flow.attributes.dropped';

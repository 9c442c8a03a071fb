/**
 * Routines: what a flow is made of. A routine receives data on named input
 * slots, runs a handler per delivery and emits named output events.
 */
import type { ErrorPolicy } from './errors.js';

/**
 * The event every routine has without declaring it: with the `'continue'`
 * policy (or a retry that then continues), a failed delivery is emitted on
 * it, so that another routine can account for the failure.
 */
export const ERROR_EVENT = 'error';

/** The name of {@link ERROR_EVENT}. */
export type ErrorEvent = typeof ERROR_EVENT;

/** Where a delivery came from: the routine that emitted it, and the event. */
export interface EventSource {
  /** The emitting routine. */
  readonly routineId: string;
  /** The event it emitted. */
  readonly event: string;
}

/** One piece of data arriving on a slot: what a handler receives. */
export interface Delivery<S extends string = string> {
  /** The slot it arrived on. */
  readonly slot: S;
  /**
   * The data as emitted, not copied. The runtime does not check its shape:
   * what a slot receives is settled by how the flow is connected.
   */
  readonly data: unknown;
  /** The emitter, or `null` for the trigger of the run. */
  readonly source: EventSource | null;
}

/** The data of an {@link ERROR_EVENT}: the failure and the input it failed on. */
export interface ErrorEventData {
  /** The routine whose handler failed. */
  readonly routineId: string;
  /** The slot of the failed delivery. */
  readonly slot: string;
  /** The attempt that failed last, from 1. */
  readonly attempt: number;
  /** The error's message. */
  readonly message: string;
  /** What the handler threw. */
  readonly error: unknown;
  /** The data of the failed delivery. */
  readonly input: unknown;
}

/**
 * What a handler returns to end its execution as `skipped` rather than
 * `completed`: `return context.skip('nothing to do')`.
 */
export class Skip {
  /** @param reason why the execution was skipped, recorded as its result */
  constructor(readonly reason: string | undefined) {}
}

/**
 * What a handler can do besides returning: emit, skip, notice a stop. The
 * functions are bound, so handlers may destructure them.
 */
export interface HandlerContext<E extends string = string> {
  /** The routine being run. */
  readonly routineId: string;
  /** This attempt, from 1; above 1 only under a retry policy. */
  readonly attempt: number;
  /**
   * Aborted when the flow stops, so that long handlers can give up early;
   * the runtime cannot cancel a handler that ignores it.
   */
  readonly signal: AbortSignal;
  /**
   * Emits `data` on `event`: recorded once per connected slot (or once,
   * with no target, when nothing is connected) and delivered to every
   * connected slot. Deliveries start after `emit` returns, never inside it.
   * @throws FlowDefinitionError for an event the routine does not declare,
   *   or when the handler has already settled
   */
  readonly emit: (event: E, data?: unknown) => void;
  /**
   * Builds the value to return to end this execution as `skipped`.
   * @param reason recorded as the execution's result
   */
  readonly skip: (reason?: string) => Skip;
}

/**
 * Runs one delivery. What it returns (or resolves to) is recorded as the
 * execution's result; what it throws (or rejects with) is handled by the
 * routine's error policy.
 */
export type Handler<S extends string, E extends string> = (
  delivery: Delivery<S>,
  context: HandlerContext<E>,
) => unknown;

/** The definition of a routine, as given to `Flow.add`. */
export interface RoutineSpec<S extends string, E extends string> {
  /** The routine's id, unique in its flow: the spans and records use it. */
  readonly id: string;
  /** Its input slots; at least one. */
  readonly slots: readonly S[];
  /** Its output events, besides the implicit {@link ERROR_EVENT}. */
  readonly events?: readonly E[];
  /** Runs once per delivery; may be async. */
  readonly handler: Handler<S, E>;
  /** What a failure does. Default `'stop'`. */
  readonly errorPolicy?: ErrorPolicy;
  /**
   * How many executions of this routine may run at once. Default
   * `Infinity`; deliveries beyond it wait their turn.
   */
  readonly concurrency?: number;
  /**
   * The params to record for a delivery, besides `slot` and `attempt`.
   * Default `{ data }`; give this to keep large inputs out of the trace.
   */
  readonly params?: (delivery: Delivery<S>) => Record<string, unknown>;
}

/**
 * A routine added to a flow: the typed handle that `connect` and `run`
 * take. Its type remembers the slot and event names, so that connecting a
 * name the routine does not have is a type error.
 */
export interface Routine<S extends string = string, E extends string = string> {
  /** The routine's id. */
  readonly id: string;
  /** The flow it belongs to. */
  readonly flowId: string;
  /** Its input slots. */
  readonly slots: readonly S[];
  /** Its output events, {@link ERROR_EVENT} included. */
  readonly events: readonly E[];
}

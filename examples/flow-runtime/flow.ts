/**
 * A flow: routines and the connections between them. Defining a flow runs
 * nothing; `run` starts one run of it, with its own tracker.
 */
import { ExecutionTracker } from '../../src/index.js';
import {
  FlowDefinitionError,
  resolvePolicy,
  type ResolvedPolicy,
} from './errors.js';
import {
  ERROR_EVENT,
  type Delivery,
  type ErrorEvent,
  type Handler,
  type Routine,
  type RoutineSpec,
} from './routine.js';
import { FlowRun, type FlowOutcome } from './run.js';

/** Options of a {@link Flow}. */
export interface FlowOptions {
  /**
   * How many handlers of the whole flow may run at once, over all its
   * routines. Default `Infinity`.
   */
  readonly maxConcurrency?: number;
}

/** Options of one {@link Flow.run}. */
export interface RunOptions<S extends string = string> {
  /**
   * The tracker of this run (one tracker is one run is one trace).
   * Default: a new `ExecutionTracker` named after the flow. The run ends
   * it when the flow has settled; its records stay readable.
   */
  readonly tracker?: ExecutionTracker;
  /** The entry routine's slot that receives the trigger. Default its first. */
  readonly slot?: S;
}

/** A routine as the runtime keeps it: the definition, checked. */
export interface RoutineEntry {
  /** The handle given out by `add`. */
  readonly routine: Routine;
  /** The handler, widened: the runtime only delivers declared slots. */
  readonly handler: Handler<string, string>;
  /** Picks the params to record, if the definition gave a picker. */
  readonly params:
    ((delivery: Delivery) => Record<string, unknown>) | undefined;
  /** The error policy with its defaults. */
  readonly policy: ResolvedPolicy;
  /** How many executions of the routine may run at once. */
  readonly concurrency: number;
}

/** One end of a connection: a routine's slot. */
export interface Target {
  /** The receiving routine. */
  readonly routine: RoutineEntry;
  /** The slot it receives on. */
  readonly slot: string;
}

/** What a run needs to know of its flow. */
export interface FlowGraph {
  /** The flow's id; the default tracker's flow id. */
  readonly id: string;
  /** The flow-wide bound on running handlers. */
  readonly maxConcurrency: number;
  /** The slots connected to a routine's event, in the order connected. */
  targets(routineId: string, event: string): readonly Target[];
}

/**
 * An event-driven flow: routines with input slots and output events, and
 * connections from events to slots. One event may feed several slots, and
 * one slot may be fed by several events.
 *
 * @example
 * const flow = new Flow('greet');
 * const hello = flow.add({
 *   id: 'hello',
 *   slots: ['name'],
 *   events: ['greeting'],
 *   handler: ({ data }, { emit }) => emit('greeting', { text: `hi ${String(data)}` }),
 * });
 * const print = flow.add({ id: 'print', slots: ['text'], handler: ({ data }) => data });
 * flow.connect(hello, 'greeting', print, 'text');
 * const outcome = await flow.run(hello, 'Ada');
 */
export class Flow implements FlowGraph {
  /** The flow's id. */
  readonly id: string;
  /** The flow-wide bound on running handlers. */
  readonly maxConcurrency: number;

  readonly #routines = new Map<string, RoutineEntry>();
  // routine id → event → targets, looked up on every emit.
  readonly #connections = new Map<string, Map<string, Target[]>>();

  /**
   * @param id the flow's id
   * @param options see {@link FlowOptions}
   */
  constructor(id: string, options: FlowOptions = {}) {
    this.id = id;
    this.maxConcurrency = checkConcurrency(
      `flow ${id}: maxConcurrency`,
      options.maxConcurrency,
    );
  }

  /**
   * Adds a routine.
   * @returns its handle, for `connect` and `run`
   * @throws FlowDefinitionError for a duplicate id, no slots, an event
   *   named `error`, or a bad policy or concurrency
   */
  add<const S extends string, const E extends string = never>(
    spec: RoutineSpec<S, E>,
  ): Routine<S, E | ErrorEvent> {
    const { id } = spec;
    if (this.#routines.has(id)) {
      throw new FlowDefinitionError(`flow ${this.id}: routine ${id} exists`);
    }
    if (spec.slots.length === 0) {
      throw new FlowDefinitionError(`routine ${id}: declare at least one slot`);
    }
    const events = spec.events ?? [];
    if ((events as readonly string[]).includes(ERROR_EVENT)) {
      throw new FlowDefinitionError(
        `routine ${id}: '${ERROR_EVENT}' is the runtime's own event; do not declare it`,
      );
    }
    const routine: Routine<S, E | ErrorEvent> = Object.freeze({
      id,
      flowId: this.id,
      slots: Object.freeze([...spec.slots]),
      events: Object.freeze<(E | ErrorEvent)[]>([...events, ERROR_EVENT]),
    });
    this.#routines.set(id, {
      routine,
      // Widening the slot type is sound here: deliveries only ever carry
      // one of the routine's declared slots.
      handler: spec.handler as unknown as Handler<string, string>,
      params: spec.params as RoutineEntry['params'],
      policy: resolvePolicy(id, spec.errorPolicy),
      concurrency: checkConcurrency(
        `routine ${id}: concurrency`,
        spec.concurrency,
      ),
    });
    return routine;
  }

  /**
   * Connects `source`'s `event` to `target`'s `slot`. Connecting an event
   * again, to another slot, fans it out.
   * @returns the flow, for chaining
   * @throws FlowDefinitionError for a routine of another flow, or an
   *   unknown event or slot
   */
  connect<E extends string, S extends string>(
    source: Routine<string, E>,
    event: NoInfer<E>,
    target: Routine<S>,
    slot: NoInfer<S>,
  ): this {
    this.#entryOf(source);
    const to = this.#entryOf(target);
    // The types catch misspelt names; these checks catch the casts.
    if (!source.events.includes(event)) {
      throw new FlowDefinitionError(
        `routine ${source.id} has no event ${event}`,
      );
    }
    if (!target.slots.includes(slot)) {
      throw new FlowDefinitionError(`routine ${target.id} has no slot ${slot}`);
    }
    let byEvent = this.#connections.get(source.id);
    if (byEvent === undefined) {
      byEvent = new Map();
      this.#connections.set(source.id, byEvent);
    }
    const targets = byEvent.get(event) ?? [];
    if (
      targets.some((t) => t.routine.routine.id === target.id && t.slot === slot)
    ) {
      throw new FlowDefinitionError(
        `${source.id}.${event} is already connected to ${target.id}.${slot}`,
      );
    }
    byEvent.set(event, [...targets, { routine: to, slot }]);
    return this;
  }

  /** The slots connected to a routine's event, in the order connected. */
  targets(routineId: string, event: string): readonly Target[] {
    return this.#connections.get(routineId)?.get(event) ?? [];
  }

  /**
   * Runs the flow once: delivers `data` to the entry routine and resolves
   * when the whole flow has settled, that is when no handler is running
   * and no delivery is waiting. It never rejects for a handler's failure:
   * the outcome says whether the flow completed or was stopped, and why.
   * @param entry the routine that receives the trigger
   * @param data the trigger's data
   * @param options see {@link RunOptions}
   * @returns the outcome of the run
   * @throws FlowDefinitionError (as a rejection) for a routine of another
   *   flow or an unknown slot
   */
  async run<S extends string>(
    entry: Routine<S>,
    data?: unknown,
    options: RunOptions<NoInfer<S>> = {},
  ): Promise<FlowOutcome> {
    const start = this.#entryOf(entry);
    const slot = options.slot ?? entry.slots[0];
    if (slot === undefined || !entry.slots.includes(slot)) {
      throw new FlowDefinitionError(
        `routine ${entry.id} has no slot ${String(slot)}`,
      );
    }
    const tracker = options.tracker ?? new ExecutionTracker(this.id);
    return new FlowRun(this, tracker).run(start, slot, data);
  }

  #entryOf(routine: Routine): RoutineEntry {
    const entry = this.#routines.get(routine.id);
    // Compare the handle itself: a routine of the same id in another flow
    // would otherwise run this flow's handler.
    if (entry?.routine !== routine) {
      throw new FlowDefinitionError(
        `routine ${routine.id} does not belong to flow ${this.id}`,
      );
    }
    return entry;
  }
}

function checkConcurrency(what: string, value: number | undefined): number {
  if (value === undefined) return Infinity;
  if (value === Infinity || (Number.isInteger(value) && value >= 1)) {
    return value;
  }
  throw new FlowDefinitionError(
    `${what} must be an integer of at least 1 or Infinity, got ${String(value)}`,
  );
}

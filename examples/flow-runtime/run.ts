/**
 * One run of a flow: the queue of deliveries, the concurrency bounds, the
 * error policies, and every call to the tracker, made as a flow engine
 * makes them.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { context, isSpanContextValid, type Context } from '@opentelemetry/api';

import type { ExecutionHandle, ExecutionTracker } from '../../src/index.js';
import {
  FlowDefinitionError,
  messageOf,
  RoutineError,
  type RoutineFailure,
} from './errors.js';
import type { FlowGraph, RoutineEntry } from './flow.js';
import {
  ERROR_EVENT,
  Skip,
  type Delivery,
  type ErrorEventData,
  type EventSource,
  type HandlerContext,
} from './routine.js';

/** What a run reports once the flow has settled. */
export interface FlowOutcome {
  /** `failed` when a failure with the `'stop'` policy stopped the flow. */
  readonly status: 'completed' | 'failed';
  /** The failure that stopped the flow, if one did. */
  readonly error: RoutineError | undefined;
  /** Every failed attempt, in the order they failed. */
  readonly failures: readonly RoutineFailure[];
  /** Executions started, every attempt counted. */
  readonly executions: number;
  /** Deliveries that never started because the flow had stopped. */
  readonly dropped: number;
  /**
   * The run's trace id, from the first execution's span context;
   * undefined when no span was recorded (no SDK, or sampled out).
   */
  readonly traceId: string | undefined;
  /** The run's tracker, ended: read its records and metrics. */
  readonly tracker: ExecutionTracker;
}

/** A delivery waiting for its turn. */
interface Pending {
  readonly routine: RoutineEntry;
  readonly slot: string;
  readonly data: unknown;
  readonly source: EventSource | null;
  /**
   * The context to start the execution in: the emitting execution's, or
   * the caller's for the trigger. Starting in it makes the emitter the
   * span parent exactly; the tracker's fallback (the latest emitter to
   * this routine) can name the wrong one when executions overlap.
   */
  readonly parent: Context;
}

/** How one attempt ended. */
type AttemptResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly error: unknown;
      readonly execution: ExecutionHandle;
      readonly emitFrom: (event: string, data: unknown) => void;
    };

/** One run of a flow; `Flow.run` makes one per call. */
export class FlowRun {
  readonly #graph: FlowGraph;
  readonly #tracker: ExecutionTracker;
  readonly #queue: Pending[] = [];
  readonly #runningOf = new Map<RoutineEntry, number>();
  readonly #abort = new AbortController();
  readonly #failures: RoutineFailure[] = [];
  #running = 0;
  #executions = 0;
  #dropped = 0;
  #pumpScheduled = false;
  #stopError: RoutineError | undefined;
  #traceId: string | undefined;
  #settle: () => void = () => undefined;
  readonly #settled = new Promise<void>((resolve) => {
    this.#settle = resolve;
  });

  /**
   * @param graph the flow's routines and connections
   * @param tracker this run's tracker
   */
  constructor(graph: FlowGraph, tracker: ExecutionTracker) {
    this.#graph = graph;
    this.#tracker = tracker;
  }

  /**
   * Delivers the trigger and resolves once the flow has settled.
   * @param entry the routine that receives the trigger
   * @param slot its slot
   * @param data the trigger's data
   */
  async run(
    entry: RoutineEntry,
    slot: string,
    data: unknown,
  ): Promise<FlowOutcome> {
    this.#queue.push({
      routine: entry,
      slot,
      data,
      source: null,
      // The caller's context, so that a flow run from inside a span (an
      // HTTP request, say) becomes part of that trace.
      parent: context.active(),
    });
    this.#schedulePump();
    await this.#settled;
    // One tracker is one run: ending it ends the root span, so the trace
    // is complete once the flow has settled.
    this.#tracker.end();
    return {
      status: this.#stopError === undefined ? 'completed' : 'failed',
      error: this.#stopError,
      failures: [...this.#failures],
      executions: this.#executions,
      dropped: this.#dropped,
      traceId: this.#traceId,
      tracker: this.#tracker,
    };
  }

  // A method, not a getter: the answer changes across every await.
  #stopped(): boolean {
    return this.#stopError !== undefined;
  }

  /**
   * Starts waiting deliveries on a later microtask rather than right away,
   * so that an emit never runs downstream handlers inside the emitter's
   * call (no re-entrancy, no stack growing along a chain of routines).
   */
  #schedulePump(): void {
    if (this.#pumpScheduled) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  /** Starts every waiting delivery the bounds allow, oldest first. */
  #pump(): void {
    if (this.#stopped()) this.#dropQueue();
    let index = 0;
    while (
      index < this.#queue.length &&
      this.#running < this.#graph.maxConcurrency
    ) {
      const item = this.#queue[index] as Pending;
      if ((this.#runningOf.get(item.routine) ?? 0) < item.routine.concurrency) {
        this.#queue.splice(index, 1);
        this.#launch(item);
      } else {
        // This routine is at its bound; a later delivery to another
        // routine may still start.
        index++;
      }
    }
    if (this.#running === 0 && this.#queue.length === 0) this.#settle();
  }

  #launch(item: Pending): void {
    this.#running++;
    this.#runningOf.set(
      item.routine,
      (this.#runningOf.get(item.routine) ?? 0) + 1,
    );
    const done = (): void => {
      this.#running--;
      this.#runningOf.set(
        item.routine,
        (this.#runningOf.get(item.routine) ?? 1) - 1,
      );
      this.#pump();
    };
    this.#deliver(item).then(done, (bug: unknown) => {
      // #deliver handles every handler failure; anything reaching here is
      // a fault of the runtime itself, and must not leave the run hanging.
      this.#stop(new RoutineError(item.routine.routine.id, item.slot, 0, bug));
      done();
    });
  }

  /** Runs one delivery to the end, every attempt its policy allows. */
  async #deliver(item: Pending): Promise<void> {
    const { policy } = item.routine;
    const routineId = item.routine.routine.id;
    for (let attempt = 1; ; attempt++) {
      const result = await this.#attempt(item, attempt);
      if (result.ok) return;
      const { error, execution } = result;
      // The tracker keeps an Error's message, and a string as it is; any
      // other thrown value is recorded by its content.
      const recorded =
        error instanceof Error || typeof error === 'string'
          ? error
          : messageOf(error);

      // A stopped flow starts no new work, retries included.
      if (attempt < policy.attempts && !this.#stopped()) {
        execution.end('failed', undefined, recorded);
        this.#fail(item, attempt, error, 'retried');
        if (policy.delayMs > 0) {
          await sleep(policy.delayMs, undefined, {
            signal: this.#abort.signal,
          }).catch(() => undefined);
        }
        if (this.#stopped()) return;
        continue;
      }

      if (policy.then === 'continue') {
        const data: ErrorEventData = {
          routineId,
          slot: item.slot,
          attempt,
          message: messageOf(error),
          error,
          input: item.data,
        };
        // Emitted before the end, so that the event lands on the span of
        // the execution that failed, while it is still open.
        result.emitFrom(ERROR_EVENT, data);
        execution.end('error_continued', undefined, recorded);
        this.#fail(item, attempt, error, 'continued');
      } else {
        execution.end('failed', undefined, recorded);
        this.#fail(item, attempt, error, 'stopped');
        this.#stop(new RoutineError(routineId, item.slot, attempt, error));
      }
      return;
    }
  }

  /** One attempt: one recorded execution around one handler run. */
  async #attempt(item: Pending, attempt: number): Promise<AttemptResult> {
    const routineId = item.routine.routine.id;
    const delivery: Delivery = {
      slot: item.slot,
      data: item.data,
      source: item.source,
    };
    // A picker that throws fails this attempt like its handler would: the
    // execution is still recorded (with the whole input), so that the
    // failure has a record and goes through the policy.
    let picked: Record<string, unknown> = { data: item.data };
    let pickerError: { readonly error: unknown } | undefined;
    try {
      picked = item.routine.params?.(delivery) ?? picked;
    } catch (error) {
      pickerError = { error };
    }
    // The runtime's own facts last, so that a picker cannot overwrite them.
    const params = { ...picked, slot: item.slot, attempt };

    // The start is recorded inside the emitter's context, and the handler
    // runs inside the execution's own: spans that other instrumentation
    // starts in the handler (fs, http, …) then nest under this execution.
    const { execution, runContext } = context.with(item.parent, () => {
      const started = this.#tracker.recordRoutineStart(routineId, params);
      return { execution: started, runContext: started.context };
    });
    this.#executions++;
    if (
      this.#traceId === undefined &&
      isSpanContextValid(execution.spanContext)
    ) {
      this.#traceId = execution.spanContext.traceId;
    }

    let settled = false;
    const emitFrom = (event: string, data: unknown): void => {
      this.#emit(item, execution, runContext, event, data);
    };
    const handlerContext: HandlerContext = {
      routineId,
      attempt,
      signal: this.#abort.signal,
      emit: (event, data) => {
        // An emit after the end would be recorded on a closed execution
        // and deliver into a flow that may have settled already.
        if (settled) {
          throw new FlowDefinitionError(
            `routine ${routineId} emitted ${event} after its handler settled`,
          );
        }
        if (
          event === ERROR_EVENT ||
          !item.routine.routine.events.includes(event)
        ) {
          throw new FlowDefinitionError(
            `routine ${routineId} cannot emit ${event}: not one of its events`,
          );
        }
        emitFrom(event, data);
      },
      skip: (reason) => new Skip(reason),
    };

    if (pickerError !== undefined) {
      settled = true;
      return { ok: false, error: pickerError.error, execution, emitFrom };
    }
    try {
      const result: unknown = await context.with(runContext, () =>
        item.routine.handler(delivery, handlerContext),
      );
      settled = true;
      if (result instanceof Skip) {
        execution.end(
          'skipped',
          result.reason === undefined ? undefined : { reason: result.reason },
        );
      } else {
        execution.end('completed', result);
      }
      return { ok: true };
    } catch (error) {
      settled = true;
      // The execution stays open: the policy decides its status, and the
      // error event (if any) must still land on its span.
      return { ok: false, error, execution, emitFrom };
    }
  }

  /**
   * Records an emit and queues its deliveries. Each connected slot gets
   * its own event record, naming its target, so that the record says where
   * every piece of data went; an unconnected emit is recorded once, with
   * no target, so that it is not lost from the record either.
   */
  #emit(
    from: Pending,
    execution: ExecutionHandle,
    runContext: Context,
    event: string,
    data: unknown,
  ): void {
    const recorded = eventData(data);
    const targets = this.#graph.targets(from.routine.routine.id, event);
    if (targets.length === 0) {
      execution.recordEvent(event, null, recorded);
      return;
    }
    for (const target of targets) {
      // Through the handle, not tracker.recordEvent: with several
      // executions of the routine running, only the handle knows which
      // one emitted.
      execution.recordEvent(event, target.routine.routine.id, recorded);
      if (this.#stopped()) {
        // Emitted, and recorded as emitted, but a stopped flow starts no
        // new work.
        this.#dropped++;
        continue;
      }
      this.#queue.push({
        routine: target.routine,
        slot: target.slot,
        data,
        source: { routineId: from.routine.routine.id, event },
        parent: runContext,
      });
    }
    this.#schedulePump();
  }

  #fail(
    item: Pending,
    attempt: number,
    error: unknown,
    handling: RoutineFailure['handling'],
  ): void {
    this.#failures.push({
      routineId: item.routine.routine.id,
      slot: item.slot,
      attempt,
      error,
      handling,
    });
  }

  /** Stops the flow: the first error wins; waiting deliveries are dropped. */
  #stop(error: RoutineError): void {
    if (this.#stopped()) return;
    this.#stopError = error;
    this.#dropQueue();
    this.#abort.abort(error);
  }

  #dropQueue(): void {
    this.#dropped += this.#queue.length;
    this.#queue.length = 0;
  }
}

/**
 * The tracker records event data as an object; anything else an emit
 * carries is kept under `value`, the same shape the tracker gives
 * non-object params.
 */
function eventData(data: unknown): Record<string, unknown> {
  if (data === undefined) return {};
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    return data as Record<string, unknown>;
  }
  return { value: data };
}

import {
  context,
  INVALID_SPAN_CONTEXT,
  trace,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';

import { toExecutionRecord } from '../format/records.js';
import { snapshot } from '../format/snapshot.js';
import { OnceLogger } from '../internal/diag.js';
import type { RoutineStore } from '../mirror/routine-store.js';
import type { RunningNode } from '../internal/running-list.js';
import { hasEnded, type StoredExecution } from '../mirror/stored.js';
import type { ExecutionRecord, ExecutionStatus } from '../records.js';
import type { RoutineSpan } from '../spans/span-bridge.js';

/**
 * One execution of a routine, as returned by
 * {@link ExecutionTracker.recordRoutineStart}. Engines that run the same
 * routine several times at once end each execution through its own handle,
 * so that results and durations never get paired with the wrong start.
 *
 * @example
 * const execution = tracker.recordRoutineStart('fetch', { url });
 * try {
 *   execution.end('completed', await fetchPage(url));
 * } catch (error) {
 *   execution.end('failed', undefined, error);
 * }
 */
export interface ExecutionHandle {
  /** The routine this execution belongs to. */
  readonly routineId: string;
  /** A copy of the execution's record as it is now. */
  readonly record: ExecutionRecord;
  /** The context of the execution's span (invalid if no span was made). */
  readonly spanContext: SpanContext;
  /**
   * The active context with this execution's span set: run the handler in
   * it (`context.with(execution.context, handler)`) so that spans started
   * inside nest under the execution.
   */
  readonly context: Context;
  /** Whether the execution has ended. */
  readonly ended: boolean;
  /**
   * Records an event emitted by this execution: the same as
   * `tracker.recordEvent(routineId, …)`, but the span event lands on this
   * execution's span even while other executions of the routine run (on
   * the root span once this execution's span has ended).
   * @param targetRoutineId the routine it is sent to, or `null`
   * @param data the data sent
   */
  recordEvent(
    eventName: string,
    targetRoutineId?: string | null,
    data?: Record<string, unknown> | null,
  ): void;
  /**
   * Ends the execution. Later calls do nothing.
   * @param status defaults to `completed`
   * @param result what the routine returned
   * @param error an `Error` (its message is recorded) or a message
   */
  end(status?: ExecutionStatus, result?: unknown, error?: unknown): void;
}

/** What ends and describes a tracked execution: its tracker. */
export interface ExecutionOwner {
  recordEventFrom(
    execution: TrackedExecution,
    eventName: string,
    targetRoutineId: string | null,
    data: Record<string, unknown> | null,
  ): void;
  finishExecution(
    execution: TrackedExecution,
    status: unknown,
    result: unknown,
    error: unknown,
  ): void;
}

/**
 * The handle of an execution that is in a tracker's mirror, and the
 * mirror's record of it while it runs: one object per execution. It has
 * the fields of a {@link StoredExecution} rather than extending the class:
 * a derived class is built through the runtime's generic construct stub,
 * which the compiler does not inline, and that cost a tenth of the
 * mirror's time per execution.
 */
export class TrackedExecution implements ExecutionHandle, StoredExecution {
  // Every field is declared only and set in the constructor: fields with
  // initializers, parameter properties included, are defined by an
  // initializer function of their own, one more call per execution.
  declare private readonly _owner: ExecutionOwner;
  declare readonly seq: number;
  declare readonly routineId: string;
  declare readonly startMicros: number;
  declare readonly params: Record<string, unknown>;
  /** Its routine's store, which ends it without a lookup. */
  declare readonly store: RoutineStore<TrackedExecution>;
  // The fields of a record, as StoredExecution documents them.
  declare status: string;
  declare endMicros: number | undefined;
  declare result: unknown;
  declare error: string | undefined;
  declare executionTime: number | undefined;
  declare retained: boolean;
  declare previousRunning: RunningNode | undefined;
  declare nextRunning: RunningNode | undefined;
  /** The span, unless the tracer failed, made none, or the record was loaded. */
  declare routineSpan: RoutineSpan | undefined;

  constructor(
    owner: ExecutionOwner,
    seq: number,
    routineId: string,
    startMicros: number,
    params: Record<string, unknown>,
    store: RoutineStore<TrackedExecution>,
  ) {
    this._owner = owner;
    this.seq = seq;
    this.routineId = routineId;
    this.startMicros = startMicros;
    this.params = params;
    this.store = store;
    this.status = 'running';
    this.endMicros = undefined;
    this.result = undefined;
    this.error = undefined;
    this.executionTime = undefined;
    this.retained = true;
    this.previousRunning = undefined;
    this.nextRunning = undefined;
    this.routineSpan = undefined;
  }

  get ended(): boolean {
    return hasEnded(this);
  }

  get record(): ExecutionRecord {
    return toExecutionRecord(this, snapshot);
  }

  get spanContext(): SpanContext {
    return this.routineSpan?.span.spanContext() ?? INVALID_SPAN_CONTEXT;
  }

  get context(): Context {
    const active = context.active();
    return this.routineSpan === undefined
      ? active
      : trace.setSpan(active, this.routineSpan.span);
  }

  recordEvent(
    eventName: string,
    targetRoutineId: string | null = null,
    data: Record<string, unknown> | null = {},
  ): void {
    if (!(this instanceof TrackedExecution)) {
      warnDetached('recordEvent');
      return;
    }
    this._owner.recordEventFrom(this, eventName, targetRoutineId, data);
  }

  end(status?: ExecutionStatus, result?: unknown, error?: unknown): void {
    if (!(this instanceof TrackedExecution)) {
      warnDetached('end');
      return;
    }
    this._owner.finishExecution(this, status, result, error);
  }
}

const detachedCalls = new OnceLogger();

/**
 * A handle's method called without its handle (`setTimeout(execution.end)`)
 * cannot know which execution it was meant for. Handles stay plain objects
 * with methods on their prototype, since one is made per execution: a
 * bound copy of each method would cost every execution two functions.
 */
function warnDetached(method: string): void {
  detachedCalls.warn(
    `detached-${method}`,
    `an execution handle's ${method}() was called without its handle (passed as a callback?); nothing was recorded: call it on the handle, as in () => execution.${method}()`,
  );
}

/**
 * The handle returned when a start could not be recorded (a routine id
 * that is not a string, say): it behaves like a handle, and ending it does
 * nothing.
 */
export class DetachedExecution implements ExecutionHandle {
  readonly spanContext = INVALID_SPAN_CONTEXT;
  private _ended = false;
  private readonly _record: ExecutionRecord;

  constructor(
    readonly routineId: string,
    startTime: string,
  ) {
    this._record = {
      routine_id: routineId,
      start_time: startTime,
      params: {},
      status: 'running',
    };
  }

  get record(): ExecutionRecord {
    return { ...this._record, params: {} };
  }

  get context(): Context {
    return context.active();
  }

  get ended(): boolean {
    return this._ended;
  }

  recordEvent(): void {
    // Nothing was recorded for this execution; neither is its event.
  }

  end(): void {
    // Called detached, there is no handle to mark; nothing else happens.
    if (this instanceof DetachedExecution) this._ended = true;
  }
}

import { context, trace } from '@opentelemetry/api';

import { parseSerializedTracker } from '../format/deserialize.js';
import { toEventRecord, toExecutionRecord } from '../format/records.js';
import { serializeMirror } from '../format/serialize.js';
import { snapshot } from '../format/snapshot.js';
import { formatTimestamp } from '../format/timestamps.js';
import { logger, OnceLogger } from '../internal/diag.js';
import {
  describeKind,
  errorMessage,
  isPlainRecord,
  safeString,
} from '../internal/values.js';
import { Mirror } from '../mirror/mirror.js';
import type {
  EventRecord,
  ExecutionRecord,
  ExecutionStatus,
  FlowPerformance,
  PerformanceMetrics,
  RoutinePerformance,
  SerializedTracker,
} from '../records.js';
import { KeyRedactor } from '../spans/redaction.js';
import { SpanBridge } from '../spans/span-bridge.js';
import { AnchoredClock } from './clock.js';
import {
  DetachedExecution,
  TrackedExecution,
  type ExecutionHandle,
  type ExecutionOwner,
} from './execution-handle.js';
import {
  resolveOptions,
  type ExecutionTrackerOptions,
  type ResolvedOptions,
} from './options.js';
import { registerOpenTracker, unregisterOpenTracker } from './open-trackers.js';

/**
 * Tracks one flow run: what ran, how long it took, what failed and what
 * went where. A flow engine calls {@link recordRoutineStart} and
 * {@link recordRoutineEnd} around every routine execution and
 * {@link recordEvent} on every emit. The tracker keeps an in-process
 * mirror that answers record and metric queries, and turns the run into
 * one OpenTelemetry trace: a root span `flow <flowId>`, a span per
 * execution and a span event per event.
 *
 * Recording never throws: misuse is reported once through the
 * OpenTelemetry `diag` logger and the call does nothing harmful. Only the
 * constructor (invalid options) and {@link deserialize} (bad input) throw.
 *
 * @example
 * const tracker = new ExecutionTracker('nightly-import');
 * tracker.recordRoutineStart('load', { path: 'in.csv' });
 * tracker.recordEvent('load', 'output', 'parse', { rows: 3 });
 * tracker.recordRoutineEnd('load', 'completed', { rows: 3 });
 * tracker.getRoutinePerformance('load')?.avg_execution_time;
 * tracker.end();
 */
export class ExecutionTracker implements ExecutionOwner {
  /** The flow run's id. */
  readonly flowId: string;

  private readonly _mirror: Mirror<TrackedExecution>;
  private readonly _spans: SpanBridge;
  private readonly _clock = new AnchoredClock();
  private readonly _once = new OnceLogger();
  private _registered = false;
  private _ended = false;

  /**
   * @param flowIdOrOptions the flow run's id, or the options; see
   *   {@link ExecutionTrackerOptions} for the defaults
   * @throws TypeError or RangeError naming the first invalid option
   */
  constructor(flowIdOrOptions?: string | ExecutionTrackerOptions) {
    // A second argument would be silently ignored, options and all.
    if (arguments.length > 1) {
      throw new TypeError(
        'ExecutionTracker: takes one argument, a flow id or an options object; pass the flow id as the flowId option: new ExecutionTracker({ flowId, ... })',
      );
    }
    const options: ResolvedOptions = resolveOptions(flowIdOrOptions);
    this.flowId = options.flowId;
    this._mirror = new Mirror<TrackedExecution>(
      options.flowId,
      options,
      (seq, routineId, startMicros, params, store) =>
        new TrackedExecution(this, seq, routineId, startMicros, params, store),
    );
    this._spans = new SpanBridge({
      tracer: options.tracer,
      defaultTracerProvider: options.defaultTracerProvider,
      flowId: options.flowId,
      parentContext: options.parentContext,
      captureParams: options.captureParams,
      captureResults: options.captureResults,
      captureEventData: options.captureEventData,
      limits: {
        maxAttributeLength: options.maxAttributeLength,
        redactor: new KeyRedactor(options.redactKeys),
      },
      onSpanFailure: (error) => {
        this._spanFailure(error);
      },
    });
    bindMethods(this);
  }

  /**
   * Builds a tracker from a serialized one, written by
   * {@link serialize} or by routilux's Python `ExecutionTracker`. The
   * figures are recomputed from the records; executions still running in
   * the dump can be ended with {@link recordRoutineEnd}. Loaded records
   * make no spans: the command line's `replay` exports a dump as a trace.
   *
   * @param data the parsed JSON
   * @param options any option but `flowId`, which comes from the dump
   * @throws TrackerFormatError naming the first bad field
   */
  static deserialize(
    data: unknown,
    options: Omit<ExecutionTrackerOptions, 'flowId'> = {},
  ): ExecutionTracker {
    if ('flowId' in options) {
      throw new TypeError(
        'ExecutionTracker.deserialize: the flow id comes from the dump; pass no flowId option',
      );
    }
    const parsed = parseSerializedTracker(data);
    const tracker = new ExecutionTracker({ ...options, flowId: parsed.flowId });
    tracker._load(parsed);
    const { executions, events } = parsed.dropped;
    if (executions + events > 0) {
      logger.warn(
        `the dump of flow ${JSON.stringify(parsed.flowId)} says ${executions} execution and ${events} event records had been dropped before it was written; its figures are recomputed from the records it holds, and dropped_executions and dropped_events carry those counts`,
      );
    }
    return tracker;
  }

  /**
   * Records the start of one execution of `routineId` and starts its span.
   *
   * @param params the parameters it runs with; kept as given in the
   *   mirror, exported as `flow.routine.params.<key>` with secrets redacted
   * @returns the handle that ends exactly this execution
   * @example
   * const execution = tracker.recordRoutineStart('parse', { file });
   * execution.end('completed', rows);
   */
  recordRoutineStart(
    routineId: string,
    params?: Record<string, unknown>,
  ): ExecutionHandle {
    try {
      const micros = this._clock.nowMicros();
      const id = this._checkId(routineId, 'recordRoutineStart');
      if (id === undefined) {
        return new DetachedExecution(
          safeString(routineId),
          formatTimestamp(micros),
        );
      }

      this._noteOpenSpans();
      const values = this._asRecord(params, 'params');
      const execution = this._mirror.start(id, values, micros);
      try {
        const routineSpan = this._spans.startRoutine(
          id,
          values,
          micros,
          execution.store,
        );
        if (routineSpan !== undefined) {
          execution.routineSpan = routineSpan;
          routineSpan.execution = execution;
        }
      } catch (error) {
        this._spanFailure(error);
      }
      return execution;
    } catch (error) {
      this._internalError(error);
      return new DetachedExecution(safeString(routineId), '');
    }
  }

  /**
   * Records the end of the most recent execution of `routineId` that is
   * still running. With none running, nothing changes.
   *
   * @param status `completed`, `failed`, `skipped`, `error_continued` or
   *   any other string
   * @param result what the routine returned
   * @param error an `Error` (its message is recorded) or a message
   * @example
   * tracker.recordRoutineEnd('load', 'failed', undefined, new Error('disk full'));
   */
  recordRoutineEnd(
    routineId: string,
    status: ExecutionStatus = 'completed',
    result?: unknown,
    error?: unknown,
  ): void {
    try {
      const id = this._checkId(routineId, 'recordRoutineEnd');
      if (id === undefined) return;
      const execution = this._mirror.findStore(id)?.running.newest;
      if (execution === undefined) {
        this._once.warn(
          'end-not-running',
          `recordRoutineEnd(${JSON.stringify(safeString(routineId))}): no running execution of this routine; nothing changed`,
        );
        return;
      }
      this.finishExecution(execution, status, result, error);
    } catch (error) {
      this._internalError(error);
    }
  }

  /**
   * Records an event emitted by `sourceRoutineId`. It also becomes a span
   * event on the source's running span (or the root span), and makes the
   * target's next execution a child of the source's.
   *
   * @param targetRoutineId the routine it is sent to, or `null`
   * @param data the data sent; exported as `flow.event.data.<key>`
   * @example
   * tracker.recordEvent('extract', 'output', 'transform', { rows: 100 });
   */
  recordEvent(
    sourceRoutineId: string,
    eventName: string,
    targetRoutineId: string | null = null,
    data: Record<string, unknown> | null = {},
  ): void {
    this._recordEvent(
      undefined,
      sourceRoutineId,
      eventName,
      targetRoutineId,
      data,
    );
  }

  /** @internal Records an event emitted by one execution; handles call this. */
  recordEventFrom(
    execution: TrackedExecution,
    eventName: string,
    targetRoutineId: string | null,
    data: Record<string, unknown> | null,
  ): void {
    this._recordEvent(
      execution,
      execution.routineId,
      eventName,
      targetRoutineId,
      data,
    );
  }

  /**
   * Runs `fn` as one execution of `routineId`, with its span active so that
   * instrumentation inside nests under it. Records `completed` with what
   * `fn` returns (or its promise resolves to), or `failed` with the error,
   * and then rethrows that very error. `params` may be left out.
   *
   * @example
   * const rows = await tracker.trackRoutine('parse', { file }, async () =>
   *   parse(await readFile(file, 'utf8')),
   * );
   */
  trackRoutine<T>(routineId: string, fn: (execution: ExecutionHandle) => T): T;
  /**
   *
   */
  trackRoutine<T>(
    routineId: string,
    params: Record<string, unknown> | undefined,
    fn: (execution: ExecutionHandle) => T,
  ): T;
  /**
   *
   */
  trackRoutine<T>(
    routineId: string,
    paramsOrFn:
      Record<string, unknown> | undefined | ((execution: ExecutionHandle) => T),
    maybeFn?: (execution: ExecutionHandle) => T,
  ): T {
    const fn = typeof paramsOrFn === 'function' ? paramsOrFn : maybeFn;
    const params = typeof paramsOrFn === 'function' ? undefined : paramsOrFn;
    if (typeof fn !== 'function') {
      this._once.warn(
        'track-no-function',
        `trackRoutine(${JSON.stringify(safeString(routineId))}) was given no function to run; nothing was recorded`,
      );
      return undefined as T;
    }

    const execution = this.recordRoutineStart(routineId, params);
    let returned: T;
    try {
      returned = context.with(execution.context, fn, undefined, execution);
    } catch (error) {
      execution.end('failed', undefined, error);
      throw error;
    }

    if (!isThenable(returned)) {
      execution.end('completed', returned);
      return returned;
    }
    // Promise.resolve adopts any thenable, even one whose then() throws or
    // returns nothing, and always settles the execution.
    return Promise.resolve(returned).then(
      (value: unknown) => {
        execution.end('completed', value);
        return value;
      },
      (error: unknown) => {
        execution.end('failed', undefined, error);
        throw error;
      },
    ) as T;
  }

  /**
   * Ends the run's root span. Executions still running get their spans
   * ended and marked `flow.routine.incomplete`; their records stay
   * `running` and can still be ended. Records that arrive later still
   * enter the mirror and join the run's trace. Calling it again ends, in
   * the same way, the spans of executions started since; the root span
   * is ended once.
   */
  end(): void {
    try {
      const first = !this._ended;
      this._ended = true;
      this._registered = false;
      unregisterOpenTracker(this);

      // Again on a later call: executions started after the first end()
      // have spans of their own, which this ends in the same way.
      const micros = this._clock.nowMicros();
      for (const store of this._mirror.stores()) {
        for (const execution of store.running) {
          const { routineSpan } = execution;
          if (routineSpan === undefined || routineSpan.ended) continue;
          this._guard(() => {
            this._spans.abandonRoutine(routineSpan, micros);
          });
        }
      }
      if (!first) return;
      this._guard(() => {
        this._spans.end(micros);
      });
    } catch (error) {
      this._internalError(error);
    }
  }

  /** Whether {@link end} has been called. */
  get ended(): boolean {
    return this._ended;
  }

  /**
   * The retained records by routine id, in start order: a copy, so that
   * changing it changes nothing in the tracker.
   *
   * @example
   * for (const record of tracker.routineExecutions.get('load') ?? []) {
   *   console.log(record.execution_time);
   * }
   */
  get routineExecutions(): ReadonlyMap<string, readonly ExecutionRecord[]> {
    const executions = new Map<string, readonly ExecutionRecord[]>();
    for (const routineId of this._mirror.routineIds()) {
      const records = this._mirror
        .retainedExecutions(routineId)
        .map((stored) => toExecutionRecord(stored, snapshot));
      executions.set(routineId, records);
    }
    return executions;
  }

  /** The retained events, oldest first: a copy. */
  get eventFlow(): readonly EventRecord[] {
    return this._mirror
      .retainedEvents()
      .map((stored) => toEventRecord(stored, snapshot));
  }

  /** The same as {@link getPerformanceMetrics}. */
  get performanceMetrics(): PerformanceMetrics {
    return this._mirror.performanceMetrics();
  }

  /**
   * One routine's figures over the whole run, dropped records included;
   * `null` for a routine never recorded. O(1).
   *
   * @example
   * const perf = tracker.getRoutinePerformance('load');
   * if (perf) console.log(perf.success_rate, perf.p95_execution_time);
   */
  getRoutinePerformance(routineId: string): RoutinePerformance | null {
    const id = idText(routineId);
    return id === undefined ? null : this._mirror.routinePerformance(id);
  }

  /**
   * The flow's figures. `total_execution_time` is the sum of the durations
   * of every execution that ended. O(number of routines).
   *
   * @example
   * const { total_routines, avg_routine_time } = tracker.getFlowPerformance();
   */
  getFlowPerformance(): FlowPerformance {
    return this._mirror.flowPerformance();
  }

  /**
   * Everything in one object: the flow's figures, counts per status,
   * throughput, every routine's figures and the bottlenecks.
   * O(number of routines).
   *
   * @example
   * const [slowest] = tracker.getPerformanceMetrics().bottlenecks;
   */
  getPerformanceMetrics(): PerformanceMetrics {
    return this._mirror.performanceMetrics();
  }

  /**
   * The tracker as plain JSON-ready data in routilux's format; values that
   * JSON cannot hold are converted (see the README).
   *
   * @example
   * await writeFile('run.json', JSON.stringify(tracker));
   */
  serialize(): SerializedTracker {
    return serializeMirror(this._mirror);
  }

  /** Makes `JSON.stringify(tracker)` give {@link serialize}'s output. */
  toJSON(): SerializedTracker {
    return this.serialize();
  }

  /** @internal Ends one execution; handles call this. */
  finishExecution(
    execution: TrackedExecution,
    status: unknown,
    result: unknown,
    error: unknown,
  ): void {
    try {
      if (execution.ended) {
        this._once.warn(
          'ended-twice',
          `an execution of ${JSON.stringify(execution.routineId)} was ended twice; the second end was ignored`,
        );
        return;
      }

      const micros = this._clock.nowMicros();
      const finalStatus = this._checkStatus(status);
      const { routineSpan } = execution;
      this._mirror.end(
        execution,
        finalStatus,
        result,
        errorMessage(error),
        micros,
        execution.store,
      );

      if (routineSpan === undefined) {
        if (this._ended) this._releaseIfDone();
        return;
      }
      try {
        this._spans.endRoutine(routineSpan, finalStatus, result, error, micros);
      } catch (caught) {
        this._spanFailure(caught);
      }
      if (this._ended) this._releaseIfDone();
    } catch (caught) {
      this._internalError(caught);
    }
  }

  private _recordEvent(
    emitter: TrackedExecution | undefined,
    sourceRoutineId: unknown,
    eventName: unknown,
    targetRoutineId: unknown,
    data: unknown,
  ): void {
    try {
      const micros = this._clock.nowMicros();
      const source = this._checkId(sourceRoutineId, 'recordEvent');
      const name = this._checkId(eventName, 'recordEvent');
      if (source === undefined || name === undefined) return;
      const target =
        targetRoutineId === null || targetRoutineId === undefined
          ? null
          : this._checkId(targetRoutineId, 'recordEvent');
      if (target === undefined) return;

      if (!this._ended) this._noteOpenSpans();
      const values = this._asRecord(data, 'event data');
      this._mirror.recordEvent(micros, source, name, target, values);
      const sender = this._emitter(emitter, source)?.routineSpan;
      // With no span of the sender's and a run known to have no trace,
      // there is no span to add the event to and no parent to remember.
      if (sender === undefined && !this._spans.notesCauses) return;
      try {
        this._spans.addEvent(
          sender,
          source,
          name,
          target,
          values,
          micros,
          target === null || !this._spans.notesCauses
            ? undefined
            : this._mirror.findStore(target),
        );
      } catch (error) {
        this._spanFailure(error);
      }
    } catch (error) {
      this._internalError(error);
    }
  }

  /**
   * The execution that emitted an event of `source`: the one named by its
   * handle; else the active one, when the engine runs handlers in their
   * execution's context; else the newest running execution of `source`.
   */
  private _emitter(
    named: TrackedExecution | undefined,
    source: string,
  ): TrackedExecution | undefined {
    // A handle names its execution even once it has ended: the event is
    // that execution's (its span has ended, so the event goes on the
    // root), not one of another execution of the routine.
    if (named !== undefined) return named;
    const active = trace.getSpan(context.active());
    const current =
      active !== undefined ? this._spans.ownSpan(active)?.execution : undefined;
    if (
      current instanceof TrackedExecution &&
      current.routineId === source &&
      !current.ended
    ) {
      return current;
    }
    return this._mirror.findStore(source)?.running.newest;
  }

  /**
   * Params and event data are objects in the record format; anything else
   * is kept under `value`, so that a dump of it still loads.
   */
  private _asRecord(value: unknown, what: string): Record<string, unknown> {
    if (value === undefined || value === null) return {};
    if (serializesAsObject(value)) return value;
    this._once.warn(
      `not-an-object-${what}`,
      `${what} should be an object, received ${describeKind(value)}; it was recorded as { value }`,
    );
    return { value };
  }

  private _load(parsed: ReturnType<typeof parseSerializedTracker>): void {
    for (const [routineId, records] of parsed.routines) {
      for (const stored of records) this._mirror.load(routineId, stored);
    }
    for (const event of parsed.events) this._mirror.addEvent(event);
    this._mirror.noteDroppedBefore(
      parsed.dropped.executions,
      parsed.dropped.events,
    );
  }

  /**
   * A tracker that has recorded something has spans open until it ends,
   * and so does one that starts executions after its end(): the exit hooks
   * of the set-up helper must be able to find it then, to end them.
   */
  private _noteOpenSpans(): void {
    if (this._registered) return;
    this._registered = true;
    registerOpenTracker(this);
  }

  /**
   * An ended tracker is held for the exit hooks only while executions
   * started after its end still run.
   */
  private _releaseIfDone(): void {
    if (!this._ended || !this._registered) return;
    for (const store of this._mirror.stores()) {
      for (const execution of store.running) {
        if (execution.routineSpan?.ended === false) return;
      }
    }
    this._registered = false;
    unregisterOpenTracker(this);
  }

  /**
   * Ids are strings; numbers and booleans are taken as their text, as an
   * engine keyed by numbers would mean. Anything else is misuse.
   */
  private _checkId(id: unknown, method: string): string | undefined {
    const text = idText(id);
    if (text !== undefined) return text;
    this._once.warn(
      `bad-id-${method}`,
      `${method}: ids must be strings, received ${typeof id}; the call was ignored`,
    );
    return undefined;
  }

  private _checkStatus(status: unknown): string {
    if (status === undefined) return 'completed';
    if (typeof status === 'string') return status;
    this._once.warn(
      'bad-status',
      `an execution status must be a string, received ${typeof status}; its text was recorded`,
    );
    return safeString(status);
  }

  /**
   * Span work calls into the application's tracer and span processors: if
   * they throw, the mirror has already recorded the call, and the failure
   * is logged once.
   */
  private _spanFailure(error: unknown): void {
    this._once.warn(
      'span-failure',
      `the tracer threw while recording spans: ${safeString(error)}`,
    );
  }

  /** Runs span work that is off the hot path; see {@link _spanFailure}. */
  private _guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this._spanFailure(error);
    }
  }

  private _internalError(error: unknown): void {
    if (this._once.first('internal-error')) {
      logger.error(`unexpected failure while recording: ${safeString(error)}`);
    }
  }
}

/**
 * Whether `value` is written as a JSON object by `serialize`, as the
 * record format needs params and event data to be: not an array, Set,
 * Date, typed array, or anything with its own `toJSON`.
 */
function serializesAsObject(value: unknown): value is Record<string, unknown> {
  try {
    return (
      isPlainRecord(value) &&
      !(value instanceof Set) &&
      !(value instanceof Date) &&
      !ArrayBuffer.isView(value) &&
      typeof (value as { toJSON?: unknown }).toJSON !== 'function'
    );
  } catch {
    return false;
  }
}

/**
 * The methods an engine may pass around as callbacks
 * (`setImmediate(tracker.end)`, `ids.forEach(tracker.recordRoutineStart)`):
 * bound once per tracker, so that they work detached from it.
 */
const BOUND_METHODS = [
  'recordRoutineStart',
  'recordRoutineEnd',
  'recordEvent',
  'trackRoutine',
  'end',
  'getRoutinePerformance',
  'getFlowPerformance',
  'getPerformanceMetrics',
  'serialize',
  'toJSON',
] as const;

function bindMethods(tracker: ExecutionTracker): void {
  const methods = tracker as unknown as Record<string, unknown>;
  for (const name of BOUND_METHODS) {
    const method = methods[name] as (...args: unknown[]) => unknown;
    Object.defineProperty(tracker, name, {
      value: method.bind(tracker),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}

/** An id's text: strings as they are, numbers and booleans as text. */
function idText(id: unknown): string | undefined {
  if (typeof id === 'string') return id;
  if (
    typeof id === 'number' ||
    typeof id === 'bigint' ||
    typeof id === 'boolean'
  ) {
    return String(id);
  }
  return undefined;
}

/** Whether `value` has a `then` method; false when even asking throws. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  if (typeof value !== 'object' && typeof value !== 'function') return false;
  if (value === null) return false;
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}

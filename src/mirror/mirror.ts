import type {
  Bottleneck,
  FlowPerformance,
  PerformanceMetrics,
  RoutinePerformance,
} from '../records.js';
import { setOwn } from '../internal/values.js';
import { CompensatedSum } from './compensated-sum.js';
import { EventLog } from './event-log.js';
import { RoutineStore } from './routine-store.js';
import type { StoredEvent } from './stored.js';
import { PlainExecution, type StoredExecution } from './stored.js';

/** The bounds of a mirror. `Infinity` keeps everything. */
export interface MirrorLimits {
  /** Records kept per routine. */
  readonly maxExecutionsPerRoutine: number;
  /** Events kept. */
  readonly maxEvents: number;
}

/**
 * Makes the record of a running execution: what a mirror's user keeps of
 * an execution (the tracker's handle) can be the record itself.
 */
export type RecordFactory<R extends StoredExecution> = (
  seq: number,
  routineId: string,
  startMicros: number,
  params: Record<string, unknown>,
  store: RoutineStore<R>,
) => R;

/**
 * The in-process record of a flow run: bounded stores of execution and
 * event records, and aggregates that stay exact over everything ever
 * recorded. It knows nothing of spans, so sampling and export faults cannot
 * change what it answers.
 *
 * @template R the records of running executions, made by the factory
 */
export class Mirror<R extends StoredExecution = StoredExecution> {
  private readonly _routines = new Map<string, RoutineStore<R>>();
  private readonly _events: EventLog;
  private _totalEvents = 0;
  private _droppedEvents = 0;
  private _seq = 0;
  // What a dump this mirror was loaded from had dropped before it was
  // written: not in any figure, but counted, so that the figures say what
  // they miss.
  private _droppedBeforeExecutions = 0;
  private _firstStartMicros = Infinity;
  private _lastEndMicros = -Infinity;

  constructor(
    readonly flowId: string,
    private readonly _limits: MirrorLimits,
    // Plain records unless told otherwise; a caller that names another
    // record type passes the factory that makes it.
    private readonly _makeRecord: RecordFactory<R> = plainRecord as never,
  ) {
    this._events = new EventLog(_limits.maxEvents);
  }

  /**
   * Opens a running execution record.
   *
   * @param store the routine's store, from {@link storeOf}: a caller that
   *   keeps it saves a lookup per call
   */
  start(
    routineId: string,
    params: Record<string, unknown>,
    micros: number,
    store: RoutineStore<R> = this.storeOf(routineId),
  ): R {
    const execution = this._makeRecord(
      this._seq++,
      routineId,
      micros,
      params,
      store,
    );
    if (micros < this._firstStartMicros) this._firstStartMicros = micros;
    store.addRunning(execution);
    return execution;
  }

  /**
   * Ends a running execution. Its duration is the difference of the two
   * stamps, which come from a clock that never steps backwards.
   */
  end(
    execution: R,
    status: string,
    result: unknown,
    error: string | undefined,
    micros: number,
    store: RoutineStore<R> = this.storeOf(execution.routineId),
  ): void {
    const previousStatus = execution.status;
    execution.status = status;
    execution.endMicros = micros;
    if (result !== undefined && result !== null) execution.result = result;
    if (error !== undefined) execution.error = error;
    execution.executionTime = Math.max(0, micros - execution.startMicros) / 1e6;

    if (micros > this._lastEndMicros) this._lastEndMicros = micros;
    store.markEnded(execution, previousStatus);
  }

  /**
   * Stores a record that arrives whole, as from a serialized tracker, under
   * `routineId`. One that is still running becomes a record of the
   * factory's, so that it can be ended like any other.
   */
  load(routineId: string, execution: StoredExecution): void {
    this._seq = Math.max(this._seq, execution.seq + 1);
    this._noteStart(execution.startMicros);
    const store = this.storeOf(routineId);
    if (execution.ended) {
      if (execution.endMicros !== undefined) this._noteEnd(execution.endMicros);
      store.addFinished(execution);
      return;
    }
    const running = this._makeRecord(
      execution.seq,
      routineId,
      execution.startMicros,
      execution.params,
      store,
    );
    running.result = execution.result;
    running.error = execution.error;
    running.executionTime = execution.executionTime;
    store.addRunning(running);
  }

  /** Appends an event and applies the event bound. */
  recordEvent(
    micros: number,
    source: string,
    name: string,
    target: string | null,
    data: Record<string, unknown>,
  ): void {
    this._totalEvents++;
    if (this._events.push(micros, source, name, target, data)) {
      this._droppedEvents++;
    }
  }

  /** Counts records a dump's writer had dropped before writing it. */
  noteDroppedBefore(executions: number, events: number): void {
    this._droppedBeforeExecutions += executions;
    // An event has no figure but the count, which includes dropped ones.
    this._totalEvents += events;
    this._droppedEvents += events;
  }

  /** Appends an event record that arrives whole, as from a dump. */
  addEvent(event: StoredEvent): void {
    this.recordEvent(
      event.micros,
      event.sourceRoutineId,
      event.eventName,
      event.targetRoutineId,
      event.data,
    );
  }

  /** The routine ids with at least one recorded execution, in first-seen order. */
  routineIds(): IterableIterator<string> {
    return this._routines.keys();
  }

  /** The retained records of one routine, in start order. */
  retainedExecutions(routineId: string): StoredExecution[] {
    return this._routines.get(routineId)?.retained() ?? [];
  }

  /** The retained events, oldest first. */
  retainedEvents(): StoredEvent[] {
    return this._events.toArray();
  }

  /** One routine's figures, or `null` for a routine never recorded. */
  routinePerformance(routineId: string): RoutinePerformance | null {
    return this._routines.get(routineId)?.stats.performance() ?? null;
  }

  /** The flow's figures. O(number of routines). */
  flowPerformance(): FlowPerformance {
    const total = new CompensatedSum();
    for (const store of this._routines.values())
      total.add(store.stats.totalTime);

    const totalRoutines = this._routines.size;
    return {
      total_routines: totalRoutines,
      total_events: this._totalEvents,
      total_execution_time: total.value,
      avg_routine_time: totalRoutines > 0 ? total.value / totalRoutines : 0,
    };
  }

  /** Everything in one object. O(number of routines). */
  performanceMetrics(): PerformanceMetrics {
    const flow = this.flowPerformance();
    const routines: Record<string, RoutinePerformance> = {};
    const statusCounts: Record<string, number> = {};
    const bottlenecks: Bottleneck[] = [];
    let totalExecutions = 0;
    let finished = 0;
    let dropped = this._droppedBeforeExecutions;

    for (const [id, store] of this._routines) {
      const performance = store.stats.performance();
      setOwn(routines, id, performance);
      totalExecutions += store.stats.total;
      finished += store.stats.ended;
      dropped += store.dropped;
      for (const [status, count] of store.stats.statusCounts()) {
        const before = Object.hasOwn(statusCounts, status)
          ? (statusCounts[status] ?? 0)
          : 0;
        setOwn(statusCounts, status, before + count);
      }
      bottlenecks.push({
        routine_id: id,
        total_execution_time: performance.total_execution_time,
        share:
          flow.total_execution_time > 0
            ? performance.total_execution_time / flow.total_execution_time
            : 0,
      });
    }
    bottlenecks.sort((a, b) => b.share - a.share);

    const wallTime =
      this._lastEndMicros >= this._firstStartMicros
        ? (this._lastEndMicros - this._firstStartMicros) / 1e6
        : 0;
    return {
      flow_id: this.flowId,
      total_executions: totalExecutions,
      finished_executions: finished,
      running_executions: totalExecutions - finished,
      status_counts: statusCounts,
      ...flow,
      wall_time: wallTime,
      throughput: wallTime > 0 ? finished / wallTime : 0,
      routines,
      bottlenecks,
      dropped_executions: dropped,
      dropped_events: this._droppedEvents,
    };
  }

  /** The store of one routine, made on first use. */
  storeOf(routineId: string): RoutineStore<R> {
    let store = this._routines.get(routineId);
    if (store === undefined) {
      store = new RoutineStore<R>(
        this._limits.maxExecutionsPerRoutine,
        routineId,
      );
      this._routines.set(routineId, store);
    }
    return store;
  }

  /** The store of one routine, if it has ever been recorded. */
  findStore(routineId: string): RoutineStore<R> | undefined {
    return this._routines.get(routineId);
  }

  /** Every routine's store, in first-seen order. */
  stores(): IterableIterator<RoutineStore<R>> {
    return this._routines.values();
  }

  private _noteStart(micros: number): void {
    if (micros < this._firstStartMicros) this._firstStartMicros = micros;
  }

  private _noteEnd(micros: number): void {
    if (micros > this._lastEndMicros) this._lastEndMicros = micros;
  }
}

function plainRecord(
  seq: number,
  routineId: string,
  startMicros: number,
  params: Record<string, unknown>,
): StoredExecution {
  return new PlainExecution(seq, routineId, startMicros, params);
}

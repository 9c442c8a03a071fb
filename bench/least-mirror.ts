/**
 * The least a mirror can do that keeps what the tracker's mirror keeps, as
 * a floor to compare the tracker's with: three clock readings, a handle
 * per execution, a record per execution in a ring per routine (the
 * default bound of 10,000) with its params, an event ring (the default
 * bound of 100,000) with each event's data, and per routine the counts,
 * the sum, the minimum and the maximum of the durations. It checks no
 * input, keeps no list of running executions and no percentiles, makes no
 * spans, and answers no query: what it leaves out only makes it cheaper.
 */

const RECORDS_PER_ROUTINE = 10_000;
const EVENTS = 100_000;
/** Numbers kept per record: seq, start, end and duration. */
const NUMBERS = 4;

class LeastRoutine {
  total = 0;
  completed = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  readonly numbers = new Float64Array(RECORDS_PER_ROUTINE * NUMBERS);
  readonly statuses = new Array<string>(RECORDS_PER_ROUTINE);
  readonly params = new Array<unknown>(RECORDS_PER_ROUTINE);
  next = 0;
}

class LeastHandle {
  constructor(
    readonly mirror: LeastMirror,
    readonly routine: LeastRoutine,
    readonly routineId: string,
    readonly seq: number,
    readonly startMillis: number,
    readonly params: unknown,
  ) {}

  recordEvent(name: string, target: string | null, data: unknown): void {
    this.mirror.event(this.routineId, name, target, data);
  }

  end(status: string): void {
    this.mirror.end(this, status);
  }
}

/** See the file's comment. */
export class LeastMirror {
  private readonly _routines = new Map<string, LeastRoutine>();
  private readonly _eventMillis = new Float64Array(EVENTS);
  // Source, name, target and data of each event, side by side.
  private readonly _eventValues = new Array<unknown>(EVENTS * 4);
  private _nextEvent = 0;
  private _seq = 0;

  start(routineId: string, params: unknown): LeastHandle {
    const millis = performance.now();
    let routine = this._routines.get(routineId);
    if (routine === undefined) {
      routine = new LeastRoutine();
      this._routines.set(routineId, routine);
    }
    routine.total++;
    return new LeastHandle(
      this,
      routine,
      routineId,
      this._seq++,
      millis,
      params,
    );
  }

  event(
    source: string,
    name: string,
    target: string | null,
    data: unknown,
  ): void {
    const millis = performance.now();
    const slot = this._nextEvent;
    this._nextEvent = slot + 1 === EVENTS ? 0 : slot + 1;
    this._eventMillis[slot] = millis;
    const values = this._eventValues;
    values[slot * 4] = source;
    values[slot * 4 + 1] = name;
    values[slot * 4 + 2] = target;
    values[slot * 4 + 3] = data;
  }

  end(handle: LeastHandle, status: string): void {
    const millis = performance.now();
    const { routine } = handle;
    const seconds = (millis - handle.startMillis) / 1000;
    if (status === 'completed') routine.completed++;
    routine.sum += seconds;
    if (seconds < routine.min) routine.min = seconds;
    if (seconds > routine.max) routine.max = seconds;

    const slot = routine.next;
    routine.next = slot + 1 === RECORDS_PER_ROUTINE ? 0 : slot + 1;
    const numbers = routine.numbers;
    numbers[slot * NUMBERS] = handle.seq;
    numbers[slot * NUMBERS + 1] = handle.startMillis;
    numbers[slot * NUMBERS + 2] = millis;
    numbers[slot * NUMBERS + 3] = seconds;
    routine.statuses[slot] = status;
    routine.params[slot] = handle.params;
  }
}

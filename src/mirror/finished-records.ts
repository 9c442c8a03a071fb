import { StoredExecution } from './stored.js';

/** The capacity a ring starts with; it doubles as it fills. */
const INITIAL_CAPACITY = 16;

/**
 * The finished records of one routine, oldest first, as columns in a ring:
 * times in `Float64Array`s, the rest in plain arrays. A record object with
 * its boxed times would be several small objects per execution, all alive
 * until the bound drops them, and the garbage collector copies each of
 * them before it is old enough to be left alone; in columns, the caller's
 * params and result are all that stay. Records are made again when read.
 */
export class FinishedRecords {
  private _mask = INITIAL_CAPACITY - 1;
  private _head = 0;
  private _length = 0;
  private _seq = new Float64Array(INITIAL_CAPACITY);
  private _start = new Float64Array(INITIAL_CAPACITY);
  // NaN stands for "none" in the two optional times.
  private _end = new Float64Array(INITIAL_CAPACITY);
  private _time = new Float64Array(INITIAL_CAPACITY);
  private _status = new Array<string>(INITIAL_CAPACITY);
  private _params = new Array<Record<string, unknown>>(INITIAL_CAPACITY);
  private _result = new Array<unknown>(INITIAL_CAPACITY);
  private _error = new Array<string | undefined>(INITIAL_CAPACITY);

  constructor(private readonly _routineId: string) {}

  /** The number of records held. */
  get length(): number {
    return this._length;
  }

  /** Copies a finished record in at the newest end. */
  push(record: StoredExecution): void {
    if (this._length > this._mask) this._grow();
    const i = (this._head + this._length) & this._mask;
    this._seq[i] = record.seq;
    this._start[i] = record.startMicros;
    this._end[i] = record.endMicros ?? NaN;
    this._time[i] = record.executionTime ?? NaN;
    this._status[i] = record.status;
    this._params[i] = record.params;
    this._result[i] = record.result;
    this._error[i] = record.error;
    this._length++;
  }

  /** Forgets the oldest record; false when there is none. */
  dropOldest(): boolean {
    if (this._length === 0) return false;
    const i = this._head;
    // Let go of what the caller's objects are, so they can be collected.
    this._params[i] = EMPTY;
    this._result[i] = undefined;
    this._error[i] = undefined;
    this._head = (this._head + 1) & this._mask;
    this._length--;
    return true;
  }

  /** The records held, oldest first, made anew. */
  toArray(): StoredExecution[] {
    const records = new Array<StoredExecution>(this._length);
    for (let n = 0; n < this._length; n++) {
      records[n] = this._recordAt((this._head + n) & this._mask);
    }
    return records;
  }

  private _recordAt(i: number): StoredExecution {
    const record = new StoredExecution(
      this._seq[i] ?? 0,
      this._routineId,
      this._start[i] ?? 0,
      this._params[i] ?? EMPTY,
    );
    record.status = this._status[i] ?? 'completed';
    record.endMicros = optional(this._end[i]);
    record.executionTime = optional(this._time[i]);
    record.result = this._result[i];
    record.error = this._error[i];
    return record;
  }

  private _grow(): void {
    const capacity = (this._mask + 1) * 2;
    const order = (n: number): number => (this._head + n) & this._mask;
    const seq = new Float64Array(capacity);
    const start = new Float64Array(capacity);
    const end = new Float64Array(capacity);
    const time = new Float64Array(capacity);
    const status = new Array<string>(capacity);
    const params = new Array<Record<string, unknown>>(capacity);
    const result = new Array<unknown>(capacity);
    const error = new Array<string | undefined>(capacity);
    for (let n = 0; n < this._length; n++) {
      const i = order(n);
      seq[n] = this._seq[i] ?? 0;
      start[n] = this._start[i] ?? 0;
      end[n] = this._end[i] ?? NaN;
      time[n] = this._time[i] ?? NaN;
      status[n] = this._status[i] ?? 'completed';
      params[n] = this._params[i] ?? EMPTY;
      result[n] = this._result[i];
      error[n] = this._error[i];
    }
    this._seq = seq;
    this._start = start;
    this._end = end;
    this._time = time;
    this._status = status;
    this._params = params;
    this._result = result;
    this._error = error;
    this._mask = capacity - 1;
    this._head = 0;
  }
}

/** What an emptied slot holds instead of a caller's params. */
const EMPTY: Record<string, unknown> = Object.freeze({});

function optional(value: number | undefined): number | undefined {
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

import { PlainExecution, type StoredExecution } from './stored.js';

/** Numbers kept per record: seq, start, end and duration. */
const NUMBERS = 4;
/** Values kept per record: status, params, result and error. */
const VALUES = 4;
/** The capacity of a ring's first allocation; it doubles as it fills. */
const FIRST_CAPACITY = 2;

/**
 * The finished records of one routine, oldest first, in a ring of two
 * strided columns: the numbers of each record in one `Float64Array`, the
 * rest in one plain array. A record object with its boxed times would be
 * several small objects per execution, all alive until the bound drops
 * them, and the garbage collector copies each of them before it is old
 * enough to be left alone; here the caller's params and result are all
 * that stay. Nothing is allocated until the first record, and the ring
 * starts small: flows with thousands of routine ids pay per record, not
 * per id. Records are made again when read.
 */
export class FinishedRecords {
  private _capacity = 0;
  private _head = 0;
  private _length = 0;
  // NaN stands for "none" in the two optional times.
  private _numbers = new Float64Array(0);
  private _values: unknown[] = [];

  constructor(private readonly _routineId: string) {}

  /** The number of records held. */
  get length(): number {
    return this._length;
  }

  /** Copies a finished record in at the newest end. */
  push(record: StoredExecution): void {
    if (this._length === this._capacity) this._grow();
    const slot = this._slot(this._length);
    const n = slot * NUMBERS;
    this._numbers[n] = record.seq;
    this._numbers[n + 1] = record.startMicros;
    this._numbers[n + 2] = record.endMicros ?? NaN;
    this._numbers[n + 3] = record.executionTime ?? NaN;
    const v = slot * VALUES;
    this._values[v] = record.status;
    this._values[v + 1] = record.params;
    this._values[v + 2] = record.result;
    this._values[v + 3] = record.error;
    this._length++;
  }

  /** Forgets the oldest record; false when there is none. */
  dropOldest(): boolean {
    if (this._length === 0) return false;
    // Let go of the caller's objects, so that they can be collected.
    const v = this._head * VALUES;
    this._values[v + 1] = undefined;
    this._values[v + 2] = undefined;
    this._values[v + 3] = undefined;
    this._head = this._slot(1);
    this._length--;
    return true;
  }

  /** The records held, oldest first, made anew. */
  toArray(): StoredExecution[] {
    const records = new Array<StoredExecution>(this._length);
    for (let i = 0; i < this._length; i++) {
      records[i] = this._recordAt(this._slot(i));
    }
    return records;
  }

  private _recordAt(slot: number): StoredExecution {
    const n = slot * NUMBERS;
    const v = slot * VALUES;
    const record = new PlainExecution(
      this._numbers[n] ?? 0,
      this._routineId,
      this._numbers[n + 1] ?? 0,
      this._values[v + 1] as Record<string, unknown>,
    );
    record.status = this._values[v] as string;
    record.endMicros = optional(this._numbers[n + 2]);
    record.executionTime = optional(this._numbers[n + 3]);
    record.result = this._values[v + 2];
    record.error = this._values[v + 3] as string | undefined;
    return record;
  }

  /** The slot of the `offset`-th record from the oldest. */
  private _slot(offset: number): number {
    const slot = this._head + offset;
    return slot >= this._capacity ? slot - this._capacity : slot;
  }

  private _grow(): void {
    const capacity = Math.max(FIRST_CAPACITY, this._capacity * 2);
    const numbers = new Float64Array(capacity * NUMBERS);
    const values = new Array<unknown>(capacity * VALUES);
    for (let i = 0; i < this._length; i++) {
      const slot = this._slot(i);
      numbers.set(
        this._numbers.subarray(slot * NUMBERS, (slot + 1) * NUMBERS),
        i * NUMBERS,
      );
      for (let k = 0; k < VALUES; k++) {
        values[i * VALUES + k] = this._values[slot * VALUES + k];
      }
    }
    this._numbers = numbers;
    this._values = values;
    this._capacity = capacity;
    this._head = 0;
  }
}

function optional(value: number | undefined): number | undefined {
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

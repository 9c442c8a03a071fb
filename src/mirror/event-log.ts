import { StoredEvent } from './stored.js';

/** The capacity a log starts with; it doubles as it fills, up to its bound. */
const INITIAL_CAPACITY = 16;

/**
 * The retained events of a run, oldest first, bounded: past the bound the
 * oldest is overwritten. Held as columns in a ring (times in a
 * `Float64Array`, the rest in plain arrays) rather than one object per
 * event: a run that keeps the default 100,000 events would otherwise hold
 * 200,000 more small objects (the record and its boxed time), and every
 * one of them is copied by the garbage collector before it is old enough
 * to be left alone. Records are made only when read.
 */
export class EventLog {
  private _capacity = 0;
  private _micros = new Float64Array(0);
  private _sources: string[] = [];
  private _names: string[] = [];
  private _targets: (string | null)[] = [];
  private _data: Record<string, unknown>[] = [];
  private _head = 0;
  private _length = 0;

  constructor(private readonly _limit: number) {}

  /** The number of events held. */
  get length(): number {
    return this._length;
  }

  /**
   * Appends an event.
   *
   * @returns whether an event was dropped to make room: the oldest, or
   *   this one when the bound is zero
   */
  push(
    micros: number,
    source: string,
    name: string,
    target: string | null,
    data: Record<string, unknown>,
  ): boolean {
    let dropped = false;
    let index: number;
    if (this._length < this._capacity) {
      index = this._slot(this._length);
      this._length++;
    } else if (this._capacity < this._limit) {
      this._grow();
      index = this._slot(this._length);
      this._length++;
    } else if (this._capacity === 0) {
      return true;
    } else {
      index = this._head;
      this._head = this._slot(1);
      dropped = true;
    }
    this._micros[index] = micros;
    this._sources[index] = source;
    this._names[index] = name;
    this._targets[index] = target;
    this._data[index] = data;
    return dropped;
  }

  /** The events held, oldest first, as records. */
  toArray(): StoredEvent[] {
    const events = new Array<StoredEvent>(this._length);
    for (let i = 0; i < this._length; i++) {
      const index = this._slot(i);
      events[i] = new StoredEvent(
        this._micros[index] ?? 0,
        this._sources[index] ?? '',
        this._names[index] ?? '',
        this._targets[index] ?? null,
        this._data[index] ?? {},
      );
    }
    return events;
  }

  /** The index in the columns of the `offset`-th event from the oldest. */
  private _slot(offset: number): number {
    const index = this._head + offset;
    return index >= this._capacity ? index - this._capacity : index;
  }

  private _grow(): void {
    const capacity = Math.min(
      Math.max(this._capacity * 2, INITIAL_CAPACITY),
      this._limit,
    );
    const micros = new Float64Array(capacity);
    const sources = new Array<string>(capacity);
    const names = new Array<string>(capacity);
    const targets = new Array<string | null>(capacity);
    const data = new Array<Record<string, unknown>>(capacity);
    for (let i = 0; i < this._length; i++) {
      const index = this._slot(i);
      micros[i] = this._micros[index] ?? 0;
      sources[i] = this._sources[index] ?? '';
      names[i] = this._names[index] ?? '';
      targets[i] = this._targets[index] ?? null;
      data[i] = this._data[index] ?? {};
    }
    this._micros = micros;
    this._sources = sources;
    this._names = names;
    this._targets = targets;
    this._data = data;
    this._capacity = capacity;
    this._head = 0;
  }
}

/** The capacity a queue starts with; it doubles as it fills. */
const INITIAL_CAPACITY = 16;

/**
 * A first-in, first-out queue on a ring buffer: push and shift are O(1)
 * and move nothing. A bounded store pushes one item and shifts one for
 * every record once it is full; the ring then stays the same size for the
 * rest of the run, where an array that drops its front would keep copying
 * what is left.
 */
export class Deque<T> implements Iterable<T> {
  private _items: (T | undefined)[] = new Array<T | undefined>(
    INITIAL_CAPACITY,
  );
  // Capacity is a power of two, so that wrapping around is a mask.
  private _mask = INITIAL_CAPACITY - 1;
  private _head = 0;
  private _length = 0;

  /** The number of items in the queue. */
  get length(): number {
    return this._length;
  }

  /** Adds an item at the back. */
  push(item: T): void {
    if (this._length > this._mask) this._grow();
    this._items[(this._head + this._length) & this._mask] = item;
    this._length++;
  }

  /** Removes and returns the item at the front, if any. */
  shift(): T | undefined {
    if (this._length === 0) return undefined;
    const item = this._items[this._head];
    // Clear the slot so the removed item can be collected.
    this._items[this._head] = undefined;
    this._head = (this._head + 1) & this._mask;
    this._length--;
    return item;
  }

  /** A copy of the items, front first. */
  toArray(): T[] {
    const out = new Array<T>(this._length);
    for (let i = 0; i < this._length; i++) {
      out[i] = this._items[(this._head + i) & this._mask] as T;
    }
    return out;
  }

  /** Iterates front first. */
  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this._length; i++) {
      yield this._items[(this._head + i) & this._mask] as T;
    }
  }

  private _grow(): void {
    const items = this.toArray() as (T | undefined)[];
    const capacity = (this._mask + 1) * 2;
    items.length = capacity;
    this._items = items;
    this._mask = capacity - 1;
    this._head = 0;
  }
}

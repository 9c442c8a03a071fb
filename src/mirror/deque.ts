/**
 * A first-in, first-out queue with O(1) amortized push and shift. A plain
 * array's `shift()` moves every element; this one advances a head index and
 * compacts only once the dead prefix outweighs the live part.
 */
export class Deque<T> implements Iterable<T> {
  private _items: (T | undefined)[] = [];
  private _head = 0;

  /** The number of items in the queue. */
  get length(): number {
    return this._items.length - this._head;
  }

  /** Adds an item at the back. */
  push(item: T): void {
    this._items.push(item);
  }

  /** Removes and returns the item at the front, if any. */
  shift(): T | undefined {
    if (this._head >= this._items.length) return undefined;

    const item = this._items[this._head];
    // Clear the slot so the removed item can be collected.
    this._items[this._head] = undefined;
    this._head++;

    if (this._head >= 1024 && this._head * 2 >= this._items.length) {
      this._items = this._items.slice(this._head);
      this._head = 0;
    }
    return item;
  }

  /** A copy of the items, front first. */
  toArray(): T[] {
    return this._items.slice(this._head) as T[];
  }

  /** Iterates front first. */
  *[Symbol.iterator](): Iterator<T> {
    for (let i = this._head; i < this._items.length; i++) {
      yield this._items[i] as T;
    }
  }
}

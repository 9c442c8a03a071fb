/** A node of {@link RunningList}: the links live on the item itself. */
export interface RunningNode {
  previousRunning: RunningNode | undefined;
  nextRunning: RunningNode | undefined;
}

/**
 * Executions that are still running, in start order: a doubly linked list
 * threaded through the items themselves, so that appending, finding the
 * oldest or newest and removing any one are all O(1) pointer updates, with
 * no hashing and no allocation, however many run at once. An item is in
 * at most one list at a time, and a list holds items of one type only, so
 * that its links lead to items of that type.
 */
export class RunningList<T extends RunningNode> implements Iterable<T> {
  private _oldest: T | undefined;
  private _newest: T | undefined;
  private _size = 0;

  /** The number of items in the list. */
  get size(): number {
    return this._size;
  }

  /** The item that was appended first. */
  get oldest(): T | undefined {
    return this._oldest;
  }

  /** The item that was appended last. */
  get newest(): T | undefined {
    return this._newest;
  }

  /** Adds an item at the newest end. */
  append(item: T): void {
    item.previousRunning = this._newest;
    item.nextRunning = undefined;
    if (this._newest === undefined) this._oldest = item;
    else this._newest.nextRunning = item;
    this._newest = item;
    this._size++;
  }

  /** Removes an item that is in this list, wherever it is. */
  remove(item: T): void {
    const previous = item.previousRunning as T | undefined;
    const next = item.nextRunning as T | undefined;
    if (previous === undefined) this._oldest = next;
    else previous.nextRunning = next;
    if (next === undefined) this._newest = previous;
    else next.previousRunning = previous;
    item.previousRunning = undefined;
    item.nextRunning = undefined;
    this._size--;
  }

  /** Iterates oldest first; the current item may be removed meanwhile. */
  *[Symbol.iterator](): Iterator<T> {
    let item = this._oldest;
    while (item !== undefined) {
      const next = item.nextRunning as T | undefined;
      yield item;
      item = next;
    }
  }
}

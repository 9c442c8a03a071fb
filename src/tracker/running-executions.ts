/** A node of {@link RunningExecutions}: the links live on the item itself. */
export interface RunningNode<T> {
  previousRunning: T | undefined;
  nextRunning: T | undefined;
}

/**
 * The executions of one routine that are still running, in start order.
 * A doubly linked list threaded through the executions themselves, so that
 * appending, finding the newest and removing any one are all O(1), however
 * many run at once.
 */
export class RunningExecutions<
  T extends RunningNode<T>,
> implements Iterable<T> {
  private _oldest: T | undefined;
  private _newest: T | undefined;

  /** The execution that started last. */
  get newest(): T | undefined {
    return this._newest;
  }

  /** Adds a newly started execution. */
  append(item: T): void {
    item.previousRunning = this._newest;
    item.nextRunning = undefined;
    if (this._newest === undefined) this._oldest = item;
    else this._newest.nextRunning = item;
    this._newest = item;
  }

  /** Removes an execution, wherever it is in the list. */
  remove(item: T): void {
    const { previousRunning, nextRunning } = item;
    if (previousRunning === undefined) this._oldest = nextRunning;
    else previousRunning.nextRunning = nextRunning;
    if (nextRunning === undefined) this._newest = previousRunning;
    else nextRunning.previousRunning = previousRunning;
    item.previousRunning = undefined;
    item.nextRunning = undefined;
  }

  /** Iterates oldest first. */
  *[Symbol.iterator](): Iterator<T> {
    for (let item = this._oldest; item !== undefined; item = item.nextRunning) {
      yield item;
    }
  }
}

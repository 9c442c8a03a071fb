import { RunningList } from '../internal/running-list.js';
import { FinishedRecords } from './finished-records.js';
import { RoutineStats } from './routine-stats.js';
import type { StoredExecution } from './stored.js';

/**
 * The records of one routine, bounded, with its aggregates. Finished and
 * running records are held apart so that the bound can drop the oldest
 * finished record in O(1) while executions that started long ago are still
 * running; a running record is dropped only when nothing else is left.
 */
export class RoutineStore {
  /** The routine's aggregates over the whole run. */
  readonly stats = new RoutineStats();
  /** Records dropped by the bound. */
  dropped = 0;

  private readonly _finished: FinishedRecords;
  // Linked through the records: ending one moves it without hashing.
  private readonly _running = new RunningList<StoredExecution>();

  /**
   * @param _limit records kept
   * @param routineId the routine, given to the records read back
   */
  constructor(
    private readonly _limit: number,
    routineId: string,
  ) {
    this._finished = new FinishedRecords(routineId);
  }

  /** Stores a new record, ended or not, and applies the bound. */
  add(execution: StoredExecution): void {
    this.stats.add(execution.status, execution.ended);
    // A running record's duration is counted when it ends, with the one it
    // ends with; one that a dump carries while still running is stale.
    if (execution.ended && execution.executionTime !== undefined) {
      this.stats.addDuration(execution.executionTime);
    }

    if (execution.ended) this._finished.push(execution);
    else this._running.append(execution);
    if (this._finished.length + this._running.size > this._limit) {
      this._applyBound();
    }
  }

  /** Records that `execution`, stored earlier as running, has ended. */
  markEnded(execution: StoredExecution, previousStatus: string): void {
    this.stats.end(previousStatus, execution.status);
    if (execution.executionTime !== undefined) {
      this.stats.addDuration(execution.executionTime);
    }

    if (!execution.retained) return;
    this._running.remove(execution);
    this._finished.push(execution);
  }

  /** The retained records in the order they started. */
  retained(): StoredExecution[] {
    const all = this._finished.toArray();
    for (const execution of this._running) all.push(execution);
    return all.sort((a, b) => a.seq - b.seq);
  }

  private _applyBound(): void {
    while (this._finished.length + this._running.size > this._limit) {
      if (!this._finished.dropOldest()) {
        const victim = this._running.oldest;
        if (victim === undefined) return;
        this._running.remove(victim);
        victim.retained = false;
      }
      this.dropped++;
    }
  }
}

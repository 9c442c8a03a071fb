import { RunningList } from '../internal/running-list.js';
import { FinishedRecords } from './finished-records.js';
import { RoutineStats } from './routine-stats.js';
import type { StoredExecution } from './stored.js';

/**
 * The records of one routine, bounded, with its aggregates. Finished and
 * running records are held apart so that the bound can drop the oldest
 * finished record in O(1) while executions that started long ago are still
 * running; a running record is dropped only when nothing else is left.
 *
 * @template R what a running record is: the tracker's running records
 *   are its execution handles, so that an execution is one object
 */
export class RoutineStore<R extends StoredExecution = StoredExecution> {
  /** The routine's aggregates over the whole run. */
  readonly stats = new RoutineStats();
  /** Records dropped by the bound. */
  dropped = 0;
  /**
   * Every running record, oldest first, whether the bound still holds it
   * or not: one that was dropped can still be ended.
   */
  readonly running = new RunningList<R>();
  /**
   * Kept for the store's user, who finds the store anyway: the tracker
   * keeps here the span that sent the routine its latest event.
   */
  cause: unknown = undefined;

  private readonly _finished: FinishedRecords;
  // The bound drops running records oldest first, so the ones it dropped
  // are the oldest of the list: the held ones start at this record.
  private _oldestHeld: R | undefined = undefined;
  private _heldRunning = 0;

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

  /** Stores a new record, running or ended, and applies the bound. */
  add(execution: R): void {
    if (execution.ended) this.addFinished(execution);
    else this.addRunning(execution);
  }

  /** Stores a record that arrives ended, as from a dump. */
  addFinished(execution: StoredExecution): void {
    this.stats.add(execution.status, true);
    if (execution.executionTime !== undefined) {
      this.stats.addDuration(execution.executionTime);
    }
    this._finished.push(execution);
    this._applyBound();
  }

  /**
   * Stores a running record. Its duration is counted when it ends, with
   * the one it ends with; one that a dump carries while still running is
   * stale.
   */
  addRunning(execution: R): void {
    this.stats.add(execution.status, false);
    this.running.append(execution);
    this._oldestHeld ??= execution;
    this._heldRunning++;
    this._applyBound();
  }

  /** Records that `execution`, stored earlier as running, has ended. */
  markEnded(execution: R, previousStatus: string): void {
    this.stats.end(previousStatus, execution.status);
    if (execution.executionTime !== undefined) {
      this.stats.addDuration(execution.executionTime);
    }

    if (execution === this._oldestHeld) {
      this._oldestHeld = execution.nextRunning as R | undefined;
    }
    this.running.remove(execution);
    if (!execution.retained) return;
    this._heldRunning--;
    this._finished.push(execution);
  }

  /** The retained records in the order they started. */
  retained(): StoredExecution[] {
    const all = this._finished.toArray();
    for (let held = this._oldestHeld; held !== undefined;) {
      all.push(held);
      held = held.nextRunning as R | undefined;
    }
    return all.sort((a, b) => a.seq - b.seq);
  }

  private _applyBound(): void {
    while (this._finished.length + this._heldRunning > this._limit) {
      if (!this._finished.dropOldest()) {
        const victim = this._oldestHeld;
        if (victim === undefined) return;
        victim.retained = false;
        this._oldestHeld = victim.nextRunning as R | undefined;
        this._heldRunning--;
      }
      this.dropped++;
    }
  }
}

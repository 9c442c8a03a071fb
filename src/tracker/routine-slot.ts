import { RunningList } from '../internal/running-list.js';
import type { RoutineStore } from '../mirror/routine-store.js';
import type { TrackedExecution } from './execution-handle.js';

/**
 * What a tracker keeps per routine: the mirror's store of its records and
 * its running executions. Found with one lookup at the start of an
 * execution and carried by the handle, so that ending it looks nothing up.
 */
export class RoutineSlot {
  /** The routine's executions that are still running, oldest first. */
  readonly running = new RunningList<TrackedExecution>();

  constructor(
    /** The mirror's records and aggregates of the routine. */
    readonly store: RoutineStore,
  ) {}
}

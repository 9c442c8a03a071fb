/**
 * The mirror's own form of the records: numbers for times, and fields laid
 * out once so that every record shares one hidden class. They become the
 * public `ExecutionRecord` and `EventRecord` only when read or serialized.
 */

import type { RunningNode } from '../internal/running-list.js';

/** One execution as the mirror holds it. */
export class StoredExecution implements RunningNode {
  /** `running` until the execution ends. */
  status = 'running';
  /** End time in epoch microseconds, once ended. */
  endMicros: number | undefined = undefined;
  /** The result the engine passed, if any. */
  result: unknown = undefined;
  /** The error message the engine passed, if any. */
  error: string | undefined = undefined;
  /** Duration in seconds, once ended. */
  executionTime: number | undefined = undefined;
  /**
   * Whether the record is still held while it runs (the bound drops a
   * running one only when nothing else is left); aggregates count it
   * either way. A finished record is held as a copy.
   */
  retained = true;
  /** Links in its routine's list of running records, while it runs. */
  previousRunning: RunningNode | undefined = undefined;
  nextRunning: RunningNode | undefined = undefined;

  constructor(
    /** Start order within the tracker, to list records as they started. */
    readonly seq: number,
    readonly routineId: string,
    readonly startMicros: number,
    readonly params: Record<string, unknown>,
  ) {}

  /** Whether the execution has ended. */
  get ended(): boolean {
    return this.endMicros !== undefined || this.status !== 'running';
  }
}

/** One event as the mirror holds it. */
export class StoredEvent {
  constructor(
    readonly micros: number,
    readonly sourceRoutineId: string,
    readonly eventName: string,
    readonly targetRoutineId: string | null,
    readonly data: Record<string, unknown>,
  ) {}
}

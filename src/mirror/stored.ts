/**
 * The mirror's own form of the records: numbers for times, and fields laid
 * out once so that every record shares one hidden class. They become the
 * public `ExecutionRecord` and `EventRecord` only when read or serialized.
 */

import type { RunningNode } from '../internal/running-list.js';

/** One execution as the mirror holds it. */
export interface StoredExecution extends RunningNode {
  /** Start order within the tracker, to list records as they started. */
  readonly seq: number;
  readonly routineId: string;
  /** Start time in epoch microseconds. */
  readonly startMicros: number;
  readonly params: Record<string, unknown>;
  /** `running` until the execution ends. */
  status: string;
  /** End time in epoch microseconds, once ended. */
  endMicros: number | undefined;
  /** The result the engine passed, if any. */
  result: unknown;
  /** The error message the engine passed, if any. */
  error: string | undefined;
  /** Duration in seconds, once ended. */
  executionTime: number | undefined;
  /**
   * Whether the record is still held while it runs (the bound drops a
   * running one only when nothing else is left); aggregates count it
   * either way. A finished record is held as a copy.
   */
  retained: boolean;
  /** Whether the execution has ended. */
  readonly ended: boolean;
}

/**
 * A stored execution that is nothing more: one loaded from a dump, or
 * read back from a routine's finished records. Its fields are laid out
 * once, so that every record shares one hidden class.
 */
export class PlainExecution implements StoredExecution {
  status = 'running';
  endMicros: number | undefined = undefined;
  result: unknown = undefined;
  error: string | undefined = undefined;
  executionTime: number | undefined = undefined;
  retained = true;
  previousRunning: RunningNode | undefined = undefined;
  nextRunning: RunningNode | undefined = undefined;

  constructor(
    readonly seq: number,
    readonly routineId: string,
    readonly startMicros: number,
    readonly params: Record<string, unknown>,
  ) {}

  get ended(): boolean {
    return hasEnded(this);
  }
}

/**
 * Whether an execution has ended: it has an end time, or a status other
 * than `running` (a dump may carry either without the other).
 */
export function hasEnded(
  record: Pick<StoredExecution, 'endMicros' | 'status'>,
): boolean {
  return record.endMicros !== undefined || record.status !== 'running';
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

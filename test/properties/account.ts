// An account, kept beside the tracker, of what the calls made to it should
// have recorded: the executions each start opened, which one each end
// closed and with what status, how many events were valid. It follows the
// README's rules (ids are strings, numbers taken as their text; an end
// closes the most recent running execution of its routine; a handle closes
// exactly its own; a second end is ignored) and never asks the tracker.
import type { ExecutionHandle } from '../../src/index.js';

/** One execution as the calls describe it. */
export interface ExpectedExecution {
  readonly routine: string;
  /** Undefined while it runs. */
  status: string | undefined;
  /** Started after the tracker's end(). */
  readonly afterEnd: boolean;
  readonly handle: ExecutionHandle;
}

/** An id's text as the README defines it; undefined for misuse. */
export function idText(id: unknown): string | undefined {
  if (typeof id === 'string') return id;
  if (typeof id === 'number') return String(id);
  return undefined;
}

/** The status an end records: given text as it is, anything else as text. */
export function statusText(status: unknown): string {
  const text: string = typeof status === 'string' ? status : String(status);
  return status === undefined ? 'completed' : text;
}

export class CallAccount {
  /** Every handle a start returned, recorded or not. */
  readonly handles: ExecutionHandle[] = [];
  readonly expected: ExpectedExecution[] = [];
  expectedEvents = 0;
  /** Whether the tracker's end() has been called. */
  ended = false;
  private readonly _byHandle = new Map<ExecutionHandle, ExpectedExecution>();

  /** A start of `routine` returned `handle`. */
  started(routine: unknown, handle: ExecutionHandle): void {
    this.handles.push(handle);
    const id = idText(routine);
    if (id === undefined) return;
    const execution = {
      routine: id,
      status: undefined,
      afterEnd: this.ended,
      handle,
    };
    this.expected.push(execution);
    this._byHandle.set(handle, execution);
  }

  /** Whether `handle` stands for a recorded execution. */
  records(handle: ExecutionHandle): boolean {
    return this._byHandle.has(handle);
  }

  /** recordRoutineEnd(routine, status) was called. */
  endNewest(routine: unknown, status: unknown): void {
    const id = idText(routine);
    const newest = [...this.expected]
      .reverse()
      .find((e) => e.routine === id && e.status === undefined);
    if (newest !== undefined) newest.status = statusText(status);
  }

  /** The execution of `handle` ended with `status`, unless it had ended. */
  endHandle(handle: ExecutionHandle | undefined, status: string): void {
    const execution = handle && this._byHandle.get(handle);
    if (execution?.status === undefined && execution !== undefined) {
      execution.status = status;
    }
  }

  /** An event of `source` named `name` to `target` was recorded. */
  event(source: unknown, name: unknown, target: unknown): void {
    const targetOk =
      target === undefined || target === null || idText(target) !== undefined;
    if (
      idText(source) !== undefined &&
      idText(name) !== undefined &&
      targetOk
    ) {
      this.expectedEvents++;
    }
  }

  /** The expected count of records per status, running ones included. */
  statusCounts(): Record<string, number> {
    const counts = new Map<string, number>();
    for (const { status = 'running' } of this.expected) {
      counts.set(status, (counts.get(status) ?? 0) + 1);
    }
    return Object.fromEntries(counts);
  }
}

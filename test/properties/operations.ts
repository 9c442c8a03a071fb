// Plays generated calls against a tracker, keeping the account of what
// they should have recorded, and collects every way the tracker let its
// caller down: a call that threw, a trackRoutine that did not hand back
// what its function gave.
import type { ExecutionStatus, ExecutionTracker } from '../../src/index.js';
import {
  ExecutionTracker as Tracker,
  type ExecutionHandle,
} from '../../src/index.js';
import { CallAccount, idText, statusText } from './account.js';
import { build, type Operation } from './arbitraries.js';
import { describeError, trackCall, type PendingCall } from './track-call.js';

export class OperationRunner extends CallAccount {
  /** Everything that went wrong, as text: it must stay empty. */
  readonly failures: string[] = [];
  readonly pending: PendingCall[] = [];

  constructor(readonly tracker: ExecutionTracker) {
    super();
  }

  // Only a flush awaits: between other calls no promise may settle, so
  // that an async execution runs until the next flush, as the account has it.
  async run(list: readonly Operation[]): Promise<void> {
    for (const operation of list) {
      if (operation.op === 'flush') await this.flush();
      else this.call(operation);
    }
  }

  /** Lets every promise settle, and checks what trackRoutine gave back. */
  async flush(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    for (const pending of this.pending.splice(0)) {
      const [expected, actual] = [await pending.expected, pending.actual];
      if (actual === undefined) {
        this.failures.push('a trackRoutine promise never settled');
      } else if (
        actual.ok !== expected.ok ||
        !Object.is(actual.value, expected.value)
      ) {
        this.failures.push(
          'a trackRoutine promise settled unlike its function',
        );
      }
      this.endHandle(
        pending.handle,
        actual?.ok === true ? 'completed' : 'failed',
      );
    }
  }

  /** Ends every execution still running, as an engine that winds down. */
  endEverything(): void {
    for (const handle of this.handles) {
      this.guard('end', () => {
        handle.end('completed');
      });
      this.endHandle(handle, 'completed');
    }
  }

  /** Makes one call; a flush in the list is for run() to await. */
  call(operation: Operation): void {
    const { tracker } = this;
    const id = (operation as { routine?: unknown }).routine as string;
    switch (operation.op) {
      case 'start': {
        const { params } = operation;
        const handle = this.guard('recordRoutineStart', () =>
          params === undefined
            ? tracker.recordRoutineStart(id)
            : tracker.recordRoutineStart(
                id,
                build(params) as Record<string, unknown>,
              ),
        );
        if (handle !== undefined) this.started(id, handle);
        return;
      }
      case 'end':
        this.guard('recordRoutineEnd', () => {
          const { status, result, error } = operation;
          tracker.recordRoutineEnd(
            id,
            status as ExecutionStatus,
            build(result),
            error && build(error),
          );
        });
        this.endNewest(id, operation.status);
        return;
      case 'endHandle': {
        const handle = this.handleAt(operation.handle);
        const { status, result, error } = operation;
        this.guard('execution.end', () => {
          handle?.end(
            status as ExecutionStatus,
            build(result),
            error && build(error),
          );
        });
        this.endHandle(handle, statusText(status));
        return;
      }
      case 'event':
      case 'handleEvent':
        this._event(operation);
        return;
      case 'track':
        trackCall(this, operation);
        return;
      case 'query':
        this.guard(`query ${operation.query}`, () => this._query(operation));
        return;
      case 'endTracker':
        this.guard('end', () => {
          tracker.end();
        });
        this.ended = true;
        return;
      case 'flush':
        return;
    }
  }

  handleAt(index: number): ExecutionHandle | undefined {
    const { handles } = this;
    return handles.length === 0 ? undefined : handles[index % handles.length];
  }

  guard<T>(what: string, call: () => T): T | undefined {
    try {
      return call();
    } catch (error) {
      this.failures.push(`${what} threw ${describeError(error)}`);
      return undefined;
    }
  }

  private _event(
    operation: Extract<Operation, { op: 'event' | 'handleEvent' }>,
  ): void {
    const name = operation.name as string;
    const target = operation.target as string;
    const data =
      operation.data && (build(operation.data) as Record<string, unknown>);
    if (operation.op === 'event') {
      const source = operation.source as string;
      this.guard('recordEvent', () => {
        this.tracker.recordEvent(source, name, target, data);
      });
      this.event(source, name, target);
      return;
    }
    const handle = this.handleAt(operation.handle);
    if (handle === undefined) return;
    this.guard('execution.recordEvent', () => {
      handle.recordEvent(name, target, data);
    });
    if (this.records(handle)) this.event(handle.routineId, name, target);
  }

  private _query(operation: Extract<Operation, { op: 'query' }>): unknown {
    const { tracker } = this;
    const id = operation.routine as string;
    const handle = this.handleAt(operation.handle);
    switch (operation.query) {
      case 'routine': {
        const known = this.expected.some((e) => e.routine === idText(id));
        if ((tracker.getRoutinePerformance(id) !== null) !== known) {
          this.failures.push(
            `getRoutinePerformance(${String(idText(id))}) is wrong about whether it ran`,
          );
        }
        return;
      }
      case 'flow':
        return tracker.getFlowPerformance();
      case 'metrics':
        return [tracker.getPerformanceMetrics(), tracker.performanceMetrics];
      case 'executions':
        return tracker.routineExecutions;
      case 'events':
        return tracker.eventFlow;
      case 'handle':
        return (
          handle && [
            handle.record,
            handle.spanContext,
            handle.context,
            handle.ended,
          ]
        );
      case 'roundTrip':
        // A dump the tracker wrote must load back.
        return Tracker.deserialize(
          JSON.parse(JSON.stringify(tracker)) as unknown,
        );
    }
  }
}

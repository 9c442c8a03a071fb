// trackRoutine as a generated call: its function makes more calls in the
// execution's context, then returns, throws, or hands back a promise or a
// thenable. README: trackRoutine "records completed with what fn returns,
// or failed with the error, and rethrows the very same error".
import type { ExecutionHandle } from '../../src/index.js';
import { build, type Operation } from './arbitraries.js';
import type { OperationRunner } from './operations.js';

interface Settled {
  readonly ok: boolean;
  readonly value: unknown;
}

/** A trackRoutine that gave back a promise, until the next flush. */
export interface PendingCall {
  readonly handle: ExecutionHandle | undefined;
  /** How the function's own promise or thenable settles. */
  readonly expected: Promise<Settled>;
  /** How the promise trackRoutine returned settled, once it has. */
  actual: Settled | undefined;
}

/** A thrown value as text, for a failure message. */
export function describeError(error: unknown): string {
  try {
    return error instanceof Error
      ? (error.stack ?? error.message)
      : String(error);
  } catch {
    return 'an unprintable value';
  }
}

function settle(promise: unknown): Promise<Settled> {
  return Promise.resolve(promise).then(
    (value: unknown) => ({ ok: true, value }),
    (value: unknown) => ({ ok: false, value }),
  );
}

/** What the function hands back for each async outcome. */
function asyncReturn(
  outcome: Operation & { op: 'track' },
  value: unknown,
): unknown {
  switch (outcome.outcome) {
    case 'resolve':
      return Promise.resolve(value);
    case 'reject':
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a routine may reject with anything
      return Promise.reject(value);
    default:
      return {
        then(): never {
          throw value;
        },
      };
  }
}

export function trackCall(
  runner: OperationRunner,
  operation: Extract<Operation, { op: 'track' }>,
): void {
  const { tracker, failures } = runner;
  const id = operation.routine as string;
  const built = operation.params && build(operation.params);
  // trackRoutine(id, fn) takes a function where params would be as the
  // function to run: a function meant as params goes inside an object.
  const params = (typeof built === 'function' ? { built } : built) as
    Record<string, unknown> | undefined;
  const value = build(operation.value);
  if (operation.outcome === 'noFunction') {
    const returned: unknown = runner.guard('trackRoutine', () =>
      tracker.trackRoutine(
        id,
        params,
        'no function' as unknown as () => unknown,
      ),
    );
    if (returned !== undefined) failures.push('trackRoutine ran something');
    return;
  }

  let handle: ExecutionHandle | undefined;
  let expected: Promise<Settled> = Promise.resolve({ ok: false, value });
  const fn = (execution: ExecutionHandle): unknown => {
    handle = execution;
    runner.started(id, execution);
    for (const inner of operation.inner) runner.call(inner);
    if (operation.outcome === 'return') return value;
    if (operation.outcome === 'throw') throw value;
    const returned = asyncReturn(operation, value);
    if (operation.outcome !== 'throwingThenable') expected = settle(returned);
    return returned;
  };

  let caught: { error: unknown } | undefined;
  let returned: unknown;
  try {
    returned =
      params === undefined
        ? tracker.trackRoutine(id, fn)
        : tracker.trackRoutine(id, params, fn);
  } catch (error) {
    caught = { error };
  }
  if (operation.outcome === 'throw') {
    if (!Object.is(caught?.error, value) || caught === undefined) {
      failures.push('trackRoutine did not rethrow the very error');
    }
    runner.endHandle(handle, 'failed');
  } else if (caught !== undefined) {
    failures.push(`trackRoutine threw ${describeError(caught.error)}`);
  } else if (operation.outcome === 'return') {
    if (!Object.is(returned, value))
      failures.push('trackRoutine changed the value');
    runner.endHandle(handle, 'completed');
  } else {
    const pending: PendingCall = { handle, expected, actual: undefined };
    void settle(returned).then((actual) => {
      pending.actual = actual;
    });
    runner.pending.push(pending);
  }
}

/**
 * Error policies and the errors of the flow runtime.
 */

/**
 * What the runtime does when a routine's handler throws or rejects:
 *
 * - `'stop'`: the execution is recorded as `failed`, the flow stops (no new
 *   work starts) and the run reports the error;
 * - `'continue'`: the execution is recorded as `error_continued`, the
 *   routine's `error` event is emitted and the flow goes on;
 * - a {@link RetryPolicy}: up to `attempts` attempts, each one its own
 *   recorded execution; the last failure is then handled as `then` says.
 */
export type ErrorPolicy = 'stop' | 'continue' | RetryPolicy;

/** Try a failing delivery again, then stop or continue. */
export interface RetryPolicy {
  /** Attempts in all, the first one included; an integer of at least 1. */
  readonly attempts: number;
  /** How the failure of the last attempt is handled. Default `'stop'`. */
  readonly then?: 'stop' | 'continue';
  /** Pause between two attempts, in milliseconds. Default 0. */
  readonly delayMs?: number;
}

/** An error policy with its defaults applied. */
export interface ResolvedPolicy {
  /** Attempts in all; 1 for `'stop'` and `'continue'`. */
  readonly attempts: number;
  /** How the failure of the last attempt is handled. */
  readonly then: 'stop' | 'continue';
  /** Pause between two attempts, in milliseconds. */
  readonly delayMs: number;
}

/**
 * Applies the defaults to a policy and checks it, so that a bad policy
 * fails when the flow is defined rather than when a handler first fails.
 * @throws FlowDefinitionError for attempts or delays out of range
 */
export function resolvePolicy(
  routineId: string,
  policy: ErrorPolicy = 'stop',
): ResolvedPolicy {
  if (policy === 'stop' || policy === 'continue') {
    return { attempts: 1, then: policy, delayMs: 0 };
  }
  const { attempts, then = 'stop', delayMs = 0 } = policy;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new FlowDefinitionError(
      `routine ${routineId}: retry attempts must be an integer of at least 1, got ${String(attempts)}`,
    );
  }
  if (!Number.isFinite(delayMs) || delayMs < 0) {
    throw new FlowDefinitionError(
      `routine ${routineId}: retry delayMs must be a finite number of at least 0, got ${String(delayMs)}`,
    );
  }
  return { attempts, then, delayMs };
}

/**
 * A mistake in the flow's definition or use: an unknown routine, slot or
 * event, a duplicate id, an emit after the handler settled. Thrown where
 * the mistake is made; inside a handler it fails that execution.
 */
export class FlowDefinitionError extends Error {
  override readonly name = 'FlowDefinitionError';
}

/**
 * The failure that stopped a flow: which routine, on which slot, at which
 * attempt; `cause` is what the handler threw.
 */
export class RoutineError extends Error {
  override readonly name = 'RoutineError';

  /**
   * @param routineId the routine whose handler failed
   * @param slot the slot the failing delivery arrived on
   * @param attempt the attempt that failed, from 1
   * @param cause what the handler threw
   */
  constructor(
    readonly routineId: string,
    readonly slot: string,
    readonly attempt: number,
    cause: unknown,
  ) {
    super(`routine ${routineId} failed on slot ${slot}: ${messageOf(cause)}`, {
      cause,
    });
  }
}

/** How the runtime handled one failed attempt. */
export type FailureHandling = 'retried' | 'stopped' | 'continued';

/** One failed attempt of a handler, as the run reports it. */
export interface RoutineFailure {
  /** The routine whose handler failed. */
  readonly routineId: string;
  /** The slot the delivery arrived on. */
  readonly slot: string;
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  /** What the handler threw. */
  readonly error: unknown;
  /** Tried again, stopped the flow, or recorded and let go. */
  readonly handling: FailureHandling;
}

/**
 * The message of anything a handler may throw: handlers can throw
 * strings, plain objects or `null` as well as Errors.
 */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    // undefined for undefined, functions and symbols.
    const text = JSON.stringify(error) as string | undefined;
    return text ?? String(error);
  } catch {
    return String(error);
  }
}

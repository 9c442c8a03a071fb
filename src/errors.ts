import { describeValue } from './internal/values.js';

const BRAND = Symbol.for('otel-execution-tracker.TrackerFormatError');

/**
 * Thrown by {@link ExecutionTracker.deserialize} when its input is not a
 * serialized tracker. `path` names the first field that is wrong, in the
 * form `routine_executions.worker[2].start_time`.
 *
 * @example
 * try {
 *   ExecutionTracker.deserialize(JSON.parse(text));
 * } catch (error) {
 *   if (error instanceof TrackerFormatError) console.error(error.path);
 * }
 */
export class TrackerFormatError extends Error {
  /** The path of the first bad field; empty for the top-level value. */
  readonly path: string;

  /**
   * `instanceof` holds across the ES module and CommonJS builds of the
   * package, should an application load both: each has its own class.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }

  readonly [BRAND] = true;

  constructor(path: string, expected: string, received: unknown) {
    const where = path === '' ? 'the serialized tracker' : path;
    super(
      `${where}: expected ${expected}, received ${describeValue(received)}`,
    );
    this.name = 'TrackerFormatError';
    this.path = path;
  }
}

import { describeValue } from './internal/values.js';

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

  constructor(path: string, expected: string, received: unknown) {
    const where = path === '' ? 'the serialized tracker' : path;
    super(
      `${where}: expected ${expected}, received ${describeValue(received)}`,
    );
    this.name = 'TrackerFormatError';
    this.path = path;
  }
}

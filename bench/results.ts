import type { Measured, Ratio } from './measure.js';
import type { Profile, ScenarioId } from './options.js';

/** A figure the library aims for; the benchmark reports, never fails. */
export interface Target {
  /** `at most` or `at least` {@link limit}. */
  readonly direction: 'at most' | 'at least';
  readonly limit: number;
  /** Whether the measured figure meets it; `null` when not measured. */
  readonly met: boolean | null;
}

/** The unit of a figure, as the table prints it. */
export type Unit = 'ns' | 'ratio' | 'speedup' | 'bytes' | 'MiB' | 's';

/** One figure of a scenario. */
export interface Row {
  /** A stable key for the JSON output. */
  readonly key: string;
  readonly label: string;
  /** `null` when it could not be measured; {@link note} says why. */
  readonly value: number | null;
  readonly unit: Unit;
  /** The spread behind it, e.g. the range of the per-round ratios. */
  readonly spread?: readonly [number, number];
  readonly target?: Target;
  readonly note?: string;
}

/** What one scenario measured. */
export interface ScenarioResult {
  readonly id: ScenarioId;
  readonly title: string;
  readonly rows: readonly Row[];
  /** Lines printed under the scenario's table. */
  readonly notes: readonly string[];
  /** Everything behind the rows: per-round figures, batch sizes, counts. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly seconds: number;
}

/** What a scenario is given to run. */
export interface ScenarioContext {
  readonly profile: Profile;
  /** Progress, on standard error. */
  readonly log: (message: string) => void;
}

/** The target `direction limit` for `value`, and whether it is met. */
export function target(
  value: number | null,
  direction: Target['direction'],
  limit: number,
): Target {
  if (value === null || Number.isNaN(value)) {
    return { direction, limit, met: null };
  }
  const met = direction === 'at most' ? value <= limit : value >= limit;
  return { direction, limit, met };
}

/** The time per unit of work of one contender. */
export function nsRow(key: string, label: string, measured: Measured): Row {
  return { key, label, value: measured.ns, unit: 'ns' };
}

/**
 * A ratio of two contenders timed in the same rounds, with the range of
 * its per-round values, and the target it is held to, if any.
 */
export function ratioRow(
  key: string,
  label: string,
  ratio: Ratio,
  atMost?: number,
): Row {
  return {
    key,
    label,
    value: ratio.value,
    unit: 'ratio',
    spread: [ratio.min, ratio.max],
    ...(atMost === undefined
      ? {}
      : { target: target(ratio.value, 'at most', atMost) }),
  };
}

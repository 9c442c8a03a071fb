import type { RoutinePerformance } from '../records.js';
import { CompensatedSum } from './compensated-sum.js';
import { DurationHistogram } from './duration-histogram.js';

/** The statuses with a counter of their own, in the order they are listed. */
const KNOWN_STATUSES = [
  'running',
  'completed',
  'failed',
  'skipped',
  'error_continued',
] as const;

/** Durations kept exactly before a routine's percentiles come from a histogram. */
export const EXACT_DURATIONS = 64;

/**
 * Exact running aggregates for one routine, kept apart from the stored
 * records so that dropping a record never changes a figure. Every update
 * and every query is O(1) in the number of executions.
 */
export class RoutineStats {
  /** Executions recorded, running ones included. */
  total = 0;
  /** Executions that have ended. */
  ended = 0;

  // The statuses engines use get a field each: counting them is an add,
  // not a hash lookup. Any other status string goes to the map.
  private _running = 0;
  private _completed = 0;
  private _failed = 0;
  private _skipped = 0;
  private _errorContinued = 0;
  private _otherCounts: Map<string, number> | undefined;
  private readonly _sum = new CompensatedSum();
  private _timed = 0;
  private _min = Infinity;
  private _max = -Infinity;
  // The first durations are kept as they are, so that the percentiles of a
  // routine that ran a few times are exact, and a routine costs a few
  // bytes until it has run often: the histogram takes over past
  // EXACT_DURATIONS, and is kilobytes where a flow may have thousands of
  // ids.
  private _durations: number[] | undefined = [];
  private _histogram: DurationHistogram | undefined;

  /** Counts a new execution under `status`. */
  add(status: string, ended: boolean): void {
    this.total++;
    if (ended) this.ended++;
    this._bump(status, 1);
  }

  /** Moves one execution from `from` to `to` as it ends. */
  end(from: string, to: string): void {
    this.ended++;
    if (from === to) return;
    this._bump(from, -1);
    this._bump(to, 1);
  }

  /** Adds one duration in seconds. */
  addDuration(seconds: number): void {
    this._timed++;
    this._sum.add(seconds);
    if (seconds < this._min) this._min = seconds;
    if (seconds > this._max) this._max = seconds;
    const durations = this._durations;
    if (durations === undefined) {
      (this._histogram as DurationHistogram).add(seconds);
    } else if (durations.length < EXACT_DURATIONS) {
      durations.push(seconds);
    } else {
      const histogram = new DurationHistogram();
      for (const kept of durations) histogram.add(kept);
      histogram.add(seconds);
      this._histogram = histogram;
      this._durations = undefined;
    }
  }

  /** The number of executions with `status`. */
  count(status: string): number {
    switch (status) {
      case 'running':
        return this._running;
      case 'completed':
        return this._completed;
      case 'failed':
        return this._failed;
      case 'skipped':
        return this._skipped;
      case 'error_continued':
        return this._errorContinued;
      default:
        return this._otherCounts?.get(status) ?? 0;
    }
  }

  /** The sum of every duration. */
  get totalTime(): number {
    return this._sum.value;
  }

  /**
   * Executions per status, statuses with none left out: the usual ones
   * first, in a fixed order, then any other in the order it first came.
   */
  statusCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const status of KNOWN_STATUSES) {
      const count = this.count(status);
      if (count !== 0) counts.set(status, count);
    }
    for (const [status, count] of this._otherCounts ?? []) {
      counts.set(status, count);
    }
    return counts;
  }

  /** The routine's figures, computed as routilux does. */
  performance(): RoutinePerformance {
    const completed = this.count('completed');
    const timed = this._timed;
    return {
      total_executions: this.total,
      completed,
      failed: this.count('failed'),
      success_rate: this.total > 0 ? completed / this.total : 0,
      avg_execution_time: timed > 0 ? this._sum.value / timed : 0,
      min_execution_time: timed > 0 ? this._min : 0,
      max_execution_time: timed > 0 ? this._max : 0,
      total_execution_time: this._sum.value,
      p50_execution_time: this._quantile(0.5),
      p95_execution_time: this._quantile(0.95),
      p99_execution_time: this._quantile(0.99),
    };
  }

  /**
   * The `q` quantile with linear interpolation between the two closest
   * ranks, the definition most tools use (numpy's default, for one). Up to
   * EXACT_DURATIONS durations it is exact; past them, each rank's value
   * comes from the histogram, within 0.8%, so the interpolated value is
   * too, and the extreme ranks stay exact.
   */
  private _quantile(q: number): number {
    if (this._timed === 0) return 0;
    const sorted = this._durations?.slice().sort((a, b) => a - b);

    const rank = q * (this._timed - 1);
    const lower = Math.floor(rank);
    const upper = Math.min(lower + 1, this._timed - 1);
    const low = this._valueAtRank(lower, sorted);
    const high = this._valueAtRank(upper, sorted);
    const value = low + (rank - lower) * (high - low);
    return Math.min(this._max, Math.max(this._min, value));
  }

  private _valueAtRank(rank: number, sorted: number[] | undefined): number {
    if (sorted !== undefined) return sorted[rank] ?? 0;
    if (rank <= 0) return this._min;
    if (rank >= this._timed - 1) return this._max;
    // A rank past the histogram's buckets is Infinity there; interpolating
    // from it would give NaN.
    const value = (this._histogram as DurationHistogram).valueAtRank(rank);
    return Math.min(this._max, Math.max(this._min, value));
  }

  private _bump(status: string, delta: number): void {
    switch (status) {
      case 'running':
        this._running += delta;
        return;
      case 'completed':
        this._completed += delta;
        return;
      case 'failed':
        this._failed += delta;
        return;
      case 'skipped':
        this._skipped += delta;
        return;
      case 'error_continued':
        this._errorContinued += delta;
        return;
    }
    const others = (this._otherCounts ??= new Map<string, number>());
    const next = (others.get(status) ?? 0) + delta;
    if (next === 0) others.delete(status);
    else others.set(status, next);
  }
}

/**
 * How the timeline writes times and figures. The performance table uses
 * the same precision as the plain-text table of `performance-table.ts`, so
 * that the two views of a run agree digit for digit.
 */

/**
 * A duration in seconds as a short human figure: microseconds below a
 * millisecond, milliseconds below a second, seconds below a minute, then
 * minutes and seconds.
 *
 * @example
 * formatDuration(0.0342); // '34.2 ms'
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const sign = seconds < 0 ? '-' : '';
  const value = Math.abs(seconds);
  if (value < 1e-3) return `${sign}${(value * 1e6).toFixed(0)} µs`;
  if (value < 1) {
    const ms = value * 1e3;
    return `${sign}${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  }
  if (value < 60) return `${sign}${value.toFixed(value < 10 ? 3 : 2)} s`;
  const minutes = Math.floor(value / 60);
  return `${sign}${minutes} min ${(value - minutes * 60).toFixed(1)} s`;
}

/**
 * The label of an axis tick at `offsetMicros` from the start of the run,
 * in the unit that suits the tick step and with just the decimals the step
 * needs, so that neighbouring labels differ.
 *
 * @example
 * formatTick(2_500_000, 500_000); // '2.5 s'
 */
export function formatTick(offsetMicros: number, stepMicros: number): string {
  // Switching unit a decade early keeps labels short: 0.2 s rather than
  // 200 ms steps up to 1400 ms.
  const [unit, size] =
    stepMicros >= 1e5
      ? (['s', 1e6] as const)
      : stepMicros >= 1e2
        ? (['ms', 1e3] as const)
        : (['µs', 1] as const);
  const decimals = Math.min(
    6,
    Math.max(0, -Math.floor(Math.log10(stepMicros / size) + 1e-9)),
  );
  return `${(offsetMicros / size).toFixed(decimals)} ${unit}`;
}

/**
 * Seconds as milliseconds with one decimal, as the performance table
 * shows them.
 *
 * @example
 * formatMilliseconds(0.0201); // '20.1'
 */
export function formatMilliseconds(seconds: number | undefined): string {
  return ((seconds ?? 0) * 1000).toFixed(1);
}

/**
 * A fraction from 0 to 1 as a percentage with one decimal.
 *
 * @example
 * formatPercent(0.75); // '75.0%'
 */
export function formatPercent(fraction: number | undefined): string {
  return `${((fraction ?? 0) * 100).toFixed(1)}%`;
}

/**
 * An integer with thousands separators, independent of the machine's
 * locale so that the page reads the same wherever it is made.
 *
 * @example
 * formatCount(12345); // '12,345'
 */
export function formatCount(count: number): string {
  return String(Math.trunc(count)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

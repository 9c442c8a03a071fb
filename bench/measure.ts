import { Bench } from 'tinybench';

import type { Profile } from './options.js';

/** One thing timed: `op` does one unit of work (an execution, a query). */
export interface Contender {
  readonly name: string;
  readonly op: (index: number) => void;
}

/** What one contender measured over every round. */
export interface Measured {
  readonly name: string;
  /** Units of work per tinybench sample. */
  readonly batch: number;
  /** Per round: the mean time per unit, in nanoseconds (GC included). */
  readonly meanNs: readonly number[];
  /** Per round: the median sample's time per unit, in nanoseconds. */
  readonly p50Ns: readonly number[];
  /** The median over rounds of {@link meanNs}: the figure reported. */
  readonly ns: number;
}

/** How the contenders of one comparison are timed. */
export interface MeasureOptions {
  readonly profile: Profile;
  /**
   * Units per sample; by default chosen so that one sample takes about
   * half a millisecond, well above the timer's resolution.
   */
  readonly batch?: number;
  /** Time budget per contender and round, if not the profile's. */
  readonly timeMs?: number;
  /** Runs between rounds, outside any timing (say, to flush spans). */
  readonly betweenRounds?: () => Promise<void>;
}

/**
 * Times every contender side by side: each round runs all of them once
 * (tinybench: warm-up, then a time budget of samples), in an order that
 * rotates from round to round so that none always goes first. A round's
 * figure is the mean time per unit over its samples, so that garbage
 * collection is counted; the reported figure is the median over rounds,
 * so that a round disturbed by the rest of the machine does not count.
 */
export async function measureSideBySide(
  contenders: readonly Contender[],
  options: MeasureOptions,
): Promise<Measured[]> {
  const { profile } = options;
  let index = 0;
  const batches = contenders.map(
    (contender) => options.batch ?? calibrateBatch(contender.op),
  );
  const means = contenders.map((): number[] => []);
  const p50s = contenders.map((): number[] => []);

  for (let round = 0; round < profile.rounds; round++) {
    const bench = new Bench({
      time: options.timeMs ?? profile.timeMs,
      warmupTime: profile.warmupMs,
      iterations: 10,
      warmupIterations: 5,
      throws: true,
    });
    const order = contenders.map((_, k) => (k + round) % contenders.length);
    for (const k of order) {
      const contender = contenders[k] as Contender;
      const batch = batches[k] as number;
      const { op } = contender;
      bench.add(contender.name, () => {
        for (let i = 0; i < batch; i++) op(index++);
      });
    }
    await bench.run();
    for (const k of order) {
      const contender = contenders[k] as Contender;
      const batch = batches[k] as number;
      const result = bench.getTask(contender.name)?.result;
      if (result?.state !== 'completed') {
        throw new Error(`${contender.name}: tinybench did not complete`);
      }
      means[k]?.push((result.latency.mean / batch) * 1e6);
      p50s[k]?.push((result.latency.p50 / batch) * 1e6);
    }
    await options.betweenRounds?.();
  }

  return contenders.map((contender, k) => {
    const meanNs = means[k] ?? [];
    return {
      name: contender.name,
      batch: batches[k] ?? 1,
      meanNs,
      p50Ns: p50s[k] ?? [],
      ns: median(meanNs),
    };
  });
}

/** A over B, per round, and the median of those ratios. */
export interface Ratio {
  readonly value: number;
  readonly rounds: readonly number[];
  readonly min: number;
  readonly max: number;
}

/**
 * The ratio of two contenders measured in the same rounds: computed per
 * round, so that each ratio compares figures taken seconds apart, and
 * reported as the median of the per-round ratios.
 */
export function ratioOf(a: Measured, b: Measured): Ratio {
  const rounds = a.meanNs.map((value, k) => value / (b.meanNs[k] ?? NaN));
  return {
    value: median(rounds),
    rounds,
    min: Math.min(...rounds),
    max: Math.max(...rounds),
  };
}

/** The median of `values`; NaN when there are none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Units of `op` that take about half a millisecond, from a short trial. */
function calibrateBatch(op: (index: number) => void): number {
  const targetMs = 0.5;
  let units = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < 20) {
    for (let i = 0; i < 16; i++) op(i);
    units += 16;
    elapsed = performance.now() - start;
  }
  return Math.max(1, Math.round((units * targetMs) / elapsed));
}

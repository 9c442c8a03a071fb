/**
 * Bits of a double's mantissa that choose a bucket within its power of
 * two: 64 buckets per doubling. A bucket's middle is within 1/128 (0.8%)
 * of any value in it.
 */
const SUB_BUCKET_BITS = 6;
/** Buckets per doubling; a bucket's number divided by it is its doubling. */
const PER_DOUBLING = 2 ** SUB_BUCKET_BITS;
/** The high 32 bits of a double hold the exponent and 20 mantissa bits. */
const SHIFT = 20 - SUB_BUCKET_BITS;
/**
 * Durations below 2^-30 s (about a nanosecond) are counted as zero, and
 * durations above 2^40 s (tens of thousands of years, only in a hostile
 * dump) as the largest: the buckets in between are all a histogram can
 * ever need, however wild its values.
 */
const SMALLEST = 2 ** -30;
const LARGEST = 2 ** 40;

// A double's bits, read big-endian whatever the platform.
const bits = new DataView(new ArrayBuffer(8));

function bucketOf(seconds: number): number {
  bits.setFloat64(0, seconds);
  return bits.getUint32(0) >>> SHIFT;
}

function lowerBoundOf(bucket: number): number {
  bits.setUint32(0, bucket * 2 ** SHIFT);
  bits.setUint32(4, 0);
  return bits.getFloat64(0);
}

// A power of two is the first bucket of its doubling.
const FIRST_BUCKET = bucketOf(SMALLEST);
const LAST_BUCKET = bucketOf(LARGEST);

/**
 * Counts of durations in buckets of equal width on a log scale, for
 * percentiles over any number of executions in bounded memory. A bucket
 * is found from the bits of the value, with no logarithm, and the buckets
 * held are the whole doublings the durations span, grown as they come: a
 * routine whose durations span a factor of 16 holds 4 or 5 doublings of
 * 64 buckets (2 to 2.5 KB).
 *
 * Each doubling also keeps its total, so that finding a rank skips whole
 * doublings: a run's durations are mostly alike, with a few far out (a
 * collector's pause, a timeout), and the hundreds of empty buckets in
 * between would otherwise be read on every query.
 */
export class DurationHistogram {
  private _counts = new Float64Array(0);
  private _doublingCounts = new Float64Array(0);
  // The bucket of _counts[0]: always the first of its doubling, so that
  // slot / PER_DOUBLING is the doubling's index in _doublingCounts.
  private _first = 0;
  private _below = 0;
  private _above = 0;

  /** The buckets held: the memory the histogram takes, 8 bytes each. */
  get bucketCount(): number {
    return this._counts.length;
  }

  /** Counts one duration in seconds. */
  add(seconds: number): void {
    // NaN fails both tests and counts as zero.
    if (!(seconds >= SMALLEST)) {
      this._below++;
      return;
    }
    if (seconds > LARGEST) {
      this._above++;
      return;
    }
    const bucket = bucketOf(seconds);
    let slot = bucket - this._first;
    if (slot < 0 || slot >= this._counts.length) {
      this._cover(bucket);
      slot = bucket - this._first;
    }
    (this._counts[slot] as number)++;
    (this._doublingCounts[slot >>> SUB_BUCKET_BITS] as number)++;
  }

  /**
   * The duration of rank `rank` (0 for the smallest) among those counted,
   * within 0.8%: the middle of its bucket. 0 for one counted as zero,
   * Infinity for one above the buckets; callers clamp to the exact
   * minimum and maximum.
   */
  valueAtRank(rank: number): number {
    let seen = this._below;
    if (rank < seen) return 0;
    const doublings = this._doublingCounts;
    for (let doubling = 0; doubling < doublings.length; doubling++) {
      const inDoubling = doublings[doubling] as number;
      if (rank >= seen + inDoubling) {
        seen += inDoubling;
        continue;
      }
      const counts = this._counts;
      const end = Math.min(counts.length, (doubling + 1) * PER_DOUBLING);
      for (let slot = doubling * PER_DOUBLING; slot < end; slot++) {
        seen += counts[slot] as number;
        if (rank < seen) {
          const bucket = this._first + slot;
          return (lowerBoundOf(bucket) + lowerBoundOf(bucket + 1)) / 2;
        }
      }
    }
    return Infinity;
  }

  /**
   * Grows the buckets held to whole doublings that cover `bucket`, at
   * least twice as many as before, so that a histogram grows a few times
   * only.
   */
  private _cover(bucket: number): void {
    const held = this._counts.length;
    let first: number;
    let end: number;
    if (held === 0) {
      first = bucket;
      end = bucket + 1;
    } else if (bucket < this._first) {
      end = this._first + held;
      first = Math.min(bucket, end - 2 * held);
    } else {
      first = this._first;
      end = Math.max(bucket + 1, first + 2 * held);
    }
    first = Math.max(startOfDoubling(first), FIRST_BUCKET);
    end = Math.min(startOfDoubling(end - 1) + PER_DOUBLING, LAST_BUCKET + 1);

    const counts = new Float64Array(end - first);
    const doublingCounts = new Float64Array(
      Math.ceil((end - first) / PER_DOUBLING),
    );
    if (held > 0) {
      counts.set(this._counts, this._first - first);
      doublingCounts.set(
        this._doublingCounts,
        (this._first - first) / PER_DOUBLING,
      );
    }
    this._counts = counts;
    this._doublingCounts = doublingCounts;
    this._first = first;
  }
}

function startOfDoubling(bucket: number): number {
  return bucket - (bucket % PER_DOUBLING);
}

/**
 * A running sum with Neumaier's compensation, so that a million small
 * durations add up to what a single exact addition would give, whatever
 * order they arrive in.
 */
export class CompensatedSum {
  private _sum = 0;
  private _compensation = 0;

  /** Adds a value. */
  add(value: number): void {
    const total = this._sum + value;
    if (!Number.isFinite(total)) {
      // Past the largest double the compensation would become NaN.
      this._sum = total;
      this._compensation = 0;
      return;
    }
    if (Math.abs(this._sum) >= Math.abs(value)) {
      this._compensation += this._sum - total + value;
    } else {
      this._compensation += value - total + this._sum;
    }
    this._sum = total;
  }

  /** The sum of every value added so far. */
  get value(): number {
    return this._sum + this._compensation;
  }
}

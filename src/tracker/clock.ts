/**
 * A wall clock that cannot step backwards. It reads the system clock once,
 * at construction, and advances from there with the monotonic clock, so
 * that durations computed from two of its readings are never negative,
 * whatever happens to the system clock in between. Each tracker owns one:
 * a flow run is short enough that drift from the system clock stays far
 * below a millisecond. It reads the global `performance`, the same clock
 * the OpenTelemetry SDK uses, as it is when the clock is made: the global
 * is a getter in Node, and reading it three times per execution cost more
 * than the clock itself.
 */
export class AnchoredClock {
  private readonly _performance: typeof performance;
  private readonly _anchorWallMicros: number;
  private readonly _anchorMonoMillis: number;

  constructor() {
    this._performance = performance;
    this._anchorWallMicros = Date.now() * 1000;
    this._anchorMonoMillis = this._performance.now();
  }

  private _lastMicros = -Infinity;

  /** The current time in whole microseconds since the Unix epoch. */
  nowMicros(): number {
    const elapsed = this._performance.now() - this._anchorMonoMillis;
    const micros = this._anchorWallMicros + Math.round(elapsed * 1000);
    // performance.now() itself never goes back, but a replaced one can
    // (fake timers installed mid-run); readings stay in order regardless.
    this._lastMicros = Math.max(this._lastMicros, micros);
    return this._lastMicros;
  }
}

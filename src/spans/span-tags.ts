import type { Span } from '@opentelemetry/api';

/**
 * Small facts the tracker keeps about its own spans (which tracker made a
 * span, which execution it belongs to), stored on the span object itself
 * under a private symbol. A WeakMap or WeakSet would do the same, but one
 * entry per span makes their tables grow with the run and costs the hot
 * path a third of its time in garbage collection. A span object that
 * cannot take a property (frozen by its tracer) falls back to a WeakMap.
 */
export class SpanTag<T extends object> {
  private readonly _symbol: symbol;
  private readonly _fallback = new WeakMap<Span, T>();

  constructor(description: string) {
    this._symbol = Symbol(description);
  }

  /** Tags `span` with `value`. */
  set(span: Span, value: T): void {
    try {
      Object.defineProperty(span, this._symbol, {
        value,
        enumerable: false,
        configurable: true,
        writable: true,
      });
    } catch {
      this._fallback.set(span, value);
    }
  }

  /** The value `span` was tagged with, if any. */
  get(span: Span): T | undefined {
    const own = (span as unknown as Record<symbol, T | undefined>)[
      this._symbol
    ];
    return own ?? this._fallback.get(span);
  }
}

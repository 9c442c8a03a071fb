import type { Span } from '@opentelemetry/api';

/**
 * A small fact the tracker keeps about its own spans (which run made a
 * span, which execution it belongs to), stored on the span object itself
 * under a private symbol. A WeakMap would do the same, but one entry per
 * span makes its table grow with the run and costs the hot path a third
 * of its time in garbage collection. The symbol is assigned rather than
 * defined: `Object.defineProperty` costs ten times as much, and a symbol
 * key is invisible to `JSON.stringify`, `Object.keys` and `for…in` either
 * way. A span object that cannot take a property (frozen or sealed by its
 * tracer) falls back to a WeakMap.
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
      (span as unknown as Record<symbol, T>)[this._symbol] = value;
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

import { trace, type Context, type Span } from '@opentelemetry/api';

/**
 * The key under which the API keeps a context's span, learnt by asking
 * `trace.getSpan` for the span of a context that notes what it is asked.
 * Undefined if the API ever looks spans up another way.
 */
const SPAN_KEY: symbol | undefined = (() => {
  let asked: symbol | undefined;
  const probe: Context = {
    getValue(key) {
      asked = key;
      return undefined;
    },
    setValue: () => probe,
    deleteValue: () => probe,
  };
  trace.getSpan(probe);
  return asked;
})();

/**
 * `base` with `span` as its span, for starting a child of `span`. The
 * API's own `trace.setSpan` copies every entry of `base` into a new map,
 * which made it the costliest step of starting an execution's span; this
 * answers the span itself and asks `base` for everything else, and makes
 * the full copy only when something derives a context from it.
 */
export function contextWithParent(base: Context, span: Span): Context {
  return SPAN_KEY === undefined
    ? trace.setSpan(base, span)
    : new ParentContext(base, span, SPAN_KEY);
}

class ParentContext implements Context {
  constructor(
    private readonly _base: Context,
    private readonly _span: Span,
    private readonly _spanKey: symbol,
  ) {}

  getValue(key: symbol): unknown {
    return key === this._spanKey ? this._span : this._base.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return trace.setSpan(this._base, this._span).setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return trace.setSpan(this._base, this._span).deleteValue(key);
  }
}

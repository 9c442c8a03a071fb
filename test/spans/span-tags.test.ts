import { trace, type Span } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';

import { SpanTag } from '../../src/spans/span-tags.js';
import { createInMemoryTracing } from '../support/in-memory-tracing.js';

describe('SpanTag', () => {
  it('keeps a value on an SDK span without showing it as a property', () => {
    const tag = new SpanTag<{ n: number }>('test');
    const span = createInMemoryTracing().tracer.startSpan('s');
    const value = { n: 1 };
    tag.set(span, value);
    expect(tag.get(span)).toBe(value);
    expect(Object.keys(span)).not.toContain('test');
    expect(JSON.stringify(Object.getOwnPropertySymbols(span).length)).toBe('1');
  });

  it('tells tags apart, and spans it never saw', () => {
    const first = new SpanTag<object>('same');
    const second = new SpanTag<object>('same');
    const span = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    });
    first.set(span, {});
    expect(second.get(span)).toBeUndefined();
    expect(
      first.get(trace.wrapSpanContext(span.spanContext())),
    ).toBeUndefined();
  });

  it('falls back to a weak map for a span object that is frozen', () => {
    const tag = new SpanTag<object>('frozen');
    const span = Object.freeze(
      createInMemoryTracing().tracer.startSpan('s'),
    ) as Span;
    const value = {};
    expect(() => {
      tag.set(span, value);
    }).not.toThrow();
    expect(tag.get(span)).toBe(value);
  });
});

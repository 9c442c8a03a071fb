import { createContextKey, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';

import { contextWithParent } from '../../src/spans/parent-context.js';
import { createInMemoryTracing } from '../support/in-memory-tracing.js';

const TENANT = createContextKey('tenant');
const OTHER = createContextKey('other');

describe('contextWithParent', () => {
  it('answers the span, and everything else from the base context', () => {
    const { tracer } = createInMemoryTracing();
    const parent = tracer.startSpan('parent');
    const base = ROOT_CONTEXT.setValue(TENANT, 'acme');
    const context = contextWithParent(base, parent);

    expect(trace.getSpan(context)).toBe(parent);
    expect(context.getValue(TENANT)).toBe('acme');
    expect(context.getValue(OTHER)).toBeUndefined();
    // The base context is left as it was.
    expect(trace.getSpan(base)).toBeUndefined();
  });

  it('derives full contexts that keep both the span and the base values', () => {
    const { tracer } = createInMemoryTracing();
    const parent = tracer.startSpan('parent');
    const context = contextWithParent(
      ROOT_CONTEXT.setValue(TENANT, 'acme'),
      parent,
    );

    const derived = context.setValue(OTHER, 1);
    expect(trace.getSpan(derived)).toBe(parent);
    expect(derived.getValue(TENANT)).toBe('acme');
    expect(derived.getValue(OTHER)).toBe(1);
    expect(context.getValue(OTHER)).toBeUndefined();

    const without = context.deleteValue(TENANT);
    expect(without.getValue(TENANT)).toBeUndefined();
    expect(trace.getSpan(without)).toBe(parent);
    expect(trace.getSpan(trace.deleteSpan(context))).toBeUndefined();
  });

  it('parents a span the SDK starts in it', () => {
    const tracing = createInMemoryTracing();
    const parent = tracing.tracer.startSpan('parent');
    tracing.tracer
      .startSpan('child', {}, contextWithParent(ROOT_CONTEXT, parent))
      .end();
    parent.end();

    const child = tracing.span('child');
    expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  });
});

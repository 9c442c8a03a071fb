// What every exported trace must satisfy, checked on the spans of a real
// SDK and on the OTLP/JSON payload its HTTP exporter would send.
import type { HrTime } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expect } from 'vitest';

import type { SpanLedger } from './tracing.js';

export function nanos(time: HrTime): bigint {
  return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
}

/** A valid OpenTelemetry attribute value, as OTLP can carry it. */
export function isValidAttributeValue(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return isWireNumber(value);
  if (!Array.isArray(value)) return false;
  if (value.length === 0) return true;
  const kind = typeof value[0];
  if (kind !== 'string' && kind !== 'number' && kind !== 'boolean') {
    return false;
  }
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (!(i in value) || typeof item !== kind) return false;
    if (typeof item === 'number' && !isWireNumber(item)) return false;
  }
  return true;
}

// A whole number goes as a 64-bit integer, which a double beyond the safe
// range does not hold exactly; NaN and the infinities have no JSON form.
function isWireNumber(value: number): boolean {
  return (
    Number.isFinite(value) &&
    (!Number.isInteger(value) || Number.isSafeInteger(value))
  );
}

/** Every attribute of the spans and their events, as [where, key, value]. */
export function allAttributes(
  spans: readonly ReadableSpan[],
): [string, string, unknown][] {
  const out: [string, string, unknown][] = [];
  for (const span of spans) {
    for (const [key, value] of Object.entries(span.attributes)) {
      out.push([span.name, key, value]);
    }
    for (const event of span.events) {
      for (const [key, value] of Object.entries(event.attributes ?? {})) {
        out.push([`${span.name}/${event.name}`, key, value]);
      }
    }
  }
  return out;
}

/** The OTLP/JSON request body the HTTP exporter would send. */
export function otlpPayload(spans: ReadableSpan[]): string {
  const bytes = JsonTraceSerializer.serializeRequest(spans);
  if (bytes === undefined) throw new Error('the serializer produced nothing');
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

type WireValue = Record<string, unknown>;

/** Each OTLP AnyValue holds exactly one non-null value of a known kind. */
function checkWireValue(value: WireValue, where: string): void {
  const keys = Object.keys(value);
  expect(keys, where).toHaveLength(1);
  const [kind] = keys;
  const inner = value[kind ?? ''];
  expect(
    ['stringValue', 'intValue', 'doubleValue', 'boolValue', 'arrayValue'],
    where,
  ).toContain(kind);
  expect(inner, where).not.toBeNull();
  if (kind === 'arrayValue') {
    const items = (inner as { values?: WireValue[] }).values ?? [];
    for (const item of items) checkWireValue(item, where);
  }
}

/** Parses the payload as JSON and checks every attribute on the wire. */
export function checkPayload(payload: string, spanCount: number): void {
  const body = JSON.parse(payload) as {
    resourceSpans: { scopeSpans: { spans: WireSpan[] }[] }[];
  };
  const spans = body.resourceSpans.flatMap((r) =>
    r.scopeSpans.flatMap((s) => s.spans),
  );
  expect(spans).toHaveLength(spanCount);
  for (const span of spans) {
    const lists = [
      span.attributes,
      ...span.events.map((event) => event.attributes),
    ];
    for (const attribute of lists.flat()) {
      checkWireValue(attribute.value, `${span.name} ${attribute.key}`);
    }
  }
}

interface WireAttribute {
  key: string;
  value: WireValue;
}

interface WireSpan {
  name: string;
  attributes: WireAttribute[];
  events: { attributes: WireAttribute[] }[];
}

/** The trace is whole: one end per span, parents exported, times in order. */
export function checkTrace(
  spans: readonly ReadableSpan[],
  ledger: SpanLedger,
): void {
  for (const [id, name] of ledger.started) {
    expect(ledger.ends.get(id), `ends of span ${name}`).toBe(1);
  }
  const traceOf = new Map(
    spans.map((s) => [s.spanContext().spanId, s.spanContext().traceId]),
  );
  for (const span of spans) {
    const parent = span.parentSpanContext?.spanId;
    if (parent !== undefined) {
      expect(traceOf.get(parent), `parent of ${span.name}`).toBe(
        span.spanContext().traceId,
      );
    }
    expect(
      nanos(span.endTime) >= nanos(span.startTime),
      `${span.name} ends before it starts`,
    ).toBe(true);
    for (const event of span.events) {
      const time = nanos(event.time);
      expect(
        time >= nanos(span.startTime) && time <= nanos(span.endTime),
        `event ${event.name} inside ${span.name}`,
      ).toBe(true);
    }
  }
  const invalid = allAttributes(spans).filter(
    ([, , value]) => !isValidAttributeValue(value),
  );
  expect(invalid).toEqual([]);
}

// Adversarial tests of exported attributes: redaction, cutting, validity
// and the cost of converting values.
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import { isAttributeValue } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';

import { ExecutionTracker, REDACTED } from '../../src/index.js';
import { createInMemoryTracing } from '../support/in-memory-tracing.js';

describe('redaction of secret-looking keys', () => {
  // README: "Values under keys that look secret (password, passphrase,
  // secret, token, API key, authorization, cookie, credential, private key,
  // session id, ...) are exported as [REDACTED], at any depth." The pattern
  // allows `-`, `_` or `.` between the words, not a space.
  it.each(['api key', 'API Key', 'private key', 'Session ID'])(
    'the key %j is redacted',
    (key) => {
      const tracing = createInMemoryTracing();
      const tracker = new ExecutionTracker({
        flowId: 'redact',
        tracer: tracing.tracer,
      });
      tracker
        .recordRoutineStart('call-api', {
          [key]: 'sk-live-123',
          headers: { [key]: 'sk-live-456' },
        })
        .end();
      tracker.end();
      const { attributes } = tracing.span('call-api');
      expect(attributes[`flow.routine.params.${key}`]).toBe(REDACTED);
      expect(attributes[`flow.routine.params.headers.${key}`]).toBe(REDACTED);
    },
  );
});

describe('maxAttributeLength', () => {
  // README option table: "exported strings are cut to this length".
  it('cuts routine ids, statuses, and event sources and targets exported as attribute values', () => {
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'cut',
      tracer: tracing.tracer,
      maxAttributeLength: 64,
    });
    const longId = 'routine-'.repeat(500);
    tracker.recordRoutineStart(longId).end('done-'.repeat(200));
    tracker.recordEvent(longId, 'out', longId, {});
    tracker.end();

    const values: string[] = [];
    for (const span of tracing.spans()) {
      for (const value of Object.values(span.attributes)) {
        if (typeof value === 'string') values.push(value);
      }
      for (const event of span.events) {
        for (const value of Object.values(event.attributes ?? {})) {
          if (typeof value === 'string') values.push(value);
        }
      }
    }
    const tooLong = values.filter((value) => value.length > 64);
    expect(tooLong.map((value) => value.length)).toEqual([]);
  });
});

describe('attribute validity', () => {
  /** A tracer over a real one that keeps every raw attribute set it is given. */
  function recordingTracer(seen: Attributes[]): Tracer {
    const real = createInMemoryTracing().tracer;
    return {
      startSpan(name, options, ctx) {
        if (options?.attributes) seen.push(options.attributes);
        const span = real.startSpan(name, options, ctx);
        return new Proxy(span, {
          get(target, key) {
            if (key === 'setAttributes') {
              return (attributes: Attributes): Span => {
                seen.push(attributes);
                return target.setAttributes(attributes);
              };
            }
            const value: unknown = Reflect.get(target, key);
            return typeof value === 'function'
              ? (value as (...args: unknown[]) => unknown).bind(target)
              : value;
          },
        });
      },
      startActiveSpan: real.startActiveSpan.bind(real),
    };
  }

  it('an array whose element is an accessor never yields an array attribute holding an object', () => {
    const seen: Attributes[] = [];
    const tracker = new ExecutionTracker({
      flowId: 'toctou',
      tracer: recordingTracer(seen),
    });
    // homogeneousKind() reads each element, then slice() reads them again:
    // a getter that answers differently the third time gets past the check.
    let reads = 0;
    const rows: unknown[] = [];
    Object.defineProperty(rows, 0, {
      enumerable: true,
      get: () => (reads++ < 2 ? 1 : { sneaky: true }),
    });
    tracker.recordRoutineStart('r', { rows }).end();
    const invalid = seen
      .flatMap((attributes) => Object.entries(attributes))
      .filter(([, value]) => !isAttributeValue(value))
      .map(([key]) => key);
    expect(invalid).toEqual([]);
  });
});

describe('the cost of converting a value to attributes', () => {
  // The work is measured in property reads, counted by a Proxy, not in
  // milliseconds: the count is the same on every machine.
  function counting<T extends object>(
    target: T,
    counter: { reads: number },
  ): T {
    return new Proxy(target, {
      get(object, key, receiver) {
        counter.reads++;
        return Reflect.get(object, key, receiver) as unknown;
      },
    });
  }

  it('a small object graph with shared references (a DAG) costs bounded work', () => {
    const tracing = createInMemoryTracing();
    const tracker = new ExecutionTracker({
      flowId: 'dag',
      tracer: tracing.tracer,
    });
    // 21 levels, each holding the level below twice: 22 distinct objects,
    // 2^21 paths. Copying every path, as JSON text would write it, is 4
    // million reads; the text is cut to maxAttributeLength (4096) anyway.
    const counter = { reads: 0 };
    let node: Record<string, unknown> = counting({ leaf: 1 }, counter);
    for (let level = 0; level < 21; level++) {
      node = counting({ left: node, right: node }, counter);
    }

    tracker.recordRoutineStart('load', { graph: node }).end();
    expect(counter.reads).toBeLessThan(50_000);
    const span = tracing.spans().find((s) => s.name === 'load');
    expect(Object.keys(span?.attributes ?? {}).length).toBeGreaterThan(2);
  });

  it('a sparse array with one element costs work independent of its length', () => {
    const tracker = new ExecutionTracker('sparse');
    const sparse: unknown[] = [];
    sparse[10_000_000] = { id: 1 };
    const counter = { reads: 0 };

    tracker.recordRoutineStart('load', { ids: counting(sparse, counter) });
    tracker.routineExecutions.get('load');
    JSON.stringify(tracker);
    // Ten million holes are not read one by one: reading and serializing
    // each copy at most a million values.
    expect(counter.reads).toBeLessThan(3_000_000);
  });
});

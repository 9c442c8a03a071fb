// One recording on a fresh tracker over a real SDK, with everything an
// export must satisfy checked: no call throws, reading and a round trip
// through JSON work, the trace is whole, the OTLP payload is valid, and
// neither the SDK nor the tracker complained.
import { expect } from 'vitest';

import {
  DEFAULT_MAX_ATTRIBUTE_LENGTH,
  ExecutionTracker,
  type ExecutionTrackerOptions,
} from '../../src/index.js';
import { MAX_FLATTEN_DEPTH } from '../../src/spans/attributes.js';
import {
  allAttributes,
  checkPayload,
  checkTrace,
  otlpPayload,
} from './span-checks.js';
import { createTracing, watchComplaints } from './tracing.js';

function readEverything(tracker: ExecutionTracker): unknown[] {
  return [
    tracker.routineExecutions,
    tracker.eventFlow,
    tracker.getPerformanceMetrics(),
    ExecutionTracker.deserialize(
      JSON.parse(JSON.stringify(tracker)) as unknown,
    ),
  ];
}

/** Runs `record` on a fresh tracker, ends it, and checks what it exported. */
export function exportRun(
  record: (tracker: ExecutionTracker) => void,
  options: Omit<ExecutionTrackerOptions, 'tracer'> = {},
) {
  const watch = watchComplaints();
  try {
    const tracing = createTracing();
    const tracker = new ExecutionTracker({
      flowId: 'export-run',
      ...options,
      tracer: tracing.tracer,
    });
    expect(() => {
      record(tracker);
      readEverything(tracker);
      tracker.end();
    }).not.toThrow();
    const spans = tracing.spans();
    checkTrace(spans, tracing.ledger);
    const payload = otlpPayload(spans);
    checkPayload(payload, spans.length);
    expect(watch.complaints).toEqual([]);
    return { tracker, spans, payload };
  } finally {
    watch.stop();
  }
}

/**
 * Values are cut to the limit; keys are the tracker's prefix (at most 32
 * characters) and the flattened levels, each a key cut to the limit.
 */
export function expectCut(
  spans: ReturnType<typeof exportRun>['spans'],
  maxAttributeLength = DEFAULT_MAX_ATTRIBUTE_LENGTH,
): void {
  const maxKey = 32 + MAX_FLATTEN_DEPTH * (maxAttributeLength + 1);
  for (const [where, key, value] of allAttributes(spans)) {
    expect(key.length, `key at ${where}`).toBeLessThanOrEqual(maxKey);
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (typeof item === 'string') {
        expect(item.length, `${key} at ${where}`).toBeLessThanOrEqual(
          maxAttributeLength,
        );
      }
    }
  }
}

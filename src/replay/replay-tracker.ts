import type { SpanContext, Tracer } from '@opentelemetry/api';

import { parseSerializedTracker } from '../format/deserialize.js';
import type { StoredExecution } from '../mirror/stored.js';
import { KeyRedactor } from '../spans/redaction.js';
import { SpanBridge, type RoutineSpan } from '../spans/span-bridge.js';
import { DEFAULT_MAX_ATTRIBUTE_LENGTH } from '../tracker/options.js';

/** What a replay sent to the tracer. */
export interface ReplaySummary {
  /** The flow run's id, from the dump. */
  readonly flowId: string;
  /** The trace the run became; undefined for a dump with no records. */
  readonly spanContext: SpanContext | undefined;
  /** Spans started: the root and one per execution. */
  readonly spans: number;
  /** Span events added, one per event that had a span to go on. */
  readonly events: number;
  /** Executions still running in the dump, ended as incomplete. */
  readonly incomplete: number;
}

/** How {@link replayTracker} makes the spans. */
export interface ReplayOptions {
  /** The tracer that starts the spans. */
  readonly tracer: Tracer;
  /** Extra secret key names or patterns, as the tracker's `redactKeys`. */
  readonly redactKeys?: readonly (string | RegExp)[];
  /** Exported strings are cut to this length. @default 4096 */
  readonly maxAttributeLength?: number;
  /** Called after each action, with how many of the total are done. */
  readonly onProgress?: (done: number, total: number) => void;
}

type Action =
  | {
      readonly kind: 'start';
      readonly micros: number;
      readonly record: StoredExecution;
    }
  | { readonly kind: 'event'; readonly micros: number; readonly index: number }
  | {
      readonly kind: 'end';
      readonly micros: number;
      readonly record: StoredExecution;
    };

// At one instant, a start comes before the events it emits, and those
// before the end.
const ORDER = { start: 0, event: 1, end: 2 } as const;

/**
 * Turns a serialized tracker, written by this library or by routilux's
 * Python tracker, into the trace it would have produced live, with the
 * original timestamps: a root span, a span per execution (parents by the
 * same rules), events at their own times, failures as errors, and
 * executions still running in the dump ended at the run's last instant
 * and marked incomplete. The spans go to `options.tracer`; exporting them
 * is the tracer provider's business.
 *
 * @throws TrackerFormatError naming the first bad field of `data`
 * @example
 * const summary = replayTracker(JSON.parse(text), { tracer: trace.getTracer('replay') });
 * console.log(summary.spanContext?.traceId);
 */
export function replayTracker(
  data: unknown,
  options: ReplayOptions,
): ReplaySummary {
  const parsed = parseSerializedTracker(data);
  const bridge = new SpanBridge({
    tracer: options.tracer,
    flowId: parsed.flowId,
    parentContext: undefined,
    captureParams: true,
    captureResults: true,
    captureEventData: true,
    limits: {
      maxAttributeLength:
        options.maxAttributeLength ?? DEFAULT_MAX_ATTRIBUTE_LENGTH,
      redactor: new KeyRedactor(options.redactKeys),
    },
  });

  const actions = timeline(parsed);
  const running = new Map<
    string,
    { record: StoredExecution; span: RoutineSpan }[]
  >();
  const spans = new Map<StoredExecution, RoutineSpan>();
  let events = 0;
  let last = -Infinity;

  actions.forEach((action, done) => {
    last = Math.max(last, action.micros);
    if (action.kind === 'start') {
      const { record } = action;
      const span = bridge.startRoutine(
        record.routineId,
        record.params,
        action.micros,
      );
      // No span comes back from a tracer of no SDK: nothing to end.
      if (span !== undefined) {
        spans.set(record, span);
        const list = running.get(record.routineId) ?? [];
        list.push({ record, span });
        running.set(record.routineId, list);
      }
    } else if (action.kind === 'end') {
      const { record } = action;
      const span = spans.get(record);
      if (span !== undefined) {
        bridge.endRoutine(
          span,
          record.status,
          record.result,
          record.error,
          action.micros,
        );
      }
      const list = running.get(record.routineId) ?? [];
      running.set(
        record.routineId,
        list.filter((entry) => entry.record !== record),
      );
    } else {
      const event = parsed.events[action.index];
      if (event !== undefined) {
        const source = running.get(event.sourceRoutineId)?.at(-1)?.span;
        bridge.addEvent(
          source,
          event.sourceRoutineId,
          event.eventName,
          event.targetRoutineId,
          event.data,
          action.micros,
        );
        events++;
      }
    }
    options.onProgress?.(done + 1, actions.length);
  });

  let incomplete = 0;
  for (const list of running.values()) {
    for (const entry of list) {
      bridge.abandonRoutine(entry.span, last);
      incomplete++;
    }
  }
  if (Number.isFinite(last)) bridge.end(last);

  return {
    flowId: parsed.flowId,
    spanContext: bridge.rootSpanContext,
    spans: spans.size + (spans.size > 0 || events > 0 ? 1 : 0),
    events,
    incomplete,
  };
}

/**
 * When a record's span ends: its end time, or its start plus its duration;
 * a record that says it ended (any status but running) without either
 * ends where it started. Never before its start.
 */
function endOf(record: StoredExecution): number | undefined {
  const fromDuration =
    record.executionTime === undefined
      ? undefined
      : record.startMicros + Math.round(record.executionTime * 1e6);
  const end =
    record.endMicros ??
    fromDuration ??
    (record.status === 'running' ? undefined : record.startMicros);
  return end === undefined ? undefined : Math.max(end, record.startMicros);
}

/** Every start, event and end of the dump, in the order they happened. */
function timeline(parsed: ReturnType<typeof parseSerializedTracker>): Action[] {
  const actions: Action[] = [];
  for (const [, records] of parsed.routines) {
    for (const record of records) {
      actions.push({ kind: 'start', micros: record.startMicros, record });
      const end = endOf(record);
      if (end !== undefined) actions.push({ kind: 'end', micros: end, record });
    }
  }
  parsed.events.forEach((event, index) => {
    actions.push({ kind: 'event', micros: event.micros, index });
  });
  // Array.prototype.sort is stable: equal times keep the dump's order.
  return actions.sort(
    (a, b) => a.micros - b.micros || ORDER[a.kind] - ORDER[b.kind],
  );
}

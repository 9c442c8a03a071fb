/**
 * The call sequence every scenario times: one execution of a routine
 * (start, one event, end), through the tracker or as the same span work in
 * raw OpenTelemetry.
 */
import {
  ROOT_CONTEXT,
  trace,
  type Attributes,
  type AttributeValue,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';

import {
  ATTR_EVENT_DATA,
  ATTR_EVENT_SOURCE,
  ATTR_EVENT_TARGET,
  ATTR_FLOW_ID,
  ATTR_ROUTINE_ID,
  ATTR_ROUTINE_PARAMS,
  ATTR_ROUTINE_STATUS,
  ExecutionTracker,
} from '../src/index.js';
import type { ExecutionTrackerOptions } from '../src/index.js';
import type { LeastMirror } from './least-mirror.js';

/** The routines executions are spread over. */
export const ROUTINES: readonly string[] = Array.from(
  { length: 10 },
  (_, i) => `routine-${i}`,
);

/** Params of an execution: what its routine runs with. */
export type ParamsFactory = (index: number) => Record<string, unknown>;

/** One key: what the memory and query scenarios record. */
export const smallParams: ParamsFactory = (index) => ({ index });

/** Ten keys, one of them a nested object, as an engine passes them. */
export const realisticParams: ParamsFactory = (index) => ({
  orderId: `order-${index}`,
  customerId: 'customer-4711',
  url: 'https://shop.example.com/api/v2/orders',
  method: 'POST',
  attempt: 1,
  timeoutMs: 5000,
  priority: 'high',
  dryRun: false,
  amount: 129.95,
  options: { currency: 'EUR', locale: 'de-DE', retries: 3, express: true },
});

/** The event each execution emits, and where it goes. */
export const EVENT_NAME = 'output';

function routineOf(index: number): string {
  return ROUTINES[index % ROUTINES.length] as string;
}

function targetOf(index: number): string {
  return ROUTINES[(index + 1) % ROUTINES.length] as string;
}

/** A tracker for the benchmark, with the flow id every scenario uses. */
export function benchTracker(
  options: Omit<ExecutionTrackerOptions, 'flowId'>,
): ExecutionTracker {
  return new ExecutionTracker({ flowId: 'bench', ...options });
}

/**
 * A tracker with its default tracer, the global API's, and no SDK
 * registered, as in an application without OpenTelemetry: the mirror
 * alone, since its executions make no spans.
 */
export function mirrorTracker(
  options: Omit<ExecutionTrackerOptions, 'flowId' | 'tracer'> = {},
): ExecutionTracker {
  return benchTracker(options);
}

/** One execution through the tracker: start, one event, end. */
export function trackerExecution(
  tracker: ExecutionTracker,
  params: ParamsFactory,
): (index: number) => void {
  return (index) => {
    const execution = tracker.recordRoutineStart(
      routineOf(index),
      params(index),
    );
    execution.recordEvent(EVENT_NAME, targetOf(index), { rows: 1 });
    execution.end('completed');
  };
}

/** The same execution through the least mirror, the floor of any mirror. */
export function leastMirrorExecution(
  mirror: LeastMirror,
  params: ParamsFactory,
): (index: number) => void {
  return (index) => {
    const execution = mirror.start(routineOf(index), params(index));
    execution.recordEvent(EVENT_NAME, targetOf(index), { rows: 1 });
    execution.end('completed');
  };
}

/**
 * The same span work in raw OpenTelemetry, as an engine would write it by
 * hand: a span under the run's root with the same attributes (params
 * flattened to the same dotted keys), the same span event, the status as
 * an attribute, end. No checks, no redaction, no length limits, no mirror.
 */
export class RawInstrumentation {
  private readonly _root: Span;
  private readonly _parent: Context;

  constructor(
    private readonly _tracer: Tracer,
    private readonly _flowId = 'bench',
  ) {
    this._root = _tracer.startSpan(`flow ${_flowId}`, {
      attributes: { [ATTR_FLOW_ID]: _flowId },
    });
    this._parent = trace.setSpan(ROOT_CONTEXT, this._root);
  }

  execution(params: ParamsFactory): (index: number) => void {
    const tracer = this._tracer;
    const parent = this._parent;
    const flowId = this._flowId;
    return (index) => {
      const routineId = routineOf(index);
      const attributes: Attributes = {
        [ATTR_FLOW_ID]: flowId,
        [ATTR_ROUTINE_ID]: routineId,
      };
      flattenInto(attributes, `${ATTR_ROUTINE_PARAMS}.`, params(index));
      const span = tracer.startSpan(routineId, { attributes }, parent);
      const eventAttributes: Attributes = {
        [ATTR_EVENT_SOURCE]: routineId,
        [ATTR_EVENT_TARGET]: targetOf(index),
      };
      flattenInto(eventAttributes, `${ATTR_EVENT_DATA}.`, { rows: 1 });
      span.addEvent(EVENT_NAME, eventAttributes);
      span.setAttribute(ATTR_ROUTINE_STATUS, 'completed');
      span.end();
    };
  }

  end(): void {
    this._root.end();
  }
}

/** Plain objects become dotted keys; everything else is taken as it is. */
function flattenInto(
  out: Attributes,
  prefix: string,
  value: Record<string, unknown>,
): void {
  for (const key in value) {
    const entry = value[key];
    if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
      flattenInto(out, `${prefix}${key}.`, entry as Record<string, unknown>);
    } else if (entry !== undefined && entry !== null) {
      out[`${prefix}${key}`] = entry as AttributeValue;
    }
  }
}

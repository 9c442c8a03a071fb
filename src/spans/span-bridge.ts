import {
  context,
  INVALID_SPAN_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Exception,
  type HrTime,
  type Span,
  type SpanContext,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';

import {
  ATTR_DROPPED_COUNT,
  ATTR_EVENT_DATA,
  ATTR_EVENT_SOURCE,
  ATTR_EVENT_TARGET,
  ATTR_FLOW_ID,
  ATTR_ROUTINE_ID,
  ATTR_ROUTINE_INCOMPLETE,
  ATTR_ROUTINE_PARAMS,
  ATTR_ROUTINE_RESULT,
  ATTR_ROUTINE_STATUS,
  ATTR_TRUNCATED_COUNT,
} from './attribute-names.js';
import {
  addValueAttributes,
  type AttributeLimits,
  type ConversionTally,
} from './attributes.js';
import { NoSdkSnapshot } from './no-sdk.js';
import { contextWithParent } from './parent-context.js';
import { SpanTag } from './span-tags.js';
import { cutString, errorMessage, isError } from '../internal/values.js';

/** What the span bridge needs to know of a tracker. */
export interface SpanBridgeOptions {
  readonly tracer: Tracer;
  /**
   * The global API's provider the tracer came from (`trace.getTracer`),
   * if it did: then, while no SDK is registered with it, executions make
   * no spans at all, not even the API's span of no trace.
   */
  readonly defaultTracerProvider?: TracerProvider | undefined;
  readonly flowId: string;
  /** The parent of the root span; the active context when undefined. */
  readonly parentContext: Context | undefined;
  readonly captureParams: boolean;
  readonly captureResults: boolean;
  readonly captureEventData: boolean;
  readonly limits: AttributeLimits;
  /**
   * Told when a span's own call throws after the span was started: the
   * span is kept (and will be ended), so the failure cannot be thrown.
   */
  readonly onSpanFailure?: (error: unknown) => void;
}

/**
 * Where a caller that keeps something per routine lets the bridge keep,
 * for that routine, the span that sent it the latest event: found with
 * what the caller looks up anyway, instead of in a map of the bridge's.
 */
export interface CauseSlot {
  cause: unknown;
}

/** What the bridge knows of each span it started: see {@link RoutineSpan}. */
const TAGGED = new SpanTag<RoutineSpan>('otel-execution-tracker.span');

/** Event targets whose latest sender is remembered, for the parent rule. */
const MAX_REMEMBERED_TARGETS = 10_000;

/** Whether a status marks a span as an error. */
function isFailure(status: string): boolean {
  return status === 'failed' || status === 'error_continued';
}

/**
 * A span the bridge started (an execution's, or the run's root), with what
 * its attributes had to cut. Each span is tagged with its `RoutineSpan`,
 * so that an active span can be told to be one of the run's.
 */
export class RoutineSpan implements ConversionTally {
  /** Whether the span has been ended; a span is ended once only. */
  ended = false;
  /** Strings and arrays its attributes cut, params and result together. */
  truncated = 0;
  /** Values its attributes could not export at all. */
  dropped = 0;
  /** What the bridge's user keeps with the span: its execution. */
  execution: unknown = undefined;
  /** Whether the span is the API's span of no trace (no SDK registered). */
  ofNoTrace = false;
  /** The params to export, until the span ends. */
  params: unknown = undefined;
  // The context that makes this span the parent, for the active context
  // it was made in: children of one parent usually start in the same one.
  private _childContext: Context | undefined = undefined;
  private _childBase: Context | undefined = undefined;

  constructor(
    readonly span: Span,
    /** The bridge that started it. */
    readonly bridge: SpanBridge,
  ) {}

  /** `base` with this span set as the active one. */
  contextIn(base: Context): Context {
    if (this._childBase !== base || this._childContext === undefined) {
      this._childContext = contextWithParent(base, this.span);
      this._childBase = base;
    }
    return this._childContext;
  }
}

/**
 * Maps a flow run onto one trace: a root span for the run, a span per
 * execution, a span event per emitted event. Times come in from the caller,
 * so a live run and a replayed dump go through the same code. The bridge
 * reads no records; it is told everything it needs.
 */
export class SpanBridge {
  private _root: RoutineSpan | undefined;
  private _ended = false;
  // The global provider while no SDK is behind it, if the run began so
  // with the global tracer: until one registers, asking the tracer for a
  // span of no trace per execution would be most of such a run's cost.
  private _withoutSdk: NoSdkSnapshot | undefined;
  // For each routine, the span that emitted the latest event sent to it.
  private readonly _causes = new Map<string, RoutineSpan>();
  // Whether an execution has had a span of its own: from then on, even in
  // a run whose root has no trace, events decide their targets' parents.
  private _madeSpans = false;

  constructor(private readonly _options: SpanBridgeOptions) {}

  /**
   * Whether events' senders are worth a caller's lookup of their target's
   * {@link CauseSlot}: not once the run is known to have no trace, unless
   * executions have had spans since (an SDK registered meanwhile).
   */
  get notesCauses(): boolean {
    return this._root?.ofNoTrace !== true || this._madeSpans;
  }

  /** The root span's context, once the run has produced its first record. */
  get rootSpanContext(): SpanContext | undefined {
    return this._root?.span.spanContext();
  }

  /**
   * Starts the span of one execution. Its parent is the active span if it
   * is one of this run's (nesting); else the span that emitted the latest
   * event sent to this routine (causality); else the root.
   *
   * @returns undefined when the tracer gave the API's span of no trace
   *   (no SDK registered): there is nothing to end, parent or tag, and
   *   an application without OpenTelemetry pays for no bookkeeping
   */
  startRoutine(
    routineId: string,
    params: unknown,
    micros: number,
    slot?: CauseSlot,
  ): RoutineSpan | undefined {
    const root = this._rootAt(micros);
    // Kept apart from the span's start, so that this check is inlined into
    // the caller and is all that a run without an SDK pays here.
    if (this._withoutSdk?.unchanged() === true) return undefined;
    return this._startSpan(root, routineId, params, micros, slot);
  }

  private _startSpan(
    root: RoutineSpan,
    routineId: string,
    params: unknown,
    micros: number,
    slot: CauseSlot | undefined,
  ): RoutineSpan | undefined {
    // An SDK has registered since the run found none.
    this._withoutSdk = undefined;
    const base = context.active();
    const active = trace.getSpan(base);
    const parent =
      (active !== undefined ? this.ownSpan(active) : undefined) ??
      this._causeOf(routineId, slot) ??
      root;

    const name = this._cut(routineId);
    const span = this._options.tracer.startSpan(
      name,
      {
        startTime: toHrTime(micros),
        // What samplers may choose by; params are written at the end, and
        // only if the span records, so that an unsampled execution costs
        // no conversion.
        attributes: {
          [ATTR_FLOW_ID]: this._cut(this._options.flowId),
          [ATTR_ROUTINE_ID]: name,
        },
      },
      active === undefined && parent.span.spanContext() === INVALID_SPAN_CONTEXT
        ? // A span of no trace (no SDK registered) parents nothing: making a
          // context for it would be the costliest step of such a run.
          base
        : parent.contextIn(base),
    );
    if (isSpanOfNoTrace(span)) return undefined;
    this._madeSpans = true;
    const routineSpan = new RoutineSpan(span, this);
    TAGGED.set(span, routineSpan);
    // Params join the attributes written at the end, in the same call:
    // no processor sees a span's attributes before it ends but a
    // sampler, and one call into the SDK costs less than two.
    if (this._options.captureParams) routineSpan.params = params;
    return routineSpan;
  }

  /** Ends the span of one execution with its status, result and error. */
  endRoutine(
    routineSpan: RoutineSpan,
    status: string,
    result: unknown,
    error: unknown,
    micros: number,
  ): void {
    if (routineSpan.ended) return;
    routineSpan.ended = true;

    const { span } = routineSpan;
    const time = toHrTime(micros);
    // The span may be held on (as a parent for causality) long after it
    // ends; the params it was to export need not be.
    const params = routineSpan.params;
    routineSpan.params = undefined;
    // Whatever the span's own calls throw, it is ended: a span never ended
    // is never exported.
    try {
      if (!span.isRecording()) return;
      const attributes = this._paramAttributes(params, routineSpan);
      attributes[ATTR_ROUTINE_STATUS] = this._cut(status);
      if (this._options.captureResults && result !== undefined) {
        addValueAttributes(
          attributes,
          ATTR_ROUTINE_RESULT,
          result,
          this._options.limits,
          routineSpan,
        );
      }
      // What the params had to cut is told here too, with the result's.
      writeTally(attributes, routineSpan);
      span.setAttributes(attributes);
      if (isFailure(status)) this._markFailed(span, error, time);
    } finally {
      span.end(time);
    }
  }

  /**
   * Ends the span of an execution that is still running when the run ends;
   * the execution itself goes on, in the mirror.
   */
  abandonRoutine(routineSpan: RoutineSpan, micros: number): void {
    if (routineSpan.ended) return;
    routineSpan.ended = true;

    try {
      const params = routineSpan.params;
      routineSpan.params = undefined;
      // As at a normal end: a span the sampler dropped costs no conversion.
      if (!routineSpan.span.isRecording()) return;
      const attributes = this._paramAttributes(params, routineSpan);
      attributes[ATTR_ROUTINE_STATUS] = this._cut('running');
      attributes[ATTR_ROUTINE_INCOMPLETE] = true;
      writeTally(attributes, routineSpan);
      routineSpan.span.setAttributes(attributes);
    } finally {
      routineSpan.span.end(toHrTime(micros));
    }
  }

  /**
   * Adds an event to the span of the execution that emitted it, or to the
   * root when the source has no running execution, and remembers who sent
   * it so that the target's next execution becomes the source's child.
   */
  addEvent(
    source: RoutineSpan | undefined,
    sourceRoutineId: string,
    eventName: string,
    targetRoutineId: string | null,
    data: unknown,
    micros: number,
    targetSlot?: CauseSlot,
  ): void {
    const root = this._rootAt(micros);
    // Without an SDK every span is the span of no trace: no parent to
    // remember, no span to add the event to. Once executions have spans
    // (an SDK registered since the run began), the event still makes its
    // target's next execution start a trace of its own, as the root's
    // child would.
    if (source === undefined && !this.notesCauses) return;
    const sender = source ?? root;
    if (targetSlot !== undefined) targetSlot.cause = sender;
    else if (targetRoutineId !== null) this._noteCause(targetRoutineId, sender);

    // An ended span takes no more events: one from an execution that the
    // run's end() closed goes to the root, and past the root's own end the
    // event stays in the mirror only.
    const span = sender.span.isRecording() ? sender.span : root.span;
    if (!span.isRecording()) return;

    const attributes: Attributes = {
      [ATTR_EVENT_SOURCE]: this._cut(sourceRoutineId),
    };
    if (targetRoutineId !== null) {
      attributes[ATTR_EVENT_TARGET] = this._cut(targetRoutineId);
    }
    if (this._options.captureEventData) {
      const tally: ConversionTally = { truncated: 0, dropped: 0 };
      addValueAttributes(
        attributes,
        ATTR_EVENT_DATA,
        data,
        this._options.limits,
        tally,
      );
      writeTally(attributes, tally);
    }
    span.addEvent(this._cut(eventName), attributes, toHrTime(micros));
  }

  /**
   * The `RoutineSpan` of `span` if this run started it: to tell the run's
   * active span from another's.
   */
  ownSpan(span: Span): RoutineSpan | undefined {
    const tagged = TAGGED.get(span);
    return tagged?.bridge === this ? tagged : undefined;
  }

  /** Ends the root span. Later calls do nothing. */
  end(micros: number): void {
    if (this._ended) return;
    this._ended = true;
    this._root?.span.end(toHrTime(micros));
  }

  /**
   * The sender of the latest event to `routineId`: in its slot once it has
   * one, in the map for events sent before (or without) a slot.
   */
  private _causeOf(
    routineId: string,
    slot: CauseSlot | undefined,
  ): RoutineSpan | undefined {
    const noted = slot?.cause;
    if (noted instanceof RoutineSpan && noted.bridge === this) return noted;
    return this._causes.size > 0 ? this._causes.get(routineId) : undefined;
  }

  /**
   * Remembers who sent the latest event to `target`. Past the bound, the
   * target first heard of longest ago is forgotten (its next execution
   * then hangs under the root, until an event reaches it again): keeping
   * the map in order of use instead would cost a delete and an insert on
   * every event.
   */
  private _noteCause(target: string, sender: RoutineSpan): void {
    const causes = this._causes;
    causes.set(target, sender);
    if (causes.size > MAX_REMEMBERED_TARGETS) {
      const oldest = causes.keys().next();
      if (oldest.done !== true) causes.delete(oldest.value);
    }
  }

  /**
   * The attributes of a span's params, converted as the span ends, with
   * their tally kept on the span for the result's to add to. A failure to
   * convert is reported and leaves the span without them.
   */
  private _paramAttributes(
    params: unknown,
    routineSpan: RoutineSpan,
  ): Attributes {
    const attributes: Attributes = {};
    if (params === undefined) return attributes;
    try {
      addValueAttributes(
        attributes,
        ATTR_ROUTINE_PARAMS,
        params,
        this._options.limits,
        routineSpan,
      );
    } catch (error) {
      this._options.onSpanFailure?.(error);
    }
    return attributes;
  }

  private _markFailed(span: Span, error: unknown, time: HrTime): void {
    const full = errorMessage(error);
    if (full === undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      return;
    }
    // Cut like every other exported string: an error may carry a whole
    // payload in its message, and it would travel three times.
    const message = this._cut(full);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    span.recordException(
      exceptionOf(error, message, (text) => this._cut(text)),
      time,
    );
  }

  /** Cuts a string the tracker exports as it is, such as an id. */
  private _cut(text: string): string {
    const max = this._options.limits.maxAttributeLength;
    return text.length <= max ? text : cutString(text, max);
  }

  /** The root span, started at `micros` if the run has none yet. */
  private _rootAt(micros: number): RoutineSpan {
    // Apart from the start, so that this check is inlined into every call.
    return this._root ?? this._startRoot(micros);
  }

  private _startRoot(micros: number): RoutineSpan {
    const { tracer, flowId, parentContext } = this._options;
    const span = tracer.startSpan(
      this._cut(`flow ${flowId}`),
      {
        startTime: toHrTime(micros),
        attributes: { [ATTR_FLOW_ID]: this._cut(flowId) },
      },
      parentContext ?? context.active(),
    );
    const root = new RoutineSpan(span, this);
    root.ofNoTrace = isSpanOfNoTrace(span);
    const provider = this._options.defaultTracerProvider;
    if (root.ofNoTrace && provider !== undefined) {
      this._withoutSdk = NoSdkSnapshot.take(provider);
    }
    TAGGED.set(span, root);
    this._root = root;
    // A run that was ended before its first record still gets a whole
    // trace: the records join a root that is already closed.
    if (this._ended) span.end(toHrTime(micros));
    return root;
  }
}

/**
 * The class of the API's own non-recording span, what a tracer with no SDK
 * behind it returns; learnt from the API, which does not export it.
 */
const NON_RECORDING_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT)
  .constructor as abstract new (...args: never[]) => Span;

/**
 * Whether `span` is the API's span of no trace: recording nothing, with
 * the invalid span context, and of the API's own class, whose methods do
 * nothing (a tracer's own span class might still want its end()).
 */
function isSpanOfNoTrace(span: Span): boolean {
  return (
    span instanceof NON_RECORDING_SPAN &&
    span.spanContext() === INVALID_SPAN_CONTEXT &&
    !span.isRecording()
  );
}

function writeTally(attributes: Attributes, tally: ConversionTally): void {
  if (tally.truncated > 0) attributes[ATTR_TRUNCATED_COUNT] = tally.truncated;
  if (tally.dropped > 0) attributes[ATTR_DROPPED_COUNT] = tally.dropped;
}

/** Epoch microseconds as the OpenTelemetry high-resolution time. */
export function toHrTime(micros: number): HrTime {
  const seconds = Math.floor(micros / 1e6);
  return [seconds, (micros - seconds * 1e6) * 1000];
}

/**
 * What `recordException` is given: an Error's fields read once, safely, so
 * that an Error with throwing getters cannot break the span; a message for
 * anything else. `code` is kept, since the SDK reports it as the type.
 */
function exceptionOf(
  error: unknown,
  message: string,
  cut: (text: string) => string,
): Exception {
  if (!isError(error)) return message;
  const name = readField(error, 'name');
  const stack = readField(error, 'stack');
  const code = readField(error, 'code');
  return {
    message,
    ...(typeof name === 'string' ? { name: cut(name) } : {}),
    ...(typeof stack === 'string' ? { stack: cut(stack) } : {}),
    ...(typeof code === 'string' ? { code: cut(code) } : {}),
    ...(typeof code === 'number' ? { code } : {}),
  };
}

function readField(value: object, key: string): unknown {
  try {
    return Reflect.get(value, key);
  } catch {
    return undefined;
  }
}

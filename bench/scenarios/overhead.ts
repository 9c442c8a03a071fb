/**
 * 1. The full tracker (mirror and spans) against raw OpenTelemetry doing
 * the same span work, on one recording SDK.
 */
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

import { ratioOf, type Contender } from '../measure.js';
import { RecordingSdk } from '../otel.js';
import {
  nsRow,
  ratioRow,
  type Row,
  type ScenarioContext,
  type ScenarioResult,
} from '../results.js';
import {
  benchTracker,
  RawInstrumentation,
  realisticParams,
  trackerExecution,
  type ParamsFactory,
} from '../workload.js';
import { measureBothParamSizes } from './param-sizes.js';

/** Full tracker / raw, with one small param and with realistic params. */
export const OVERHEAD_TARGET = 1.15;
export const OVERHEAD_WITH_PARAMS_TARGET = 1.3;

export async function runOverhead(
  context: ScenarioContext,
): Promise<ScenarioResult> {
  const started = performance.now();
  const parity = checkParity();
  const sdk = new RecordingSdk();
  const tracker = benchTracker({ tracer: sdk.tracer });
  const raw = new RawInstrumentation(sdk.tracer);
  const counts = { tracker: 0, raw: 0 };

  const pair = (params: ParamsFactory): Contender[] => {
    const tracked = trackerExecution(tracker, params);
    const manual = raw.execution(params);
    return [
      {
        name: 'tracker',
        op: (index) => {
          counts.tracker++;
          tracked(index);
        },
      },
      {
        name: 'raw',
        op: (index) => {
          counts.raw++;
          manual(index);
        },
      },
    ];
  };
  const runs = await measureBothParamSizes(
    context,
    sdk,
    'tracker and raw OpenTelemetry',
    pair,
  );
  const [smallTracker, smallRaw] = runs.small;
  const [paramsTracker, paramsRaw] = runs.realistic;

  tracker.end();
  raw.end();
  await sdk.flush();
  // Every execution makes one span, and each side one root span.
  const ended = counts.tracker + counts.raw + 2;
  const dropped = ended - sdk.exporter.exported;
  await sdk.shutdown();

  if (!smallTracker || !smallRaw || !paramsTracker || !paramsRaw) {
    throw new Error('overhead: a contender is missing');
  }
  const small = ratioOf(smallTracker, smallRaw);
  const withParams = ratioOf(paramsTracker, paramsRaw);
  const rows: Row[] = [
    nsRow('tracker_ns', 'full tracker, per execution', smallTracker),
    nsRow('raw_ns', 'raw OpenTelemetry, per execution', smallRaw),
    ratioRow('tracker_over_raw', 'full tracker / raw', small, OVERHEAD_TARGET),
    nsRow('tracker_params_ns', 'full tracker, realistic params', paramsTracker),
    nsRow('raw_params_ns', 'raw OpenTelemetry, realistic params', paramsRaw),
    ratioRow(
      'tracker_over_raw_params',
      'full tracker / raw, realistic params',
      withParams,
      OVERHEAD_WITH_PARAMS_TARGET,
    ),
  ];
  const notes = [
    'one execution: recordRoutineStart, handle.recordEvent, handle.end; 10 routines',
    'small params: { index }; realistic: 10 keys, one a nested object of 4',
    parity.same
      ? 'tracker and raw spans carry the same attributes and event attributes'
      : `tracker and raw spans differ: ${parity.difference}`,
    dropped === 0
      ? `every span reached the exporter (${sdk.exporter.exported})`
      : `${dropped} of ${ended} spans were dropped by the batch processor: the figures are skewed`,
  ];
  return {
    id: 'overhead',
    title:
      'Full tracker against raw OpenTelemetry (BatchSpanProcessor, no-op exporter)',
    rows,
    notes,
    data: {
      small: { tracker: smallTracker, raw: smallRaw, ratio: small },
      realisticParams: {
        tracker: paramsTracker,
        raw: paramsRaw,
        ratio: withParams,
      },
      spans: { ended, exported: sdk.exporter.exported, dropped },
      parity,
    },
    seconds: (performance.now() - started) / 1000,
  };
}

/** Whether both sides put the same attributes on their spans. */
interface Parity {
  readonly same: boolean;
  readonly difference?: string;
  readonly attributes: readonly string[];
}

/**
 * Records one execution each way on an in-memory SDK and compares what
 * the two spans carry, so that the comparison is of the same span work.
 */
function checkParity(): Parity {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('parity');
  const tracker = benchTracker({ tracer });
  trackerExecution(tracker, realisticParams)(3);
  tracker.end();
  const raw = new RawInstrumentation(tracer);
  raw.execution(realisticParams)(3);
  raw.end();

  const spans = exporter.getFinishedSpans();
  const routineSpans = spans.filter((span) => !span.name.startsWith('flow '));
  const [fromTracker, fromRaw] = routineSpans;
  void provider.shutdown();
  if (fromTracker === undefined || fromRaw === undefined) {
    return { same: false, difference: 'a span is missing', attributes: [] };
  }
  const a = describeSpan(fromTracker);
  const b = describeSpan(fromRaw);
  return a === b
    ? { same: true, attributes: Object.keys(fromTracker.attributes).sort() }
    : {
        same: false,
        difference: `tracker ${a}; raw ${b}`,
        attributes: Object.keys(fromTracker.attributes).sort(),
      };
}

function describeSpan(span: ReadableSpan): string {
  return JSON.stringify({
    name: span.name,
    attributes: sortedEntries(span.attributes),
    events: span.events.map((event) => ({
      name: event.name,
      attributes: sortedEntries(event.attributes ?? {}),
    })),
  });
}

function sortedEntries(record: object): [string, unknown][] {
  return Object.entries(record).sort(([x], [y]) => (x < y ? -1 : 1));
}

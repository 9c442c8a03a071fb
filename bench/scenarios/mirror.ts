/**
 * 2. The mirror alone (a tracker with its default tracer and no SDK
 * registered: its executions make no spans) against raw OpenTelemetry on a
 * recording SDK.
 */
import { LeastMirror } from '../least-mirror.js';
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
  leastMirrorExecution,
  mirrorTracker,
  RawInstrumentation,
  trackerExecution,
  type ParamsFactory,
} from '../workload.js';
import { measureBothParamSizes } from './param-sizes.js';

/** Mirror alone / raw OpenTelemetry. */
export const MIRROR_TARGET = 0.1;

/**
 * The floor under any mirror that stamps an execution's start, its event
 * and its end: three readings of the clock, and nothing else.
 */
function threeClockReadings(): void {
  // Calls into the runtime, which the compiler cannot leave out.
  performance.now();
  performance.now();
  performance.now();
}

export async function runMirror(
  context: ScenarioContext,
): Promise<ScenarioResult> {
  const started = performance.now();
  const sdk = new RecordingSdk();
  const tracker = mirrorTracker();
  const raw = new RawInstrumentation(sdk.tracer);
  const pair = (params: ParamsFactory): Contender[] => [
    { name: 'mirror', op: trackerExecution(tracker, params) },
    { name: 'raw', op: raw.execution(params) },
    { name: 'clock', op: threeClockReadings },
    { name: 'least', op: leastMirrorExecution(new LeastMirror(), params) },
  ];
  const runs = await measureBothParamSizes(
    context,
    sdk,
    'mirror alone and raw OpenTelemetry',
    pair,
  );
  const [smallMirror, smallRaw, smallClock, smallLeast] = runs.small;
  const [paramsMirror, paramsRaw] = runs.realistic;
  tracker.end();
  raw.end();
  await sdk.shutdown();

  if (
    !smallMirror ||
    !smallRaw ||
    !smallClock ||
    !smallLeast ||
    !paramsMirror ||
    !paramsRaw
  ) {
    throw new Error('mirror: a contender is missing');
  }
  const small = ratioOf(smallMirror, smallRaw);
  const floor = ratioOf(smallClock, smallRaw);
  const least = ratioOf(smallLeast, smallRaw);
  const withParams = ratioOf(paramsMirror, paramsRaw);
  const rows: Row[] = [
    nsRow('mirror_ns', 'mirror alone, per execution', smallMirror),
    nsRow('raw_ns', 'raw OpenTelemetry, per execution', smallRaw),
    ratioRow('mirror_over_raw', 'mirror alone / raw', small, MIRROR_TARGET),
    nsRow(
      'clock_floor_ns',
      'three clock readings (the floor of start, event, end)',
      smallClock,
    ),
    ratioRow('clock_floor_over_raw', 'three clock readings / raw', floor),
    nsRow(
      'least_mirror_ns',
      'the least mirror (keeps what the mirror keeps, checks nothing)',
      smallLeast,
    ),
    ratioRow('least_mirror_over_raw', 'the least mirror / raw', least),
    nsRow('mirror_params_ns', 'mirror alone, realistic params', paramsMirror),
    nsRow('raw_params_ns', 'raw OpenTelemetry, realistic params', paramsRaw),
    ratioRow(
      'mirror_over_raw_params',
      'mirror alone / raw, realistic params',
      withParams,
    ),
  ];
  return {
    id: 'mirror',
    title:
      'The mirror alone (the default tracer, no SDK registered) against raw OpenTelemetry',
    rows,
    notes: [
      'the tracker has its default tracer, the global one, with no SDK registered: its executions make no spans',
      'raw OpenTelemetry records on the SDK of scenario 1 (BatchSpanProcessor, no-op exporter)',
      `three performance.now() readings, timed beside them, are what any mirror that stamps an execution's start, event and end pays at least`,
      'the least mirror (bench/least-mirror.ts) keeps every record with its params and every event with its data in rings at the default bounds, with counts, sum, min and max per routine; it checks no input and keeps no running list or percentiles',
    ],
    data: {
      small: {
        mirror: smallMirror,
        raw: smallRaw,
        ratio: small,
        clockFloor: smallClock,
        clockFloorRatio: floor,
        leastMirror: smallLeast,
        leastMirrorRatio: least,
      },
      realisticParams: {
        mirror: paramsMirror,
        raw: paramsRaw,
        ratio: withParams,
      },
    },
    seconds: (performance.now() - started) / 1000,
  };
}

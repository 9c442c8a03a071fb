/**
 * 3. What the queries cost as the run grows: the same three queries on
 * trackers holding 10^3 to 10^6 recorded executions, timed side by side.
 */
import { measureSideBySide, ratioOf, type Contender } from '../measure.js';
import type { Measured } from '../measure.js';
import {
  nsRow,
  ratioRow,
  type Row,
  type ScenarioContext,
  type ScenarioResult,
} from '../results.js';
import type { ExecutionTracker } from '../../src/index.js';
import {
  mirrorTracker,
  ROUTINES,
  smallParams,
  trackerExecution,
} from '../workload.js';

/** The largest run's query time over the smallest's. */
export const FLAT_QUERY_TARGET = 2;

/** The routine whose figures are asked for. */
export const QUERIED_ROUTINE = ROUTINES[3] as string;

const QUERIES: readonly {
  readonly name: string;
  readonly call: (tracker: ExecutionTracker) => unknown;
}[] = [
  {
    name: 'getRoutinePerformance',
    call: (tracker) => tracker.getRoutinePerformance(QUERIED_ROUTINE),
  },
  {
    name: 'getFlowPerformance',
    call: (tracker) => tracker.getFlowPerformance(),
  },
  {
    name: 'getPerformanceMetrics',
    call: (tracker) => tracker.getPerformanceMetrics(),
  },
];

/** Where query results go, so that no call can be optimized away. */
export const sink: { value: unknown } = { value: undefined };

/**
 * A tracker (mirror only, default bounds) that has recorded `executions`
 * executions over ten routines: start, one event, end.
 */
export function populatedTracker(executions: number): {
  tracker: ExecutionTracker;
  seconds: number;
} {
  const tracker = mirrorTracker();
  const execute = trackerExecution(tracker, smallParams);
  const started = performance.now();
  for (let i = 0; i < executions; i++) execute(i);
  return { tracker, seconds: (performance.now() - started) / 1000 };
}

export async function runQueries(
  context: ScenarioContext,
): Promise<ScenarioResult> {
  const started = performance.now();
  const { profile } = context;
  const sizes = profile.querySizes;
  const trackers = sizes.map((size) => {
    context.log(`recording ${size.toLocaleString('en-US')} executions`);
    return populatedTracker(size);
  });

  const contenders: Contender[] = [];
  for (const query of QUERIES) {
    sizes.forEach((size, k) => {
      const { tracker } = trackers[k] as { tracker: ExecutionTracker };
      const { call } = query;
      contenders.push({
        name: `${query.name}@${size}`,
        op: () => {
          sink.value = call(tracker);
        },
      });
    });
  }
  context.log(
    `${QUERIES.length} queries at ${sizes.length} sizes, side by side`,
  );
  const measured = await measureSideBySide(contenders, {
    profile,
    timeMs: profile.queryTimeMs,
  });
  for (const { tracker } of trackers) tracker.end();

  const byName = new Map(measured.map((entry) => [entry.name, entry]));
  const rows: Row[] = [];
  const data: Record<string, unknown> = {
    queriedRoutine: QUERIED_ROUTINE,
    sizes,
    recordSeconds: trackers.map(({ seconds }) => seconds),
  };
  const smallest = sizes[0] as number;
  const largest = sizes[sizes.length - 1] as number;
  for (const query of QUERIES) {
    const series: Measured[] = [];
    for (const size of sizes) {
      const entry = byName.get(`${query.name}@${size}`);
      if (entry === undefined)
        throw new Error(`queries: ${query.name} missing`);
      series.push(entry);
      rows.push(
        nsRow(
          `${query.name}_ns_at_${size}`,
          `${query.name}, ${exponent(size)} executions`,
          entry,
        ),
      );
    }
    const growth = ratioOf(
      series[series.length - 1] as Measured,
      series[0] as Measured,
    );
    rows.push(
      ratioRow(
        `${query.name}_growth`,
        `${query.name}, ${exponent(largest)} / ${exponent(smallest)}`,
        growth,
        FLAT_QUERY_TARGET,
      ),
    );
    data[query.name] = { series, growth };
  }

  return {
    id: 'queries',
    title: 'Query cost as the run grows (10 routines, default bounds)',
    rows,
    notes: [
      `getRoutinePerformance asks for ${QUERIED_ROUTINE}; each execution recorded one event`,
      `recording took ${trackers.map(({ seconds }) => `${seconds.toFixed(2)} s`).join(', ')} (mirror only)`,
    ],
    data,
    seconds: (performance.now() - started) / 1000,
  };
}

/** 1000 as 10^3. */
export function exponent(size: number): string {
  const power = Math.log10(size);
  return Number.isInteger(power) ? `10^${power}` : size.toLocaleString('en-US');
}

/**
 * 5. The same call sequence against routilux 0.11.0's Python tracker, in
 * a virtual environment under `.cache/bench-venv/`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { measureSideBySide, median, type Contender } from '../measure.js';
import { RecordingSdk } from '../otel.js';
import { target, type Row, type ScenarioContext } from '../results.js';
import type { ScenarioResult } from '../results.js';
import {
  benchTracker,
  mirrorTracker,
  smallParams,
  trackerExecution,
} from '../workload.js';
import { populatedTracker, QUERIED_ROUTINE, sink } from './queries.js';

/** routilux's get_routine_performance over ours, at 10^5 executions. */
export const QUERY_SPEEDUP_TARGET = 1000;

const ROUTILUX_VERSION = '0.11.0';
const VENV = fileURLToPath(
  new URL('../../.cache/bench-venv/', import.meta.url),
);
const SCRIPT = fileURLToPath(
  new URL('../routilux/bench_routilux.py', import.meta.url),
);
const VENV_PYTHON = `${VENV}bin/python`;

/** What the Python script prints. */
interface PythonResult {
  readonly python: string;
  readonly implementation: string;
  readonly routilux: string;
  readonly execution: {
    readonly per_round: number;
    readonly ns_rounds: number[];
    readonly ns: number;
  };
  readonly query: {
    readonly routine: string;
    readonly executions: number;
    readonly record_seconds: number;
    readonly ns_calls: number[];
    readonly ns: number;
  };
}

export async function runRoutilux(
  context: ScenarioContext,
): Promise<ScenarioResult> {
  const started = performance.now();
  const { profile } = context;
  const python = preparePython(context);
  if (typeof python === 'string') return unavailable(python, started);

  context.log(
    `routilux ${ROUTILUX_VERSION}: ${profile.pythonRounds} rounds of ${profile.pythonExecutionsPerRound.toLocaleString('en-US')} executions, then the query at ${profile.pythonQuerySize.toLocaleString('en-US')}`,
  );
  const run = spawnSync(
    VENV_PYTHON,
    [
      SCRIPT,
      `--rounds=${profile.pythonRounds}`,
      `--per-round=${profile.pythonExecutionsPerRound}`,
      `--query-size=${profile.pythonQuerySize}`,
    ],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (run.status !== 0) {
    return unavailable(
      `the Python script failed: ${lastLine(run.stderr || String(run.error))}`,
      started,
    );
  }
  let routilux: PythonResult;
  try {
    routilux = JSON.parse(run.stdout) as PythonResult;
  } catch {
    return unavailable('the Python script printed no JSON', started);
  }

  // Our side of the same sequence, right after: the mirror alone (what the
  // Python tracker does) and the full tracker with spans.
  context.log('the same executions through the tracker, mirror alone and full');
  const sdk = new RecordingSdk();
  const mirror = mirrorTracker();
  const full = benchTracker({ tracer: sdk.tracer });
  const contenders: Contender[] = [
    { name: 'mirror', op: trackerExecution(mirror, smallParams) },
    { name: 'full', op: trackerExecution(full, smallParams) },
  ];
  const [ownMirror, ownFull] = await measureSideBySide(contenders, {
    profile,
    batch: profile.executionsPerSample,
    betweenRounds: () => sdk.flush(),
  });
  mirror.end();
  full.end();
  await sdk.shutdown();
  if (!ownMirror || !ownFull)
    throw new Error('routilux: a contender is missing');

  context.log(
    `getRoutinePerformance at ${profile.pythonQuerySize.toLocaleString('en-US')} executions`,
  );
  const { tracker } = populatedTracker(profile.pythonQuerySize);
  const [ownQuery] = await measureSideBySide(
    [
      {
        name: 'getRoutinePerformance',
        op: () => {
          sink.value = tracker.getRoutinePerformance(QUERIED_ROUTINE);
        },
      },
    ],
    { profile, timeMs: profile.queryTimeMs },
  );
  tracker.end();
  if (!ownQuery) throw new Error('routilux: the query is missing');

  const pythonExecution = routilux.execution.ns;
  const pythonQuery = median(routilux.query.ns_calls);
  const speedup = pythonQuery / ownQuery.ns;
  const size = profile.pythonQuerySize.toLocaleString('en-US');
  const rows: Row[] = [
    {
      key: 'routilux_execution_ns',
      label: 'routilux, per execution',
      value: pythonExecution,
      unit: 'ns',
    },
    {
      key: 'mirror_execution_ns',
      label: 'tracker, mirror alone, per execution',
      value: ownMirror.ns,
      unit: 'ns',
    },
    {
      key: 'full_execution_ns',
      label: 'tracker, full (spans), per execution',
      value: ownFull.ns,
      unit: 'ns',
    },
    {
      key: 'mirror_over_routilux',
      label: 'mirror alone / routilux',
      value: ownMirror.ns / pythonExecution,
      unit: 'ratio',
    },
    {
      key: 'full_over_routilux',
      label: 'full tracker / routilux',
      value: ownFull.ns / pythonExecution,
      unit: 'ratio',
    },
    {
      key: 'routilux_query_ns',
      label: `routilux get_routine_performance, ${size} executions`,
      value: pythonQuery,
      unit: 'ns',
    },
    {
      key: 'query_ns',
      label: `getRoutinePerformance, ${size} executions`,
      value: ownQuery.ns,
      unit: 'ns',
    },
    {
      key: 'query_speedup',
      label: 'routilux query / tracker query',
      value: speedup,
      unit: 'speedup',
      target: target(speedup, 'at least', QUERY_SPEEDUP_TARGET),
    },
  ];
  return {
    id: 'routilux',
    title: `routilux ${ROUTILUX_VERSION} (Python) on the same call sequence`,
    rows,
    notes: [
      `${routilux.implementation} ${routilux.python}, routilux ${routilux.routilux}, in ${VENV}`,
      'routilux makes no spans: the mirror alone is the like-for-like figure',
      `both query ${QUERIED_ROUTINE}, which holds a tenth of the executions`,
    ],
    data: {
      python: routilux,
      tracker: { mirror: ownMirror, full: ownFull, query: ownQuery },
      speedup,
    },
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * The virtual environment with routilux installed, made on first use:
 * `null` when ready, else why not.
 */
function preparePython(context: ScenarioContext): string | null {
  if (!existsSync(VENV_PYTHON)) {
    const interpreter = ['python3', 'python'].find(
      (name) =>
        spawnSync(name, ['--version'], { encoding: 'utf8' }).status === 0,
    );
    if (interpreter === undefined) return 'no Python found (python3, python)';
    context.log(`creating a virtual environment in ${VENV}`);
    const venv = spawnSync(interpreter, ['-m', 'venv', VENV], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (venv.status !== 0) {
      return `could not create a virtual environment: ${lastLine(venv.stderr || String(venv.error))}`;
    }
  }
  if (installedVersion() !== ROUTILUX_VERSION) {
    context.log(`pip install routilux==${ROUTILUX_VERSION}`);
    const pip = spawnSync(
      VENV_PYTHON,
      [
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '--quiet',
        `routilux==${ROUTILUX_VERSION}`,
      ],
      { encoding: 'utf8', timeout: 300_000 },
    );
    if (pip.status !== 0) {
      return `pip install routilux==${ROUTILUX_VERSION} failed (is PyPI reachable?): ${lastLine(pip.stderr || String(pip.error))}`;
    }
    if (installedVersion() !== ROUTILUX_VERSION) {
      return `routilux ${ROUTILUX_VERSION} is not importable after pip install`;
    }
  }
  return null;
}

function installedVersion(): string | undefined {
  const check = spawnSync(
    VENV_PYTHON,
    [
      '-c',
      'import importlib.metadata as m, routilux.execution_tracker; print(m.version("routilux"))',
    ],
    { encoding: 'utf8' },
  );
  return check.status === 0 ? check.stdout.trim() : undefined;
}

function unavailable(reason: string, started: number): ScenarioResult {
  const note = `not measured: ${reason}`;
  return {
    id: 'routilux',
    title: `routilux ${ROUTILUX_VERSION} (Python) on the same call sequence`,
    rows: [
      {
        key: 'routilux_execution_ns',
        label: 'routilux, per execution',
        value: null,
        unit: 'ns',
      },
      {
        key: 'query_speedup',
        label: 'routilux query / tracker query',
        value: null,
        unit: 'speedup',
        target: target(null, 'at least', QUERY_SPEEDUP_TARGET),
      },
    ],
    notes: [note],
    data: { available: false, reason },
    seconds: (performance.now() - started) / 1000,
  };
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}
